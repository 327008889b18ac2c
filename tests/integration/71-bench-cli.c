/*  71-bench-cli: pmo-bench's command line and failures, with no run that
 *  measures anything.  Checked: a bad option, a missing value, an empty
 *  or non-finite number and an out-of-range rate each give one line on
 *  stderr and exit 1 (before any pmod starts); a pmod that exits at
 *  start-up is named as such, with its status, in the table and --json;
 *  and SIGINT stops the pmo-agent run the latency mode measures, rather
 *  than leaving it running.  No timing is asserted. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_clock.h"

/*  Exit 1, nothing on stdout, exactly one line on stderr holding want. */
static void
s_usage_error (run_t r, const char *want)
{
    CHECK_EQ_I64 (r.status, 1);
    CHECK (r.out && !r.out[0]);
    CHECK_EQ_I64 (text_lines (r.err), 1);
    CHECK (r.err && strstr (r.err, want));
    if (r.err && (text_lines (r.err) != 1 || !strstr (r.err, want)))
        fprintf (stderr, "stderr was: %s\n", r.err);
    run_free (&r);
}

/*  A child of parent whose command line holds needle, or 0. */
static pid_t
s_child_with (pid_t parent, const char *needle)
{
    DIR *d = opendir ("/proc");
    pid_t found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir (d)) != NULL) {
        char *end;
        long pid = strtol (e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char path[64], buf[1024];
        snprintf (path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen (path, "r");
        if (!f)
            continue;
        size_t n = fread (buf, 1, sizeof buf - 1, f);
        fclose (f);
        buf[n] = '\0';
        char *p = strrchr (buf, ')');
        int ppid = 0;
        if (!p || sscanf (p + 2, "%*c %d", &ppid) != 1 || ppid != parent)
            continue;
        snprintf (path, sizeof path, "/proc/%ld/cmdline", pid);
        f = fopen (path, "r");
        if (!f)
            continue;
        n = fread (buf, 1, sizeof buf - 1, f);
        fclose (f);
        for (size_t i = 0; i < n; i++)
            if (!buf[i])
                buf[i] = ' ';
        buf[n] = '\0';
        if (strstr (buf, needle))
            found = (pid_t) pid;
    }
    if (d)
        closedir (d);
    return found;
}

/*  True while pid runs (a zombie has stopped running). */
static bool
s_running (pid_t pid)
{
    char path[64], buf[512];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen (path, "r");
    if (!f)
        return false;
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[n] = '\0';
    char *p = strrchr (buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

int
main (void)
{
    char dir[] = "/tmp/it-bench-cli-XXXXXX";
    REQUIRE (mkdtemp (dir) != NULL);
    setenv ("TMPDIR", dir, 1);  /* pmo-bench's temp directories go here */
    setenv ("PMO_LOG", "warn", 1);

    /*  Usage errors: one line, exit 1, no pmod. */
    s_usage_error (RUN (PMO_BENCH_BIN, "--bogus"), "--bogus: unknown option");
    s_usage_error (RUN (PMO_BENCH_BIN, "--json", "--agents"), "--agents: missing value");
    s_usage_error (RUN (PMO_BENCH_BIN, "--subscribers="), "--subscribers: want 0..64");
    s_usage_error (RUN (PMO_BENCH_BIN, "--oneshots", ""), "--oneshots: want 0..10000");
    s_usage_error (RUN (PMO_BENCH_BIN, "--mode", "latency", "--rates", "nan"), "--rates: want");
    s_usage_error (RUN (PMO_BENCH_BIN, "--mode", "latency", "--rates", "1000,1e10"), "--rates: want");
    s_usage_error (RUN (PMO_BENCH_BIN, "--mode", "latency", "--rates", "1.5"), "--rates: want");
    s_usage_error (RUN (PMO_BENCH_BIN, "--mode", "query", "--entries", "inf"), "--entries: want");

    /*  A pmod that exits at once: named, with its status; no hang. */
    run_t r = RUN (PMO_BENCH_BIN, "--agents", "1", "--updates", "10", "--pmod", "/bin/false", "--pmoctl",
                   PMOCTL_BIN, "--pmo-agent", PMO_AGENT_BIN);
    CHECK_EQ_I64 (r.status, 1);
    CHECK (r.err && strstr (r.err, "pmod /bin/false exited at start-up (status 1"));
    CHECK (r.out && strstr (r.out, "result: FAILED: pmod /bin/false exited at start-up"));
    run_free (&r);
    r = RUN (PMO_BENCH_BIN, "--agents", "1", "--updates", "10", "--pmod", "/bin/false", "--json");
    CHECK_EQ_I64 (r.status, 1);
    json_object *j = r.out ? json_tokener_parse (r.out) : NULL;
    CHECK (j != NULL);
    CHECK_STR (json_str (j, "result"), "FAILED");
    CHECK (json_str (j, "problem") && strstr (json_str (j, "problem"), "exited at start-up"));
    json_object_put (j);
    run_free (&r);

    /*  SIGINT while the latency mode measures an idle pmo-agent run: that
     *  daemon is stopped with the bench, not left behind. */
    char log[300];
    snprintf (log, sizeof log, "%s/bench.log", dir);
    pid_t bench = proc_spawn ((const char *const[]) {PMO_BENCH_BIN, "--mode", "latency", "--agents", "1", "--rates",
                                                     "50", "--duration", "1", "--oneshots", "1", "--pmod", PMOD_BIN,
                                                     "--pmo-agent", PMO_AGENT_BIN, NULL},
                              log);
    REQUIRE (bench > 0);
    pid_t idle = 0;
    int64_t deadline = pmo_clock_mono_ms () + 60000;
    while (!idle && pmo_clock_mono_ms () < deadline && s_running (bench)) {
        idle = s_child_with (bench, "bench-idle");
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
    CHECK (idle > 0);
    /*  The bench notes the child with stop signals held (env.c), so a
     *  signal sent as soon as the child shows in /proc still finds it. */
    if (idle > 0)
        kill (bench, SIGINT);
    CHECK_EQ_I64 (proc_wait (bench, 30000), 128 + SIGINT);
    deadline = pmo_clock_mono_ms () + 10000;
    while (idle > 0 && s_running (idle) && pmo_clock_mono_ms () < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
    CHECK (idle > 0 && !s_running (idle));
    if (idle > 0 && s_running (idle))
        kill (idle, SIGKILL);  /* the test leaves nothing behind either */

    int rc = harness_report ();
    if (rc == 0)
        harness_rm_rf (dir);
    else
        fprintf (stderr, "kept %s\n", dir);
    return rc;
}
