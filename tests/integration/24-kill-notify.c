/*  24-kill-notify: every alert reaches its command exactly once, in order,
 *  across kill -9 of pmo-notify between events (events keep coming while it
 *  is down) and a restart of pmod under a running pmo-notify.
 *
 *  pmo-notify saves the seq of each event after its command returns; on
 *  start and on a gap it replays the missed events from pmod's log. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fault_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

static tenv_t e;
static char handled[300], state[300], cmd[800], log_path[300];
static pid_t notify;
static expect_t x;
static int round_no;

static void
s_notify_start (void)
{
    const char *argv[] = {PMO_NOTIFY_BIN, "--topic", "time.", "--state", state, "--since", "0", "--exec", cmd, NULL};
    notify = proc_spawn (argv, log_path);
}

/*  Sends n time entries through an agent (one spool file per round). */
static void
s_send (int n)
{
    char spool[400], agent_state[400];
    snprintf (spool, sizeof spool, "%s/spool", e.dir);
    snprintf (agent_state, sizeof agent_state, "%s/agent-state", e.dir);
    fault_spool (spool, "LOAD", round_no++, n, &x);
    run_t r = RUN (PMO_AGENT_BIN, "--agent", "feeder", "--state", agent_state, "--timeout", "20000", "run", "--once",
                   "--spool", spool);
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
}

static int
s_count_lines (void)
{
    char *text = read_file (handled);
    int n = 0;
    for (char *p = text; p && *p; p++)
        n += *p == '\n';
    free (text);
    return n;
}

/*  Waits until the command has run n times in all (30 s). */
static void
s_wait_handled (int n)
{
    int64_t deadline = pmo_clock_mono_ms () + 30000;
    while (s_count_lines () < n && pmo_clock_mono_ms () < deadline) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "kill-notify") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);
    snprintf (handled, sizeof handled, "%s/handled.txt", e.dir);
    snprintf (state, sizeof state, "%s/notify.state", e.dir);
    snprintf (log_path, sizeof log_path, "%s/notify.log", e.dir);
    snprintf (cmd, sizeof cmd, "echo \"$PMO_SEQ\" >> '%s'", handled);

    /*  Time entries only: each record below is one time.LOAD event. */
    int sent = 0;
    s_notify_start ();
    for (int round = 0; round < 3; round++) {
        s_send (250);
        /*  fault_spool makes every 5th record a cost: 200 time events. */
        sent += 200;
        s_wait_handled (sent);
        CHECK_EQ_I64 (s_count_lines (), sent);
        /*  Between events: kill -9, and more events while it is down. */
        kill (notify, SIGKILL);
        CHECK_EQ_I64 (proc_wait (notify, 10000), 128 + SIGKILL);
        s_send (250);
        sent += 200;
        s_notify_start ();
        s_wait_handled (sent);
    }
    /*  pmod restarts under a running pmo-notify; events go on. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    s_send (250);
    sent += 200;
    s_wait_handled (sent);
    kill (notify, SIGTERM);
    CHECK_EQ_I64 (proc_wait (notify, 10000), 0);

    /*  Exactly the seqs of the time events, once each, in order. */
    json_object *j = RUN_JSON (PMOCTL_BIN, "log", "--project", "LOAD", "--json");
    json_object *events = json_get (j, "events");
    char *text = read_file (handled);
    char *p = text;
    int matched = 0, bad = 0;
    for (size_t i = 0; events && i < json_object_array_length (events); i++) {
        json_object *ev = json_object_array_get_idx (events, i);
        if (strncmp (json_str (ev, "topic"), "time.", 5) != 0)
            continue;
        long long want = json_int (ev, "seq");
        long long got = p && *p ? strtoll (p, &p, 10) : -1;
        if (got != want && bad++ < 5)
            fprintf (stderr, "line %d: handled %lld, expected %lld\n", matched + 1, got, want);
        matched++;
        while (p && *p == '\n')
            p++;
    }
    CHECK_EQ_I64 (matched, sent);
    CHECK_EQ_I64 (bad, 0);
    CHECK (p && *p == '\0');  /* nothing handled beyond the log */
    CHECK_EQ_I64 (s_count_lines (), sent);
    free (text);
    json_object_put (j);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
