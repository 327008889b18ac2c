/*  75-cli-conventions: the command lines keep their conventions at the
 *  edges found in review.  pmoctl backup with pmod down answers in seconds
 *  (one line, exit 2), not after its ten-minute timeout; resources with
 *  --to before --from is refused, not an empty table; hours that are no
 *  whole number of minutes (allocation --hours, person --capacity) are
 *  refused, not rounded; and a pmo-notify --exec command that hangs, even
 *  one that ignores SIGTERM, is stopped at --exec-timeout with what it
 *  started, logged, and the next events are handled, in order; a stop
 *  signal reaches the command at once. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

#define CTL PMOCTL_BIN
#define NOTIFY PMO_NOTIFY_BIN

/*  Expects exit status and exactly one line on stderr equal to want, and
 *  nothing on stdout. */
static void
s_refused (run_t r, int status, const char *want)
{
    CHECK_EQ_I64 (r.status, status);
    CHECK_STR (r.err, want);
    CHECK (!r.out || !*r.out);
    run_free (&r);
}

static void
s_hours (void)
{
    s_refused (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W30", "--hours", "1.01"), 1,
               "pmoctl: --hours: '1.01' is not a whole number of minutes (give --minutes)\n");
    s_refused (RUN (CTL, "person", "add", "bob", "--name", "Bob", "--team", "T1", "--rate", "10.00 EUR",
                    "--capacity", "37.51"),
               1, "pmoctl: --capacity: '37.51' is not a whole number of minutes\n");
    /*  Hours that are whole minutes are stored exactly. */
    run_ok (RUN (CTL, "allocation", "set", "ana", "APOLLO", "2026-W30", "--hours", "1.05"));
    json_object *j = RUN_JSON (CTL, "resources", "--json", "--person", "ana");
    CHECK_EQ_I64 (json_int (j, "rows.0.planned_minutes"), 63);
    CHECK_EQ_I64 (json_int (j, "rows.0.capacity_minutes"), 2250);
    json_object_put (j);
}

static void
s_week_range (void)
{
    s_refused (RUN (CTL, "resources", "--from", "2026-W30", "--to", "2026-W01"), 1,
               "pmoctl: --to: 2026-W01 is before --from 2026-W30\n");
    s_refused (RUN (CTL, "resources", "--from", "2026-W30", "--to", "2026-W01", "--json"), 1,
               "pmoctl: --to: 2026-W01 is before --from 2026-W30\n");
    /*  One week is a range. */
    json_object *j = RUN_JSON (CTL, "resources", "--json", "--from", "2026-W30", "--to", "2026-W30");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "rows")), 1);
    json_object_put (j);
}

/*  True once pid has ended (gone, or a zombie waiting for init), 5 s. */
static bool
s_ended (long pid)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%ld/stat", pid);
    int64_t deadline = pmo_clock_mono_ms () + 5000;
    for (;;) {
        char *stat = read_file (path);
        const char *paren = stat ? strrchr (stat, ')') : NULL;
        bool is_ended = !stat || (paren && paren[1] == ' ' && paren[2] == 'Z');
        free (stat);
        if (is_ended || pmo_clock_mono_ms () > deadline)
            return is_ended;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
}

/*  Two events whose commands hang (the second ignores SIGTERM): each is
 *  stopped at --exec-timeout, logged, and pmo-notify goes on; --count 2
 *  ends the run.  Before, the first one held pmo-notify for ever. */
static void
s_hung_hook (tenv_t *e)
{
    long long since = tlast_seq ();
    run_ok (RUN (CTL, "portfolio", "add", "P1", "--name", "one"));
    run_ok (RUN (CTL, "portfolio", "add", "P2", "--name", "two"));
    char seen[400], pids[400], cmd[1200], from[24], second[24];
    snprintf (seen, sizeof seen, "%s/hook-seen.txt", e->dir);
    snprintf (pids, sizeof pids, "%s/hook-pids.txt", e->dir);
    snprintf (from, sizeof from, "%lld", since);
    snprintf (second, sizeof second, "%lld", since + 2);
    /*  The sleep is the command's child: the stop must reach it too.  The
     *  timeout leaves a loaded machine's shell time to set its trap. */
    snprintf (cmd, sizeof cmd,
              "echo \"$PMO_SEQ\" >> '%s'; [ \"$PMO_SEQ\" = %s ] && trap '' TERM; "
              "sleep 30 & echo $! >> '%s'; wait",
              seen, second, pids);
    int64_t t0 = pmo_clock_mono_ms ();
    run_t r = RUN (NOTIFY, "--all", "--since", from, "--count", "2", "--timeout", "5000", "--exec-timeout",
                   "1000", "--exec", cmd);
    CHECK_EQ_I64 (r.status, 0);
    CHECK (pmo_clock_mono_ms () - t0 < 25000);
    /*  One warning per stopped command, naming the event. */
    CHECK_EQ_I64 (text_lines (r.err), 2);
    char want[160];
    snprintf (want, sizeof want, "exec seq=%lld topic=portfolio.created: command still running after 1000 ms",
              since + 1);
    CHECK (r.err && strstr (r.err, want) && strstr (r.err, "killed by signal 15"));
    snprintf (want, sizeof want, "exec seq=%s topic=portfolio.created: command still running after 1000 ms",
              second);
    CHECK (r.err && strstr (r.err, want) && strstr (r.err, "killed by signal 9"));
    if (r.status != 0 || text_lines (r.err) != 2)
        fprintf (stderr, "notify stderr: %s\n", r.err ? r.err : "");
    run_free (&r);

    char *text = read_file (seen);
    char expect[64];
    snprintf (expect, sizeof expect, "%lld\n%s\n", since + 1, second);
    CHECK_STR (text, expect);
    free (text);
    text = read_file (pids);
    long first_pid = 0, second_pid = 0;
    CHECK (text && sscanf (text, "%ld\n%ld", &first_pid, &second_pid) == 2);
    CHECK (first_pid > 0 && s_ended (first_pid));
    CHECK (second_pid > 0 && s_ended (second_pid));
    free (text);

    s_refused (RUN (NOTIFY, "--exec-timeout", "0", "--exec", "true"), 1,
               "pmo-notify: --exec-timeout 0: not a positive number of milliseconds (see --help)\n");
}

/*  A stop signal while a command runs is passed on to it at once (its own
 *  process group no longer gets a terminal's Ctrl-C): pmo-notify ends in
 *  about a second, not at the 60 s --exec-timeout, and so does the
 *  command's child. */
static void
s_stop_during_hook (tenv_t *e)
{
    long long since = tlast_seq ();
    run_ok (RUN (CTL, "portfolio", "add", "P3", "--name", "three"));
    char pids[400], cmd[800], from[24], log[400];
    snprintf (pids, sizeof pids, "%s/stop-pids.txt", e->dir);
    snprintf (log, sizeof log, "%s/stop-notify.log", e->dir);
    snprintf (from, sizeof from, "%lld", since);
    snprintf (cmd, sizeof cmd, "sleep 30 & echo $! >> '%s'; wait", pids);
    const char *argv[] = {NOTIFY, "--all", "--since", from, "--timeout", "5000", "--exec", cmd, NULL};
    pid_t notify = proc_spawn (argv, log);
    CHECK (notify > 0);
    /*  The command has started once its child's pid is written. */
    char *text = NULL;
    for (int i = 0; i < 500 && !(text && strchr (text, '\n')); i++) {
        free (text);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep (&ts, NULL);
        text = read_file (pids);
    }
    long child = 0;
    CHECK (text && sscanf (text, "%ld", &child) == 1);
    free (text);
    int64_t t0 = pmo_clock_mono_ms ();
    kill (notify, SIGTERM);
    CHECK_EQ_I64 (proc_wait (notify, 10000), 0);
    CHECK (pmo_clock_mono_ms () - t0 < 5000);
    CHECK (child > 0 && s_ended (child));
    char *out = read_file (log);
    CHECK (out && strstr (out, "command killed by signal 15"));
    free (out);
}

/*  pmod down: backup's default timeout is ten minutes, yet the answer
 *  comes within the ordinary 5 s; an explicit shorter --timeout holds. */
static void
s_backup_down (tenv_t *e)
{
    char file[400], want[800];
    snprintf (file, sizeof file, "%s/copy.mdb", e->dir);
    run_ok (RUN (CTL, "backup", file));  /* up: it works as before */
    snprintf (file, sizeof file, "%s/copy2.mdb", e->dir);
    CHECK_EQ_I64 (tenv_pmod_stop (e, SIGTERM), 0);
    snprintf (want, sizeof want, "pmoctl: no answer from pmod at %s within 5000 ms (is pmod running?)\n",
              e->endpoint);
    s_refused (RUN (CTL, "backup", file), 2, want);
    snprintf (want, sizeof want, "pmoctl: no answer from pmod at %s within 700 ms (is pmod running?)\n",
              e->endpoint);
    s_refused (RUN (CTL, "backup", file, "--timeout", "700"), 2, want);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "cli-conventions") == 0);
    const char *now[] = {"--now", "2026-07-02T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "T"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "50.00 EUR", "--capacity",
                 "37.5"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
                 "--finish", "2026-12-31", "--budget", "1000.00 EUR"));

    s_hours ();
    s_week_range ();
    s_hung_hook (&e);
    s_stop_during_hook (&e);
    s_backup_down (&e);
    tenv_finish (&e, harness_failures == 0);
    return harness_report ();
}
