/*  test_source_exec: running a source's tool.  Its output and exit status
 *  come back; `timeout` bounds the whole run, also after the tool closed
 *  its output; at the timeout the tool's whole process group is ended (no
 *  orphan left behind); a signal (the agent's stop) ends the wait at once. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_log.h"
#include "source.h"

/*  Runs cmd with /bin/sh -c as a command source does; *ms gets how long. */
static int
s_sh (const char *cmd, int timeout_ms, source_output_t *out, char *why, size_t why_len,
      int64_t *ms)
{
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    int64_t start = pmo_clock_mono_ms ();
    int rc = source_exec (argv, NULL, timeout_ms, out, why, why_len);
    *ms = pmo_clock_mono_ms () - start;
    return rc;
}

/*  True when a process that is not a zombie runs `sleep ARG`. */
static bool
s_sleep_alive (const char *arg)
{
    DIR *d = opendir ("/proc");
    if (!d)
        return false;
    bool is_found = false;
    struct dirent *de;
    while (!is_found && (de = readdir (d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], buf[256] = "";
        snprintf (path, sizeof path, "/proc/%s/cmdline", de->d_name);
        FILE *f = fopen (path, "r");
        if (!f)
            continue;
        size_t n = fread (buf, 1, sizeof buf - 1, f);
        fclose (f);
        size_t len0 = strnlen (buf, n);
        if (len0 + 1 >= n || !strstr (buf, "sleep") || strcmp (buf + len0 + 1, arg) != 0)
            continue;
        snprintf (path, sizeof path, "/proc/%s/stat", de->d_name);
        f = fopen (path, "r");
        if (!f)
            continue;
        n = fread (buf, 1, sizeof buf - 1, f);
        fclose (f);
        buf[n] = '\0';
        const char *paren = strrchr (buf, ')');
        is_found = paren && paren[1] == ' ' && paren[2] != 'Z';
    }
    closedir (d);
    return is_found;
}

static bool
s_sleep_gone_within (const char *arg, int ms)
{
    int64_t until = pmo_clock_mono_ms () + ms;
    while (s_sleep_alive (arg)) {
        if (pmo_clock_mono_ms () >= until)
            return false;
        usleep (20000);
    }
    return true;
}

static void
s_test_plain (void)
{
    source_output_t out = {0};
    char why[300] = "";
    int64_t ms;
    CHECK_RC (s_sh ("echo '{\"a\":1}'; echo noise >&2", 5000, &out, why, sizeof why, &ms), PMO_OK);
    CHECK_EQ_I64 (out.len, 8);
    CHECK (out.data && strcmp (out.data, "{\"a\":1}\n") == 0);
    free (out.data);
    out.data = NULL;
    CHECK_RC (s_sh ("echo 'no such ledger' >&2; exit 3", 5000, &out, why, sizeof why, &ms), PMO_EINVAL);
    CHECK_STR (why, "/bin/sh: exit status 3: no such ledger");
    const char *missing[] = {"pmo-no-such-tool", NULL};
    CHECK_RC (source_exec (missing, NULL, 5000, &out, why, sizeof why), PMO_ENOTFOUND);
    CHECK_STR (why, "pmo-no-such-tool: not found (is it installed, and in PATH?)");
}

/*  A tool that closes its output and goes on: the timeout still holds. */
static void
s_test_closed_output (void)
{
    char cmd[128], arg[32], why[300] = "";
    snprintf (arg, sizeof arg, "20.%d", (int) getpid ());
    snprintf (cmd, sizeof cmd, "exec >&- 2>&-; sleep %s", arg);
    source_output_t out = {0};
    int64_t ms;
    CHECK_RC (s_sh (cmd, 1000, &out, why, sizeof why, &ms), PMO_ETIMEOUT);
    CHECK_STR (why, "/bin/sh: killed after 1000 ms without finishing");
    CHECK (ms >= 950 && ms < 4000);
    if (ms >= 4000)
        fprintf (stderr, "took %lld ms\n", (long long) ms);
    CHECK (out.data == NULL);
    CHECK (s_sleep_gone_within (arg, 2000));
}

/*  At the timeout the shell's children die with it. */
static void
s_test_no_orphan (void)
{
    char cmd[128], arg[32], why[300] = "";
    snprintf (arg, sizeof arg, "37.%d", (int) getpid ());
    snprintf (cmd, sizeof cmd, "sleep %s; echo x", arg);
    source_output_t out = {0};
    int64_t ms;
    CHECK_RC (s_sh (cmd, 1000, &out, why, sizeof why, &ms), PMO_ETIMEOUT);
    CHECK (ms >= 950 && ms < 4000);
    CHECK (s_sleep_gone_within (arg, 2000));
}

static volatile sig_atomic_t s_signalled = 0;

static void
s_on_alarm (int sig)
{
    (void) sig;
    s_signalled = 1;
}

/*  A stop signal during the wait for the tool's exit ends it at once. */
static void
s_test_stop_signal (void)
{
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = s_on_alarm;  /* no SA_RESTART, as pmo-agent's own handler */
    sigemptyset (&sa.sa_mask);
    sigaction (SIGALRM, &sa, NULL);
    char cmd[128], arg[32], why[300] = "";
    snprintf (arg, sizeof arg, "21.%d", (int) getpid ());
    snprintf (cmd, sizeof cmd, "exec >&- 2>&-; sleep %s", arg);
    source_output_t out = {0};
    int64_t ms;
    alarm (1);
    CHECK_RC (s_sh (cmd, 20000, &out, why, sizeof why, &ms), EINTR);
    alarm (0);
    CHECK (s_signalled);
    CHECK_STR (why, "/bin/sh: killed: pmo-agent is stopping");
    CHECK (ms >= 900 && ms < 4000);
    CHECK (s_sleep_gone_within (arg, 2000));
    signal (SIGALRM, SIG_DFL);
}

int
main (void)
{
    pmo_log_init ("test_source_exec", PMO_LOG_ERROR);
    s_test_plain ();
    s_test_closed_output ();
    s_test_no_orphan ();
    s_test_stop_signal ();
    return harness_report ();
}
