/*  52-command-source: a command source (a shell command printing JSON
 *  lines, as a CI pipeline or a cost export would) with a real pmod and
 *  real pmo-agent runs.  Asserts:
 *    - good lines are sent, bad ones (not JSON, a bad field) are skipped,
 *      logged with their line numbers and counted in status;
 *    - an item with a ref printed again unchanged is not sent again; a
 *      changed one corrects the booked entry; a void removes it;
 *    - an item without a ref is sent every time it is printed;
 *    - a command that exits non-zero sends nothing of its output and its
 *      failure shows in status and the log, while the other source works;
 *    - the daemon (`run` without --once) polls each source on its own
 *      interval, the failing one included, until SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static char s_conf[600];

static int
s_agent_once (const char *state)
{
    char log[700];
    snprintf (log, sizeof log, "%s.log", s_conf);
    const char *argv[] = {AGENT, "--config", s_conf, "--state", state, "run", "--once", NULL};
    return proc_wait (proc_spawn (argv, log), 60000);
}

static int64_t
s_total (const char *field)
{
    json_object *j = RUN_JSON (CTL, "project", "show", "APOLLO", "--json");
    char path[64];
    snprintf (path, sizeof path, "totals.%s", field);
    int64_t v = j ? json_int (j, path) : -1;
    json_object_put (j);
    return v;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "command") == 0);
    setenv ("PMO_NOW", "2025-03-22T12:00:00Z", 1);
    const char *now[] = {"--now", "2025-03-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start",
               "2025-01-01", "--finish", "2025-12-31", "--budget", "120000.00 EUR"));

    char items[500], state[400], conf[2000];
    snprintf (items, sizeof items, "%s/items.jsonl", e.dir);
    snprintf (state, sizeof state, "%s/state", e.dir);
    snprintf (s_conf, sizeof s_conf, "%s/agent.conf", e.dir);
    snprintf (conf, sizeof conf,
              "[agent]\n"
              "id = ci-agent\n"
              "heartbeat = 0\n"
              "[source.ci]\n"
              "type = command\n"
              "command = cat %s\n"
              "poll = 60000\n"
              "[source.flaky]\n"
              "type = command\n"
              "command = echo '{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":\"99.00\"}'; "
              "echo boom >&2; exit 3\n",
              items);
    REQUIRE (write_file (s_conf, conf) == 0);
    REQUIRE (write_file (items,
        "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2025-03-20\",\"minutes\":30,\"ref\":\"ci:t1\"}\n"
        "{\"type\":\"cost\",\"project\":\"APOLLO\",\"date\":\"2025-03-20\",\"amount\":\"12.50\",\"category\":\"travel\",\"ref\":\"ci:c1\"}\n"
        "not json\n"
        "\n"
        "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"minutes\":\"x\"}\n"
        "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":12.5}\n") == 0);

    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_total ("minutes"), 30);
    CHECK_EQ_I64 (s_total ("travel_minor"), 1250);
    CHECK_EQ_I64 (s_total ("cost_minor"), 1250);
    CHECK_EQ_I64 (s_total ("progress_updates"), 1);
    json_object *j = RUN_JSON (AGENT, "--state", state, "status", "--json");
    CHECK_STR (json_str (j, "sources.0.name"), "ci");
    CHECK_STR (json_str (j, "sources.0.kind"), "command");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 3);
    CHECK_EQ_I64 (json_int (j, "sources.0.bad_items"), 2);
    CHECK_STR (json_str (j, "sources.0.last_error"),
               "2 bad items: line 3: not valid JSON: null expected: \"not json\"; skipped");
    CHECK_STR (json_str (j, "sources.1.name"), "flaky");
    CHECK_EQ_I64 (json_int (j, "sources.1.items"), 0);
    CHECK_STR (json_str (j, "sources.1.last_error"), "command: exit status 3: boom");
    json_object_put (j);
    {
        char path[700];
        snprintf (path, sizeof path, "%s.log", s_conf);
        char *log = read_file (path);
        CHECK (log && strstr (log, "WARN source ci: line 5: minutes: \"x\" is not a whole number; skipped") != NULL);
        CHECK (log && strstr (log, "WARN source flaky: command: exit status 3: boom") != NULL);
        free (log);
    }

    /*  The same output again: only the item without a ref is sent again. */
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_total ("minutes"), 30);
    CHECK_EQ_I64 (s_total ("cost_minor"), 1250);
    CHECK_EQ_I64 (s_total ("progress_updates"), 2);
    CHECK_EQ_I64 (s_total ("time_entries"), 1);

    /*  A changed item corrects its entry; a void removes the cost. */
    REQUIRE (write_file (items,
        "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2025-03-20\",\"minutes\":45,\"ref\":\"ci:t1\"}\n"
        "{\"type\":\"void\",\"ref\":\"ci:c1\"}\n") == 0);
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_total ("minutes"), 45);
    CHECK_EQ_I64 (s_total ("labour_minor"), 4500);
    CHECK_EQ_I64 (s_total ("time_entries"), 1);
    CHECK_EQ_I64 (s_total ("cost_minor"), 0);
    CHECK_EQ_I64 (s_total ("cost_entries"), 0);
    j = RUN_JSON (CTL, "log", "--project", "APOLLO", "--json");
    json_object *evs = j ? json_get (j, "events") : NULL;
    int corrected = 0, voided = 0;
    for (size_t i = 0; evs && i < json_object_array_length (evs); i++) {
        char path[64];
        snprintf (path, sizeof path, "events.%zu.topic", i);
        const char *topic = json_str (j, path);
        corrected += topic && strcmp (topic, "time.corrected.APOLLO") == 0;
        voided += topic && strcmp (topic, "cost.voided.APOLLO") == 0;
    }
    CHECK_EQ_I64 (corrected, 1);
    CHECK_EQ_I64 (voided, 1);
    json_object_put (j);
    {
        run_t r = RUN (CTL, "log", "--project", "APOLLO");
        CHECK (r.out && strstr (r.out, "time.corrected.APOLLO  APOLLO   ana 30 min 2025-03-20 -> "
                                        "ana 45 min 2025-03-20") != NULL);
        CHECK (r.out && strstr (r.out, "cost.voided.APOLLO     APOLLO   voided: 12.50 EUR travel")
                            != NULL);
        if (!r.out || !strstr (r.out, "voided: 12.50 EUR travel"))
            fprintf (stderr, "log:\n%s\n", r.out ? r.out : "");
        run_free (&r);
    }
    j = RUN_JSON (AGENT, "--state", state, "status", "--json");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 6);
    CHECK_EQ_I64 (json_int (j, "sources.0.runs"), 3);
    CHECK_STR (json_str (j, "sources.0.last_error"), "");
    CHECK_EQ_I64 (json_int (j, "sources.1.failures"), 3);
    json_object_put (j);
    {
        run_t r = RUN (AGENT, "--state", state, "status");
        CHECK (r.out && strstr (r.out, "source      flaky (command): last run 2025-03-22T12:00:00Z "
                                        "FAILED: command: exit status 3: boom, 0 items sent in 3 runs, "
                                        "3 failed\n") != NULL);
        run_free (&r);
    }

    /*  The daemon polls each source on its own interval: a one-second source
     *  runs again and again while a failing one fails on its own schedule
     *  and does not stop it. */
    {
        char daemon_conf[2000];
        snprintf (daemon_conf, sizeof daemon_conf,
                  "[agent]\n"
                  "id = ci-agent\n"
                  "heartbeat = 0\n"
                  "[source.tick]\n"
                  "type = command\n"
                  "command = echo '{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":20}'\n"
                  "poll = 1000\n"
                  "[source.flaky]\n"
                  "type = command\n"
                  "command = exit 4\n"
                  "poll = 1000\n");
        REQUIRE (write_file (s_conf, daemon_conf) == 0);
        int64_t before = s_total ("progress_updates");
        char log[700];
        snprintf (log, sizeof log, "%s.daemon.log", s_conf);
        const char *argv[] = {AGENT, "--config", s_conf, "--state", state, "run", NULL};
        pid_t pid = proc_spawn (argv, log);
        REQUIRE (pid > 0);
        /*  Wait (bounded, not timed) for three polls of the tick source. */
        int64_t now_updates = before;
        for (int i = 0; i < 300 && now_updates < before + 3; i++) {
            usleep (100 * 1000);
            now_updates = s_total ("progress_updates");
        }
        kill (pid, SIGTERM);
        CHECK_EQ_I64 (proc_wait (pid, 10000), 0);
        CHECK (now_updates >= before + 3);
        j = RUN_JSON (AGENT, "--state", state, "status", "--json");
        int64_t tick_runs = -1, flaky_failures = -1;
        for (int i = 0; i < 3; i++) {
            char path[64];
            snprintf (path, sizeof path, "sources.%d.name", i);
            const char *name = json_str (j, path);
            snprintf (path, sizeof path, "sources.%d.runs", i);
            if (name && strcmp (name, "tick") == 0)
                tick_runs = json_int (j, path);
            snprintf (path, sizeof path, "sources.%d.failures", i);
            if (name && strcmp (name, "flaky") == 0)
                flaky_failures = json_int (j, path);
        }
        CHECK (tick_runs >= 3);
        CHECK (flaky_failures >= 3 + 1);  /* 3 from the runs above, then the daemon's */
        json_object_put (j);
    }

    int failed = harness_report ();
    tenv_finish (&e, failed == 0);
    return failed;
}
