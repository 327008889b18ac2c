/*  14-credits: figures that are odd but legal never refuse anything else.
 *  A credit (a refund) that takes a project's actual cost below zero is
 *  stored; that project is then reported without earned value (CPI and
 *  EAC mean nothing there) and every other project as before, today and
 *  as of a past date.  A progress report that arrives late for an earlier
 *  day does not replace a newer one.  The dates of things done may be a
 *  day ahead of UTC (a team east of it), not more; a project is never
 *  created closed; the log past its end is empty, not the whole log. */
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static tenv_t e;

/*  Expects exit 1 with exactly want on stderr. */
static void
s_refused (run_t r, const char *want)
{
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, want);
    run_free (&r);
}

/*  The status row of project code in j, or NULL. */
static json_object *
s_row (json_object *j, const char *code)
{
    json_object *rows = json_get (j, "rows");
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        json_object *row = json_object_array_get_idx (rows, i);
        const char *c = json_str (row, "project.code");
        if (c && strcmp (c, code) == 0)
            return row;
    }
    return NULL;
}

/*  A time entry of 60 minutes by ana on P1 dated date, sent as agent a9. */
static int
s_time (uint64_t seq, const char *date, char *reason, size_t n)
{
    pmo_client_t *c = NULL;
    if (pmo_client_open (e.endpoint, &c) != 0)
        return -1;
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = (char *) "ana";
    t.project = (char *) "P1";
    t.date = (char *) date;
    t.has_minutes = true;
    t.minutes = 60;
    Pmo__UpdateId u = PMO__UPDATE_ID__INIT;
    u.agent = (char *) "a9";
    u.has_seq = true;
    u.seq = seq;
    REQ (req, TIME, time, &t);
    req.update = &u;
    int st = call_status (c, &req, reason, n);
    pmo_client_close (&c);
    return st;
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "credits") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "team", "add", "T1", "--name", "One"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR"));
    const char *codes[] = {"P1", "P2", "P3"};
    for (int i = 0; i < 3; i++)
        run_ok (RUN (CTL, "project", "add", codes[i], "--name", codes[i], "--team", "T1", "--start", "2026-01-01",
                   "--finish", "2026-12-31", "--budget", "1000.00 EUR", "--status", i < 2 ? "active" : "proposed"));
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "P1", "--amount", "14.50 EUR", "--date", "2026-11-10"));

    /*  A credit before any cost, on an active project (its alert rules run
     *  in the batch) and on a proposed one: both stored. */
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "P2", "--amount", "-10.00 EUR", "--date", "2026-11-20"));
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "P3", "--amount", "-200.00 EUR", "--date", "2026-11-20"));
    run_ok (RUN (CTL, "project", "set", "P3", "--status", "approved"));

    /*  The portfolio is still reported: P2 and P3 without earned value. */
    json_object *j = RUN_JSON (CTL, "status", "--json");
    REQUIRE (j != NULL);
    json_object *row = s_row (j, "P2");
    REQUIRE (row != NULL);
    CHECK_EQ_I64 (json_int (row, "totals.cost_minor"), -1000);
    CHECK (json_get (row, "evm") == NULL);
    row = s_row (j, "P3");
    REQUIRE (row != NULL);
    CHECK_EQ_I64 (json_int (row, "totals.cost_minor"), -20000);
    CHECK (json_get (row, "evm") == NULL);
    row = s_row (j, "P1");
    REQUIRE (row != NULL);
    CHECK_EQ_I64 (json_int (row, "evm.ac_minor"), 1450);
    json_object_put (j);
    j = RUN_JSON (CTL, "project", "show", "P2", "--json");
    CHECK_EQ_I64 (json_int (j, "totals.cost_minor"), -1000);
    json_object_put (j);
    run_ok (RUN (CTL, "dashboard"));

    /*  A back-dated credit: P1's AC is below zero as of the 5th only. */
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "P1", "--amount", "-5.00 EUR", "--date", "2026-11-01"));
    j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-11-05");
    REQUIRE (j != NULL);
    row = s_row (j, "P1");
    REQUIRE (row != NULL);
    CHECK (json_get (row, "evm") == NULL);
    json_object_put (j);
    j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-11-15");
    REQUIRE (j != NULL);
    CHECK_EQ_I64 (json_int (s_row (j, "P1"), "evm.ac_minor"), 950);
    json_object_put (j);

    /*  Progress: the latest-dated report is the project's percent, even
     *  when an older day's report arrives after it. */
    run_ok (RUN (AGENT, "--agent", "a1", "progress", "--project", "P1", "--percent", "50", "--date", "2026-11-21"));
    run_ok (RUN (AGENT, "--agent", "a1", "progress", "--project", "P1", "--percent", "20", "--date", "2026-11-18"));
    j = RUN_JSON (CTL, "project", "show", "P1", "--json");
    CHECK_EQ_I64 (json_int (j, "project.percent_bp"), 5000);
    CHECK_STR (json_str (j, "project.percent_date"), "2026-11-21");
    json_object_put (j);
    j = RUN_JSON (CTL, "status", "--json");
    CHECK_EQ_I64 (json_int (s_row (j, "P1"), "evm.ev_minor"), 50000);
    json_object_put (j);
    j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-11-19");
    CHECK_EQ_I64 (json_int (s_row (j, "P1"), "evm.ev_minor"), 20000);
    json_object_put (j);
    j = RUN_JSON (CTL, "status", "--json", "--as-of", "2026-11-21");
    CHECK_EQ_I64 (json_int (s_row (j, "P1"), "evm.ev_minor"), 50000);
    json_object_put (j);

    /*  Dates of things done: tomorrow by UTC is today east of it. */
    char reason[300] = "";
    CHECK_EQ_I64 (s_time (1, "2026-11-23", reason, sizeof reason), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_time (2, "2026-11-24", reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "date: 2026-11-24 is in the future (the latest date anywhere is 2026-11-23)");
    run_ok (RUN (CTL, "milestone", "add", "P1", "Beta", "--due", "2026-12-01"));
    s_refused (RUN (CTL, "milestone", "set", "P1", "Beta", "--actual", "2026-11-24"),
               "pmoctl: actual: 2026-11-24 is in the future (the latest date anywhere is 2026-11-23)\n");
    j = RUN_JSON (CTL, "project", "show", "P1", "--json");
    CHECK (json_get (j, "milestones.0.actual") == NULL);
    json_object_put (j);
    run_ok (RUN (CTL, "milestone", "set", "P1", "Beta", "--actual", "2026-11-23"));

    /*  Closed only through `project close`. */
    s_refused (RUN (CTL, "project", "add", "PX", "--name", "X", "--start", "2026-01-01", "--finish", "2026-12-31",
                    "--budget", "1.00 EUR", "--status", "closed"),
               "pmoctl: status: a new project cannot be closed; create it, then close it with `project close` "
               "(closure record and lessons)\n");
    s_refused (RUN (CTL, "project", "show", "PX"), "pmoctl: project PX: not found\n");

    /*  The log: past its last seq is empty (since + 1 must not wrap to the
     *  start); an unknown project is not found, not an empty page. */
    j = RUN_JSON (CTL, "log", "--json", "--since", "18446744073709551615");
    REQUIRE (j != NULL);
    CHECK_EQ_I64 ((long long) json_object_array_length (json_get (j, "events")), 0);
    json_object_put (j);
    s_refused (RUN (CTL, "log", "--project", "NOPE"), "pmoctl: project NOPE: not found\n");

    /*  Every figure that was stored is there exactly once. */
    j = RUN_JSON (CTL, "project", "show", "P1", "--json");
    CHECK_EQ_I64 (json_int (j, "totals.cost_minor"), 950);
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 60);
    CHECK_EQ_I64 (json_int (j, "totals.labour_minor"), 6000);
    json_object_put (j);

    tenv_finish (&e, harness_failures == 0);
    return harness_report ();
}
