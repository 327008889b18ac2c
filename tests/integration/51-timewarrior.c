/*  51-timewarrior: the real `timew` on a temporary database, a real pmod
 *  and real pmo-agent runs (--once, each a fresh process on the same state
 *  directory).  The agent's zone is UTC+2 (TZ=XXT-2), so local midnight is
 *  not UTC midnight.  Asserts exact minutes per project and per day:
 *    - closed intervals booked for the mapped person, project and activity;
 *      an unmapped tag and an open interval are not sent;
 *    - an interval across local midnight is split into one entry per day;
 *    - a rerun sends nothing (no new event);
 *    - lengthen, shorten and retag become corrections, delete a void;
 *    - the open interval is sent once closed;
 *    - an agent that lost its state resends everything, and pmod books
 *      none of it twice;
 *    - a second source with a missing database fails in status and the
 *      log while the first keeps working.
 *  Dates are in March 2025, in the past of any real clock: timew refuses
 *  to start tracking in the future (pmod and the agent use PMO_NOW).
 *  Skipped (exit 77) when timew is not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"
#include "tool_util.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static char s_conf[600];
static char s_timew[600];

/*  timew with its answer given: never waits for a question. */
#define TIMEW(...) run_ok (RUN (s_timew, __VA_ARGS__, ":yes"))

/*  pmo-agent run --once on the test's config, logging to agent.log. */
static int
s_agent_once (const char *state)
{
    char log[700];
    snprintf (log, sizeof log, "%s.log", s_conf);
    const char *argv[] = {AGENT, "--config", s_conf, "--state", state, "run", "--once", NULL};
    pid_t pid = proc_spawn (argv, log);
    return proc_wait (pid, 60000);
}

static int64_t
s_minutes (const char *code)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    int64_t m = j ? json_int (j, "totals.minutes") : -1;
    json_object_put (j);
    return m;
}

static int64_t
s_labour (const char *code)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    int64_t m = j ? json_int (j, "totals.labour_minor") : -1;
    json_object_put (j);
    return m;
}

/*  Minutes per project on one day, as "APOLLO=150;ZEUS=60;". */
static void
s_day (const char *day, char *out, size_t n)
{
    json_object *j = RUN_JSON (CTL, "report", "time", "--from", day, "--to", day, "--by", "project",
                               "--json");
    out[0] = '\0';
    json_object *rows = j ? json_get (j, "rows") : NULL;
    for (size_t i = 0; rows && i < json_object_array_length (rows); i++) {
        char path[64], vpath[64];
        snprintf (path, sizeof path, "rows.%zu.keys.0", i);
        snprintf (vpath, sizeof vpath, "rows.%zu.values.0", i);
        size_t len = strlen (out);
        snprintf (out + len, n - len, "%s=%lld;", json_str (j, path), json_int (j, vpath));
    }
    json_object_put (j);
}

int
main (void)
{
    if (!tool_path ("timew", s_timew, sizeof s_timew)) {
        printf ("SKIP: timew (Debian package timewarrior) is not installed\n");
        return 77;
    }
    tenv_t e;
    REQUIRE (tenv_init (&e, "timewarrior") == 0);
    /*  UTC+2 without DST, so the test reads the same every day of the year. */
    setenv ("TZ", "XXT-2", 1);
    setenv ("HOME", e.dir, 1);
    setenv ("PMO_NOW", "2025-03-22T12:00:00Z", 1);
    char db[400], path[700], state[400];
    snprintf (db, sizeof db, "%s/tw", e.dir);
    snprintf (state, sizeof state, "%s/state", e.dir);
    snprintf (path, sizeof path, "%s/data", db);
    mkdir (db, 0700);
    mkdir (path, 0700);
    snprintf (path, sizeof path, "%s/timewarrior.cfg", db);
    REQUIRE (write_file (path, "") == 0);
    setenv ("TIMEWARRIORDB", db, 1);

    const char *now[] = {"--now", "2025-03-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start",
               "2025-01-01", "--finish", "2025-12-31", "--budget", "120000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "ZEUS", "--name", "Sky", "--team", "T1", "--start",
               "2025-01-01", "--finish", "2025-12-31", "--budget", "50000.00 EUR"));

    /*  Local times (UTC+2).  Newest first, timew numbers them @1 (open),
     *  @2 lunch, @3 zeus, @4 across midnight, @5 design. */
    TIMEW ("track", "2025-03-20T09:00", "-", "2025-03-20T10:30", "apollo", "design");
    TIMEW ("track", "2025-03-20T23:00", "-", "2025-03-21T01:15", "apollo");
    TIMEW ("track", "2025-03-21T08:00", "-", "2025-03-21T09:00", "zeus");
    TIMEW ("track", "2025-03-21T12:00", "-", "2025-03-21T12:40", "lunch");
    TIMEW ("start", "2025-03-22T09:00", "apollo");

    snprintf (s_conf, sizeof s_conf, "%s/agent.conf", e.dir);
    char conf[2000];
    snprintf (conf, sizeof conf,
              "[agent]\n"
              "id = tw-agent\n"
              "heartbeat = 0\n"
              "[source.ana-time]\n"
              "type = timewarrior\n"
              "db = %s\n"
              "person = ana\n"
              "project.apollo = APOLLO\n"
              "project.zeus = ZEUS\n"
              "activity.design = design\n"
              "poll = 5000\n"
              "[source.bob-time]\n"
              "type = timewarrior\n"
              "db = %s/missing\n"
              "person = bob\n"
              "project.apollo = APOLLO\n",
              db, e.dir);
    REQUIRE (write_file (s_conf, conf) == 0);

    /*  First run: 90 design + 60 and 75 across midnight on APOLLO, 60 on
     *  ZEUS; lunch (unmapped) and the open interval are not sent. */
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 225);
    CHECK_EQ_I64 (s_labour ("APOLLO"), 22500);
    CHECK_EQ_I64 (s_minutes ("ZEUS"), 60);
    char buf[256];
    s_day ("2025-03-20", buf, sizeof buf);
    CHECK_STR (buf, "APOLLO=150;");
    s_day ("2025-03-21", buf, sizeof buf);
    CHECK_STR (buf, "APOLLO=75;ZEUS=60;");
    s_day ("2025-03-22", buf, sizeof buf);
    CHECK_STR (buf, "");
    json_object *j = RUN_JSON (CTL, "report", "time", "--from", "2025-03-20", "--to", "2025-03-21",
                               "--by", "activity", "--json");
    CHECK_STR (json_str (j, "rows.0.keys.0"), "-");
    CHECK_EQ_I64 (json_int (j, "rows.0.values.0"), 195);  /* 60 + 75 APOLLO, 60 ZEUS */
    CHECK_STR (json_str (j, "rows.1.keys.0"), "design");
    CHECK_EQ_I64 (json_int (j, "rows.1.values.0"), 90);
    json_object_put (j);
    j = RUN_JSON (AGENT, "--state", state, "status", "--json");
    CHECK_EQ_I64 (json_int (j, "pending"), 0);
    CHECK_STR (json_str (j, "sources.0.name"), "ana-time");
    CHECK_STR (json_str (j, "sources.0.kind"), "timewarrior");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 4);
    CHECK_STR (json_str (j, "sources.0.last_error"), "");
    CHECK_STR (json_str (j, "sources.0.last_ok"), "2025-03-22T12:00:00Z");
    CHECK_STR (json_str (j, "sources.1.name"), "bob-time");
    CHECK_EQ_I64 (json_int (j, "sources.1.failures"), 1);
    CHECK_EQ_I64 (json_int (j, "sources.1.items"), 0);
    char want[600];
    snprintf (want, sizeof want, "timewarrior database %s/missing not found (no data directory)", e.dir);
    CHECK_STR (json_str (j, "sources.1.last_error"), want);
    json_object_put (j);
    {
        run_t r = RUN (AGENT, "--state", state, "status");
        CHECK (r.out && strstr (r.out, "source      bob-time (timewarrior): last run "
                                        "2025-03-22T12:00:00Z FAILED: timewarrior database ") != NULL);
        CHECK (r.out && strstr (r.out, "source      ana-time (timewarrior): last run "
                                        "2025-03-22T12:00:00Z ok, 4 items sent in 1 run, 0 failed") != NULL);
        run_free (&r);
        snprintf (path, sizeof path, "%s.log", s_conf);
        char *log = read_file (path);
        CHECK (log && strstr (log, "WARN source bob-time: timewarrior database ") != NULL);
        free (log);
    }

    /*  A rerun: nothing new, not one event. */
    int64_t seq = tlast_seq ();
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 225);
    j = RUN_JSON (AGENT, "--state", state, "status", "--json");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 4);
    CHECK_EQ_I64 (json_int (j, "sources.0.last_items"), 0);
    CHECK_EQ_I64 (json_int (j, "sources.0.runs"), 2);
    json_object_put (j);

    /*  Edits: design lengthened to 120, the midnight one shortened to end
     *  at 00:15 (its second day 75 -> 15), zeus deleted. */
    TIMEW ("lengthen", "@5", "30min");
    TIMEW ("shorten", "@4", "60min");
    TIMEW ("delete", "@3");
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 195);
    CHECK_EQ_I64 (s_labour ("APOLLO"), 19500);
    CHECK_EQ_I64 (s_minutes ("ZEUS"), 0);
    s_day ("2025-03-20", buf, sizeof buf);
    CHECK_STR (buf, "APOLLO=180;");
    s_day ("2025-03-21", buf, sizeof buf);
    CHECK_STR (buf, "APOLLO=15;");
    CHECK_EQ_I64 (tlog_count ("time.corrected.APOLLO"), 2);
    CHECK_EQ_I64 (tlog_count ("time.voided.ZEUS"), 1);
    CHECK_EQ_I64 (tlog_count ("time.APOLLO"), 3);

    /*  A retag moves the midnight interval's two entries to ZEUS. */
    TIMEW ("untag", "@3", "apollo");
    TIMEW ("tag", "@3", "zeus");
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 120);
    CHECK_EQ_I64 (s_minutes ("ZEUS"), 75);
    CHECK_EQ_I64 (tlog_count ("time.corrected.ZEUS"), 2);

    /*  The open interval, once closed: 60 more on 2025-03-22. */
    TIMEW ("stop", "2025-03-22T10:00");
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 180);
    s_day ("2025-03-22", buf, sizeof buf);
    CHECK_STR (buf, "APOLLO=60;");

    /*  The agent loses its state directory: a fresh one (same agent id)
     *  sends every entry again under new update ids; pmod recognises each
     *  by its ref and unchanged content, so nothing is booked twice and no
     *  event is written. */
    seq = tlast_seq ();
    char state2[400];
    snprintf (state2, sizeof state2, "%s/state-new", e.dir);
    CHECK_EQ_I64 (s_agent_once (state2), 0);
    j = RUN_JSON (AGENT, "--state", state2, "status", "--json");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 4);
    CHECK_EQ_I64 (json_int (j, "pending"), 0);
    json_object_put (j);
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_minutes ("APOLLO"), 180);
    CHECK_EQ_I64 (s_minutes ("ZEUS"), 75);
    /*  ...and the original state directory still sends nothing. */
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (tlast_seq (), seq);

    int failed = harness_report ();
    tenv_finish (&e, failed == 0);
    return failed;
}
