/*  50-taskwarrior: the real `task` on a temporary data directory, a real
 *  pmod and real pmo-agent runs (--once, each a fresh process on the same
 *  state directory).  Asserts exact basis points and milestone dates:
 *    - progress weighted by the estimate attribute (APOLLO, subprojects
 *      included, deleted tasks and tasks of other projects left out), and
 *      counted per task without a weight (ZEUS, a second source on the
 *      same data);
 *    - a completed task with a milestone tag reports the milestone reached
 *      on its end date, a local day (UTC+2: 2025-03-20T23:00Z is the 21st);
 *    - a rerun (a restarted agent) sends nothing: no new event;
 *    - a deletion and an edited estimate change the progress, sent once;
 *    - a source whose task program is missing fails in status and the
 *      log, while the others work.
 *  Skipped (exit 77) when task is not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "harness.h"
#include "tool_util.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

static char s_conf[600];
static char s_task[600];

/*  task without questions and without chatter. */
#define TASK(...) run_ok (RUN (s_task, "rc.confirmation=off", "rc.verbose=nothing", __VA_ARGS__))

static int
s_agent_once (const char *state)
{
    char log[700];
    snprintf (log, sizeof log, "%s.log", s_conf);
    const char *argv[] = {AGENT, "--config", s_conf, "--state", state, "run", "--once", NULL};
    return proc_wait (proc_spawn (argv, log), 60000);
}

static int64_t
s_bp (const char *code)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    int64_t bp = j ? json_int (j, "project.percent_bp") : -1;
    json_object_put (j);
    return bp;
}

static int64_t
s_progress_updates (const char *code)
{
    json_object *j = RUN_JSON (CTL, "project", "show", code, "--json");
    int64_t n = j ? json_int (j, "totals.progress_updates") : -1;
    json_object_put (j);
    return n;
}

int
main (void)
{
    if (!tool_path ("task", s_task, sizeof s_task)) {
        printf ("SKIP: task (Debian package taskwarrior) is not installed\n");
        return 77;
    }
    tenv_t e;
    REQUIRE (tenv_init (&e, "taskwarrior") == 0);
    setenv ("TZ", "XXT-2", 1);
    setenv ("HOME", e.dir, 1);
    setenv ("PMO_NOW", "2025-03-22T12:00:00Z", 1);
    char data[400], rc_path[400], state[400];
    snprintf (data, sizeof data, "%s/task", e.dir);
    snprintf (rc_path, sizeof rc_path, "%s/taskrc", e.dir);
    snprintf (state, sizeof state, "%s/state", e.dir);
    mkdir (data, 0700);
    /*  The team's own configuration: a numeric estimate, and settings that
     *  would break parsing if the agent did not override them. */
    REQUIRE (write_file (rc_path, "uda.estimate.type=numeric\nuda.estimate.label=Est\n"
                                  "json.array=off\nverbose=yes\ncolor=on\n") == 0);
    setenv ("TASKDATA", data, 1);
    setenv ("TASKRC", rc_path, 1);

    const char *now[] = {"--now", "2025-03-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start",
               "2025-01-01", "--finish", "2025-12-31", "--budget", "120000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "ZEUS", "--name", "Sky", "--team", "T1", "--start",
               "2025-01-01", "--finish", "2025-12-31", "--budget", "50000.00 EUR"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Design approved", "--due", "2025-04-30"));

    /*  APOLLO: design 3 (done, milestone tag), build 5, test 2, docs (no
     *  estimate), a deleted task; ZEUS: 1 of 3 done; an unmapped project. */
    TASK ("log", "project:Apollo.ui", "Design screens", "+design", "estimate:3",
          "end:2025-03-21T01:00");
    TASK ("add", "project:Apollo", "Build", "estimate:5");
    TASK ("add", "project:Apollo", "Test", "estimate:2");
    TASK ("add", "project:Apollo", "Docs");
    TASK ("add", "project:Apollo", "Dropped", "estimate:40");
    TASK ("/Dropped/", "delete");
    TASK ("log", "project:Zeus", "z1", "end:2025-03-19T10:00");
    TASK ("add", "project:Zeus", "z2");
    TASK ("add", "project:Zeus", "z3");
    TASK ("add", "project:Apollonia", "not ours", "estimate:100");

    snprintf (s_conf, sizeof s_conf, "%s/agent.conf", e.dir);
    char conf[4000];
    snprintf (conf, sizeof conf,
              "[agent]\n"
              "id = tw-agent\n"
              "heartbeat = 0\n"
              "[source.apollo-tasks]\n"
              "type = taskwarrior\n"
              "data = %s\n"
              "taskrc = %s\n"
              "weight = estimate\n"
              "project.Apollo = APOLLO\n"
              "milestone.design = Design approved\n"
              "[source.zeus-tasks]\n"
              "type = taskwarrior\n"
              "data = %s\n"
              "project.Zeus = ZEUS\n"
              "[source.broken]\n"
              "type = taskwarrior\n"
              "command = %s/no-such-task\n"
              "data = %s\n"
              "project.Apollo = APOLLO\n",
              data, rc_path, data, e.dir, data);
    REQUIRE (write_file (s_conf, conf) == 0);

    /*  3 of 10 estimate points: 30.00 %; ZEUS 1 of 3: 33.33 %. */
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_bp ("APOLLO"), 3000);
    CHECK_EQ_I64 (s_bp ("ZEUS"), 3333);
    json_object *j = RUN_JSON (CTL, "project", "show", "APOLLO", "--json");
    CHECK_STR (json_str (j, "milestones.0.name"), "Design approved");
    CHECK_STR (json_str (j, "milestones.0.actual"), "2025-03-21");
    json_object_put (j);
    j = RUN_JSON (AGENT, "--state", state, "status", "--json");
    CHECK_STR (json_str (j, "sources.0.name"), "apollo-tasks");
    CHECK_EQ_I64 (json_int (j, "sources.0.items"), 2);  /* the milestone and the progress */
    CHECK_STR (json_str (j, "sources.0.last_error"), "");
    CHECK_STR (json_str (j, "sources.1.name"), "broken");
    CHECK_EQ_I64 (json_int (j, "sources.1.failures"), 1);
    char want[700];
    snprintf (want, sizeof want, "%s/no-such-task: not found (is it installed, and in PATH?)", e.dir);
    CHECK_STR (json_str (j, "sources.1.last_error"), want);
    CHECK_STR (json_str (j, "sources.2.name"), "zeus-tasks");
    CHECK_EQ_I64 (json_int (j, "sources.2.items"), 1);
    json_object_put (j);
    {
        char path[700];
        snprintf (path, sizeof path, "%s.log", s_conf);
        char *log = read_file (path);
        snprintf (want, sizeof want, "WARN source broken: %s/no-such-task: not found", e.dir);
        CHECK (log && strstr (log, want) != NULL);
        free (log);
    }

    /*  A restarted agent on the same state: nothing to send. */
    int64_t seq = tlast_seq ();
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (tlast_seq (), seq);
    CHECK_EQ_I64 (s_progress_updates ("APOLLO"), 1);

    /*  Test deleted, Docs estimated at 4: 3 of 12 = 25.00 %; z2 done: 66.66 %. */
    TASK ("/Test/", "delete");
    TASK ("/Docs/", "modify", "estimate:4");
    TASK ("/z2/", "done");
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (s_bp ("APOLLO"), 2500);
    CHECK_EQ_I64 (s_bp ("ZEUS"), 6666);  /* 66.666... rounded down */
    CHECK_EQ_I64 (s_progress_updates ("APOLLO"), 2);
    CHECK_EQ_I64 (s_progress_updates ("ZEUS"), 2);
    /*  An edit that leaves the figure as it is sends nothing. */
    seq = tlast_seq ();
    TASK ("/Build/", "modify", "priority:H");
    CHECK_EQ_I64 (s_agent_once (state), 0);
    CHECK_EQ_I64 (tlast_seq (), seq);

    int failed = harness_report ();
    tenv_finish (&e, failed == 0);
    return failed;
}
