/*  06-agent: pmo-agent against a real pmod.  One-shot updates land exactly
 *  (hours, cents, yen, percent, milestone); a refusal exits 1 with pmod's
 *  reason and leaves nothing queued; with pmod down the update is kept and
 *  exits 2, then drains once when pmod is back; the spool daemon sends JSON
 *  lines and CSV, quarantines bad records with file:line, moves answered
 *  files to done/, heartbeats its team, and never books a file twice. */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static json_object *
s_show (const char *code)
{
    return RUN_JSON (CTL, "project", "show", code, "--json");
}

static void
s_write (const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    CHECK (write_file (path, text) == 0);
}

static bool
s_exists (const char *dir, const char *name)
{
    char path[600];
    struct stat st;
    snprintf (path, sizeof path, "%s/%s", dir, name);
    return stat (path, &st) == 0;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "agent") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "85.50 EUR"));
    run_ok (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "120000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "ZEN", "--name", "Garden", "--team", "T1", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "5000000 JPY"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Design approved", "--due", "2026-12-15"));

    /*  One-shot updates. */
    run_ok (RUN (AGENT, "--agent", "a1", "time", "--person", "ana", "--project", "APOLLO", "--minutes", "90",
               "--date", "2026-11-20", "--activity", "design"));
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "APOLLO", "--amount", "1200.00 EUR", "--category",
               "material", "--date", "2026-11-20"));
    run_ok (RUN (AGENT, "--agent", "a1", "cost", "--project", "ZEN", "--amount", "1500"));  /* yen: no decimals */
    run_ok (RUN (AGENT, "--agent", "a1", "progress", "--project", "APOLLO", "--percent", "42.5", "--milestone",
               "Design approved"));
    {
        run_t r = RUN (AGENT, "--agent", "a1", "cost", "--project", "ZEN", "--amount", "12.5");
        CHECK_EQ_I64 (r.status, 1);
        CHECK_STR (r.err, "pmo-agent: amount: \"12.5\" is not an amount in JPY (0 decimals)\n");
        run_free (&r);
        r = RUN (AGENT, "--agent", "a1", "time", "--person", "ana", "--project", "NOPE", "--minutes", "5");
        CHECK_EQ_I64 (r.status, 1);
        CHECK_STR (r.err, "pmo-agent: project NOPE: not found\n");
        run_free (&r);
        r = RUN (AGENT, "--agent", "a1", "time", "--person", "ana", "--project", "APOLLO", "--minutes", "5",
                 "--date", "2026-02-30");
        CHECK_EQ_I64 (r.status, 1);
        run_free (&r);
    }
    json_object *j = s_show ("APOLLO");
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 90);
    CHECK_EQ_I64 (json_int (j, "totals.labour_minor"), 12825);
    CHECK_EQ_I64 (json_int (j, "totals.material_minor"), 120000);
    CHECK_EQ_I64 (json_int (j, "project.percent_bp"), 4250);
    CHECK_STR (json_str (j, "milestones.0.actual"), "2026-11-22");
    json_object_put (j);
    j = s_show ("ZEN");
    CHECK_EQ_I64 (json_int (j, "totals.cost_minor"), 1500);
    json_object_put (j);
    j = RUN_JSON (AGENT, "--agent", "a1", "status", "--json");
    CHECK_EQ_I64 (json_int (j, "pending"), 0);
    json_object_put (j);

    /*  pmod down: kept in the outbox, exit 2; pmod back: sent once. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    {
        run_t r = RUN (AGENT, "--agent", "a1", "--timeout", "500", "time", "--person", "bob", "--project", "APOLLO",
                       "--minutes", "30", "--date", "2026-11-21");
        CHECK_EQ_I64 (r.status, 2);
        CHECK (r.err && strstr (r.err, "kept in outbox") != NULL);
        run_free (&r);
    }
    j = RUN_JSON (AGENT, "--agent", "a1", "status", "--json");
    CHECK_EQ_I64 (json_int (j, "pending"), 1);
    json_object_put (j);
    /*  An endpoint zmq cannot use: refused before the update is recorded
     *  (the one-shot connects before it writes the outbox). */
    {
        run_t r = RUN (AGENT, "--agent", "a1", "--endpoint", "bogus://nowhere", "time", "--person", "bob",
                       "--project", "APOLLO", "--minutes", "30", "--date", "2026-11-21");
        CHECK_EQ_I64 (r.status, 1);
        CHECK (r.err && strstr (r.err, "update not recorded") != NULL);
        run_free (&r);
    }
    j = RUN_JSON (AGENT, "--agent", "a1", "status", "--json");
    CHECK_EQ_I64 (json_int (j, "pending"), 1);
    json_object_put (j);
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    /*  The spool: good and bad records in JSON lines and CSV. */
    char spool[400];
    snprintf (spool, sizeof spool, "%s/spool", e.dir);
    mkdir (spool, 0700);
    s_write (spool, "a.jsonl",
             "{\"type\":\"time\",\"person\":\"bob\",\"project\":\"APOLLO\",\"date\":\"2026-11-19\",\"minutes\":45}\n"
             "{\"type\":\"time\",\"person\":\"bob\",\"project\":\"APOLLO\",\"date\":\"2026-11-19\",\"hours\":\"1.5\"}\n"
             "\n"
             "{\"type\":\"time\",\"person\":\"bob\",\"project\":\"APOLLO\",\"date\":\"2026-11-19\",\"minutes\":\"abc\"}\n"
             "{\"type\":\"cost\",\"project\":\"APOLLO\",\"date\":\"2026-11-19\",\"amount\":\"99.99\",\"category\":\"travel\"}\n");
    s_write (spool, "b.csv",
             "type,person,project,date,minutes,activity,note\n"
             "time,ana,APOLLO,2026-11-18,60,review,\"design review, part 1\"\n"
             "time,ana,APOLLO,2026-11-31,60,review,bad date\n"
             "time,bob,APOLLO,2026-11-18,15,,\"said \"\"hi\"\"\"\n");
    s_write (spool, "c.jsonl",
             "{\"type\":\"time\",\"person\":\"zed\",\"project\":\"APOLLO\",\"date\":\"2026-11-18\",\"minutes\":10}\n");
    run_ok (RUN (AGENT, "--agent", "a1", "run", "--once", "--team", "T1", "--spool", spool));

    /*  Exact totals: 90 + 30 (the queued one) + 45 + 90 + 60 + 15 minutes. */
    j = s_show ("APOLLO");
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 330);
    /*  ana 150 min at 85.50 = 213.75; bob 180 min at 60.00 = 180.00. */
    CHECK_EQ_I64 (json_int (j, "totals.labour_minor"), 21375 + 18000);
    CHECK_EQ_I64 (json_int (j, "totals.travel_minor"), 9999);
    CHECK_EQ_I64 (json_int (j, "totals.time_entries"), 6);
    json_object_put (j);

    char done[500], rejected[500];
    snprintf (done, sizeof done, "%s/done", spool);
    snprintf (rejected, sizeof rejected, "%s/rejected", spool);
    CHECK (s_exists (done, "a.jsonl"));
    CHECK (s_exists (done, "b.csv"));
    CHECK (s_exists (done, "c.jsonl"));
    CHECK (!s_exists (spool, "a.jsonl"));
    char path[700];
    snprintf (path, sizeof path, "%s/a.jsonl.errors", rejected);
    char *errors = read_file (path);
    CHECK (errors && strstr (errors, "line 4: minutes: \"abc\" is not a whole number") != NULL);
    free (errors);
    snprintf (path, sizeof path, "%s/b.csv.errors", rejected);
    errors = read_file (path);
    CHECK (errors && strstr (errors, "line 3: date:") != NULL);
    free (errors);
    snprintf (path, sizeof path, "%s/c.jsonl.errors", rejected);
    errors = read_file (path);
    CHECK (errors && strstr (errors, "line 1: person zed: not found") != NULL);
    if (errors && !strstr (errors, "person zed"))
        fprintf (stderr, "c.jsonl.errors: %s\n", errors);
    free (errors);

    /*  The heartbeat reached pmod: the team was seen at the (fixed) now. */
    j = RUN_JSON (CTL, "team", "list", "--json");
    CHECK_EQ_I64 (json_int (j, "teams.0.last_seen_ms"), 1795348800000LL);
    json_object_put (j);

    /*  A second run finds nothing new: nothing is counted twice. */
    run_ok (RUN (AGENT, "--agent", "a1", "run", "--once", "--team", "T1", "--spool", spool));
    j = s_show ("APOLLO");
    CHECK_EQ_I64 (json_int (j, "totals.minutes"), 330);
    json_object_put (j);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
