/*  07-notify: pmo-notify receives milestone alerts from a real pmod.
 *  Replay from the log (--since) gives every matching event in order; live
 *  events arrive as they happen; --exec runs a command per event with the
 *  event as JSON on stdin and PMO_TOPIC / PMO_SEQ / PMO_PROJECT set; the
 *  default topics are the milestone alerts and nothing else. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

#define CTL PMOCTL_BIN
#define NOTIFY PMO_NOTIFY_BIN

static tenv_t e;

/*  Waits until path has at least n lines (30 s); returns its text. */
static char *
s_wait_lines (const char *path, int n)
{
    int64_t deadline = pmo_clock_mono_ms () + 30000;
    for (;;) {
        char *text = read_file (path);
        if ((text && text_lines (text) >= n) || pmo_clock_mono_ms () > deadline)
            return text;
        free (text);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "notify") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);

    run_ok (RUN (CTL, "team", "add", "T1", "--name", "T"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "1000.00 EUR"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Design approved", "--due", "2026-12-01"));
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Late one", "--due", "2026-11-01"));
    run_ok (RUN (CTL, "milestone", "reach", "APOLLO", "Design approved", "--date", "2026-11-20"));
    run_ok (RUN (CTL, "project", "set", "APOLLO", "--status", "approved"));  /* "Late one" is missed */

    /*  Replay from the start: exactly the two milestone alerts, in order. */
    run_t r = RUN (NOTIFY, "--since", "0", "--count", "2", "--json", "--timeout", "5000");
    CHECK_EQ_I64 (r.status, 0);
    CHECK_EQ_I64 (text_lines (r.out), 2);
    char *second = r.out ? strchr (r.out, '\n') : NULL;
    json_object *first = r.out ? json_tokener_parse (r.out) : NULL;
    CHECK_STR (json_str (first, "topic"), "milestone.reached");
    CHECK_STR (json_str (first, "milestone.name"), "Design approved");
    CHECK_STR (json_str (first, "milestone.actual"), "2026-11-20");
    json_object *next = second ? json_tokener_parse (second + 1) : NULL;
    CHECK_STR (json_str (next, "topic"), "milestone.missed");
    CHECK_STR (json_str (next, "alert.milestone"), "Late one");
    CHECK (json_int (next, "seq") > json_int (first, "seq"));
    json_object_put (first);
    json_object_put (next);
    run_free (&r);
    /*  Text lines name the topic, the project and the milestone. */
    r = RUN (NOTIFY, "--since", "0", "--count", "1", "--timeout", "5000");
    CHECK (r.out && strstr (r.out, "milestone.reached") && strstr (r.out, "APOLLO")
           && strstr (r.out, "Design approved"));
    run_free (&r);

    /*  Live, with a command per event and a state file. */
    char out_path[300], state[300], cmd[1400], log[300];
    snprintf (out_path, sizeof out_path, "%s/handled.txt", e.dir);
    snprintf (state, sizeof state, "%s/notify.state", e.dir);
    snprintf (log, sizeof log, "%s/notify.log", e.dir);
    snprintf (cmd, sizeof cmd,
              "printf '%%s %%s %%s ' \"$PMO_SEQ\" \"$PMO_TOPIC\" \"$PMO_PROJECT\" >> '%s'; cat >> '%s'",
              out_path, out_path);
    /*  Started after the two old alerts (seq 9): they are not handled
     *  again; new ones are.  --since, not "from now", so a slow start can
     *  not race the events below. */
    const char *argv[] = {NOTIFY, "--state", state, "--since", "9", "--exec", cmd, "--timeout", "10000", NULL};
    pid_t pid = proc_spawn (argv, log);
    run_ok (RUN (CTL, "milestone", "add", "APOLLO", "Gate", "--due", "2026-12-10"));
    run_ok (RUN (CTL, "milestone", "reach", "APOLLO", "Gate", "--date", "2026-11-21"));
    char *text = s_wait_lines (out_path, 1);
    CHECK_EQ_I64 (text_lines (text), 1);
    CHECK (text && strstr (text, "10 milestone.reached APOLLO {\"seq\":10,") == text);
    CHECK (text && strstr (text, "\"name\":\"Gate\"") != NULL);
    free (text);
    kill (pid, SIGTERM);
    CHECK_EQ_I64 (proc_wait (pid, 10000), 0);
    /*  The state file names the last event handled: at least the Gate
     *  milestone (seq 10) that the command saw. */
    char *saved = read_file (state);
    const char *at = saved ? strstr (saved, "last_seq=") : NULL;
    CHECK (at != NULL);
    CHECK (at && strtoll (at + 9, NULL, 10) >= 10);
    free (saved);

    /*  pmod down at start and --timeout: exit 2 with a clear message. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    r = RUN (NOTIFY, "--since", "0", "--timeout", "500");
    CHECK_EQ_I64 (r.status, 2);
    CHECK (r.err && strstr (r.err, "pmod") != NULL);
    run_free (&r);

    /*  A NORM events endpoint is refused before zmq sees it (zmq asserts
     *  when a NORM socket cannot be set up; static builds stub NORM). */
    r = RUN (NOTIFY, "--events", "norm://1,239.192.1.1:5555", "--timeout", "500");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmo-notify: events endpoint norm://1,239.192.1.1:5555: pmo carries tcp://, ipc:// and "
                      "inproc:// endpoints only\n");
    run_free (&r);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
