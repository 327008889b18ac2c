/*  12-status-cache: pmod keeps each project's status row computed; every
 *  status must still show the figures of the moment.  Each step below
 *  asks for the status once before a change (so the row is cached) and
 *  once after, and checks the new figures to the cent: after a cost (today
 *  and as of an earlier date), progress, a milestone, a baseline change, a
 *  clock move and a policy change.  Also: the --json rows pmoctl streams
 *  from the reply's bytes equal the ones it prints after unpacking them
 *  (--rag with every colour takes that path).
 *
 *  APOLLO: 2026-01-01..2026-04-10 (100 days), BAC 100,000.00 EUR, linear PV:
 *  1,000.00 EUR a day.  The clock starts on 2026-02-19 (day 50). */
#include <stdio.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static tenv_t e;

static void
s_clock (const char *when)
{
    CHECK_EQ_I64 (clock_set (e.endpoint, when), PMO__STATUS__STATUS_OK);
}

static void
s_cost (const char *amount, const char *date)
{
    run_ok (RUN (AGENT, "--agent", "fin", "cost", "--project", "APOLLO", "--amount", amount, "--date", date,
               "--category", "contractor"));
}

/*  One figure of row `row` (0: APOLLO, 1: ZED) in `pmoctl status --json`,
 *  as of as_of when not NULL. */
static int64_t
s_fig_of (int row, const char *path, const char *as_of)
{
    json_object *j = as_of ? RUN_JSON (CTL, "status", "--json", "--as-of", as_of) : RUN_JSON (CTL, "status", "--json");
    char full[128];
    snprintf (full, sizeof full, "rows.%d.%s", row, path);
    int64_t v = json_get (j, full) ? json_int (j, full) : -1;
    json_object_put (j);
    return v;
}

static int64_t
s_fig (const char *path, const char *as_of)
{
    return s_fig_of (0, path, as_of);
}

static char *
s_text (const char *path)
{
    json_object *j = RUN_JSON (CTL, "status", "--json");
    char full[128];
    snprintf (full, sizeof full, "rows.0.%s", path);
    const char *s = json_str (j, full);
    char *copy = pmo_strdup (s ? s : "(none)");
    json_object_put (j);
    return copy;
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "status-cache") == 0);
    const char *now[] = {"--now", "2026-02-19T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "portfolio", "add", "CORP", "--name", "Corp"));
    run_ok (RUN (CTL, "programme", "add", "SPACE", "--portfolio", "CORP", "--name", "Space"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--programme", "SPACE", "--start", "2026-01-01",
               "--finish", "2026-04-10", "--budget", "100000.00 EUR", "--status", "approved"));
    run_ok (RUN (CTL, "project", "add", "ZED", "--name", "Other", "--programme", "SPACE", "--start", "2026-01-01",
               "--finish", "2026-04-10", "--budget", "1000.00 EUR", "--status", "approved"));

    /*  A cost. */
    CHECK_EQ_I64 (s_fig ("evm.pv_minor", NULL), 5000000);
    CHECK_EQ_I64 (s_fig ("evm.ac_minor", NULL), 0);
    s_cost ("30000.00 EUR", "2026-02-10");
    CHECK_EQ_I64 (s_fig ("evm.ac_minor", NULL), 3000000);
    CHECK_EQ_I64 (s_fig ("totals.cost_entries", NULL), 1);
    json_object *j = RUN_JSON (CTL, "status", "--json");
    json_object *rollups = json_get (j, "rollups");
    bool seen_total = false;
    for (size_t i = 0; rollups && i < json_object_array_length (rollups); i++) {
        json_object *ru = json_object_array_get_idx (rollups, i);
        if (!streq (json_str (ru, "level"), "total"))
            continue;
        seen_total = true;
        CHECK_EQ_I64 (json_int (ru, "evm.ac_minor"), 3000000);
        CHECK_EQ_I64 (json_int (ru, "evm.bac_minor"), 10100000);
    }
    CHECK (seen_total);
    json_object_put (j);

    /*  Progress. */
    CHECK_EQ_I64 (s_fig ("evm.ev_minor", NULL), 0);
    run_ok (RUN (AGENT, "--agent", "fin", "progress", "--project", "APOLLO", "--percent", "40", "--date",
               "2026-02-19"));
    CHECK_EQ_I64 (s_fig ("evm.ev_minor", NULL), 4000000);
    CHECK_EQ_I64 (s_fig ("evm.cpi.num", NULL), 4);
    CHECK_EQ_I64 (s_fig ("evm.cpi.den", NULL), 3);

    /*  As of an earlier date, then today again, then a late booking for
     *  that earlier period. */
    CHECK_EQ_I64 (s_fig ("evm.pv_minor", "2026-02-15"), 4600000);
    CHECK_EQ_I64 (s_fig ("evm.ev_minor", "2026-02-15"), 0);
    CHECK_EQ_I64 (s_fig ("evm.ac_minor", "2026-02-15"), 3000000);
    CHECK_EQ_I64 (s_fig ("evm.pv_minor", NULL), 5000000);
    CHECK_EQ_I64 (s_fig ("evm.ev_minor", NULL), 4000000);
    s_cost ("1000.00 EUR", "2026-02-12");
    CHECK_EQ_I64 (s_fig ("evm.ac_minor", "2026-02-15"), 3100000);
    CHECK_EQ_I64 (s_fig ("evm.ac_minor", NULL), 3100000);

    /*  The clock moves: five more planned days.  ZED (1,000.00 EUR, 10.00
     *  a day) stays red, so the move writes nothing of it: only the date
     *  tells its row is old. */
    CHECK_EQ_I64 (s_fig ("evm.at_days", NULL), 50);
    CHECK_EQ_I64 (s_fig_of (1, "evm.pv_minor", NULL), 50000);
    s_clock ("2026-02-24T12:00:00Z");
    CHECK_EQ_I64 (s_fig ("evm.pv_minor", NULL), 5500000);
    CHECK_EQ_I64 (s_fig ("evm.at_days", NULL), 55);
    CHECK_EQ_I64 (s_fig_of (1, "evm.pv_minor", NULL), 55000);

    /*  A milestone already due. */
    CHECK_EQ_I64 (s_fig ("missed_milestones", NULL), 0);
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Review", "--due", "2026-02-20", "--weight", "0"));
    CHECK_EQ_I64 (s_fig ("missed_milestones", NULL), 1);
    char *name = s_text ("next_milestone.name");
    CHECK_STR (name, "Review");
    free (name);

    /*  The baseline changes: BAC 200,000.00, 2,000.00 a day. */
    run_ok (RUN (CTL, "project", "set", "APOLLO", "--budget", "200000.00 EUR"));
    CHECK_EQ_I64 (s_fig ("evm.bac_minor", NULL), 20000000);
    CHECK_EQ_I64 (s_fig ("evm.pv_minor", NULL), 11000000);
    CHECK_EQ_I64 (s_fig ("evm.ev_minor", NULL), 8000000);

    /*  The policy: red on SPI 0.727 and the missed milestone, then relaxed
     *  so neither counts (CPI 80,000 / 31,000 is fine): green. */
    char *rag = s_text ("health.rag");
    CHECK_STR (rag, "red");
    free (rag);
    run_ok (RUN (CTL, "policy", "set", "spi_red", "0.4"));
    run_ok (RUN (CTL, "policy", "set", "spi_amber", "0.4"));
    run_ok (RUN (CTL, "policy", "set", "missed_red", "5"));
    run_ok (RUN (CTL, "policy", "set", "missed_amber", "5"));
    rag = s_text ("health.rag");
    CHECK_STR (rag, "green");
    free (rag);

    /*  The same JSON whether pmoctl streams the reply's bytes or unpacks. */
    run_t streamed = RUN (CTL, "status", "--json");
    run_t unpacked = RUN (CTL, "status", "--json", "--rag", "green,amber,red");
    CHECK_EQ_I64 (streamed.status, 0);
    CHECK_EQ_I64 (unpacked.status, 0);
    CHECK (streamed.out && strstr (streamed.out, "\"code\":\"ZED\""));
    CHECK_STR (streamed.out, unpacked.out);
    run_free (&streamed);
    run_free (&unpacked);

    tenv_finish (&e, harness_failures == 0);
    return harness_report ();
}
