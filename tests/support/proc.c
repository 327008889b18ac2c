/*  proc: process helpers for integration tests (see proc.h). */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"

#ifndef PMOD_BIN
#define PMOD_BIN "pmod"
#endif

static int
s_rm (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st; (void) flag; (void) ftw;
    return remove (path);
}

int
tenv_init (tenv_t *e, const char *name)
{
    memset (e, 0, sizeof *e);
    const char *tmp = getenv ("TMPDIR");
    snprintf (e->dir, sizeof e->dir, "%s/pmo-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp (e->dir)) {
        perror ("mkdtemp");
        return -1;
    }
    snprintf (e->data, sizeof e->data, "%s/data", e->dir);
    snprintf (e->endpoint, sizeof e->endpoint, "ipc://%s/req", e->dir);
    snprintf (e->events, sizeof e->events, "ipc://%s/ev", e->dir);
    setenv ("PMO_ENDPOINT", e->endpoint, 1);
    setenv ("PMO_EVENTS", e->events, 1);
    /*  Agents keep their outbox under the test dir, never in $HOME. */
    char state[400];
    snprintf (state, sizeof state, "%s/agent-state", e->dir);
    setenv ("PMO_AGENT_STATE", state, 1);
    setenv ("PMO_DATA", e->data, 1);
    /*  Keys only when a test asks for them (tenv_secure). */
    unsetenv ("PMO_KEY");
    unsetenv ("PMO_SERVER_KEY");
    return 0;
}

int
tenv_secure (tenv_t *e)
{
    snprintf (e->admin_key, sizeof e->admin_key, "%s/admin.key", e->dir);
    snprintf (e->server_pub, sizeof e->server_pub, "%s/server.key.pub", e->data);
    char why[512];
    if (pmo_key_generate (e->admin_key, NULL, why, sizeof why) != 0) {
        fprintf (stderr, "tenv_secure: %s\n", why);
        return -1;
    }
    e->is_secure = true;
    setenv ("PMO_KEY", e->admin_key, 1);
    setenv ("PMO_SERVER_KEY", e->server_pub, 1);
    return 0;
}

int
tenv_admin_creds (tenv_t *e, pmo_curve_creds_t *creds)
{
    char why[512];
    if (pmo_curve_creds_load (e->admin_key, e->server_pub, creds, why, sizeof why) != 0) {
        fprintf (stderr, "admin credentials: %s\n", why);
        return -1;
    }
    return 0;
}

static void
s_dump_logs (const char *dir)
{
    char cmd[600];
    snprintf (cmd, sizeof cmd,
              "for f in %s/*.log; do [ -f \"$f\" ] && { echo \"--- $f\"; tail -n 60 \"$f\"; }; done 1>&2",
              dir);
    if (system (cmd) != 0)
        fprintf (stderr, "(could not print child logs)\n");
}

void
tenv_finish (tenv_t *e, bool ok)
{
    if (e->pmod)
        tenv_pmod_stop (e, SIGTERM);
    if (!ok) {
        s_dump_logs (e->dir);
        fprintf (stderr, "test directory kept: %s\n", e->dir);
        return;
    }
    nftw (e->dir, s_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*  In a child before its exec: it is killed when the test process ends,
 *  however it ends (a REQUIRE that returns from main, a crash, ctest's
 *  timeout), so no pmod or agent outlives its test.  (The parent is the
 *  forking thread; tests spawn from their main thread only.) */
static void
s_die_with (pid_t parent)
{
    if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
        _exit (127);
}

pid_t
proc_spawn (const char *const *argv, const char *log_path)
{
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        s_die_with (parent);
        int in = open ("/dev/null", O_RDONLY);
        int out = open (log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2 (in, 0);
        dup2 (out, 1);
        dup2 (out, 2);
        execv (argv[0], (char *const *) argv);
        fprintf (stderr, "exec %s: %s\n", argv[0], strerror (errno));
        _exit (127);
    }
    return pid;
}

static int
s_status (int st)
{
    if (WIFEXITED (st))
        return WEXITSTATUS (st);
    if (WIFSIGNALED (st))
        return 128 + WTERMSIG (st);
    return -1;
}

int
proc_wait (pid_t pid, int timeout_ms)
{
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int st;
        pid_t r = waitpid (pid, &st, WNOHANG);
        if (r == pid)
            return s_status (st);
        if (r < 0)
            return -1;
        if (pmo_clock_mono_ms () > deadline) {
            kill (pid, SIGKILL);
            waitpid (pid, &st, 0);
            return -1;
        }
        struct timespec ts = {0, 2 * 1000 * 1000};  /* a child-exit poll, not a settle-sleep */
        nanosleep (&ts, NULL);
    }
}

/*  Pings pmod until it answers or the deadline passes. */
static int
s_wait_ready (tenv_t *e, int timeout_ms)
{
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    pmo_client_t *c = NULL;
    pmo_curve_creds_t creds;
    if (e->is_secure) {
        /*  pmod writes its public key before it binds: wait for it. */
        while (access (e->server_pub, R_OK) != 0 && pmo_clock_mono_ms () < deadline) {
            int st;
            if (waitpid (e->pmod, &st, WNOHANG) == e->pmod) {
                e->pmod = 0;
                return -1;
            }
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep (&ts, NULL);
        }
        if (tenv_admin_creds (e, &creds) != 0)
            return -1;
    }
    if (pmo_client_open_creds (e->endpoint, e->is_secure ? &creds : NULL, &c))
        return -1;
    int rc = -1;
    while (pmo_clock_mono_ms () < deadline) {
        int st;
        if (waitpid (e->pmod, &st, WNOHANG) == e->pmod) {
            e->pmod = 0;  /* it died */
            break;
        }
        Pmo__Request req = PMO__REQUEST__INIT;
        Pmo__Ping ping = PMO__PING__INIT;
        req.body_case = PMO__REQUEST__BODY_PING;
        req.ping = &ping;
        Pmo__Reply *reply = NULL;
        if (pmo_client_call (c, &req, 200, &reply) == 0) {
            pmo_wire_free (reply);
            rc = 0;
            break;
        }
        /*  The ipc socket may not exist yet: start over on a new socket. */
        pmo_client_reconnect (c);
    }
    pmo_client_close (&c);
    return rc;
}

int
tenv_pmod_start (tenv_t *e, const char *const *extra)
{
    const char *argv[32] = {PMOD_BIN, "--data", e->data, "--endpoint", e->endpoint, "--events", e->events};
    int n = 7;
    char pub[340];
    if (e->is_secure) {
        snprintf (pub, sizeof pub, "%s.pub", e->admin_key);
        argv[n++] = "--admin-key";
        argv[n++] = pub;
    } else {
        argv[n++] = "--insecure";
    }
    for (int i = 0; extra && extra[i] && n < 30; i++) {
        argv[n++] = extra[i];
        /*  pmod on a fixed clock: the programs the test runs next (pmo-agent
         *  reads PMO_NOW) share it, so their default dates are pmod's today
         *  whatever day the suite runs on. */
        if (streq (extra[i], "--now") && extra[i + 1])
            setenv ("PMO_NOW", extra[i + 1], 1);
    }
    argv[n] = NULL;
    char log[400];
    snprintf (log, sizeof log, "%s/pmod.log", e->dir);
    e->pmod = proc_spawn (argv, log);
    e->n_pmod_starts++;
    if (s_wait_ready (e, 10000) != 0) {
        fprintf (stderr, "pmod did not become ready\n");
        if (e->pmod) {
            kill (e->pmod, SIGKILL);
            proc_wait (e->pmod, 5000);
            e->pmod = 0;
        }
        return -1;
    }
    return 0;
}

int
tenv_pmod_stop (tenv_t *e, int sig)
{
    if (!e->pmod)
        return -1;
    kill (e->pmod, sig);
    int st = proc_wait (e->pmod, 15000);
    e->pmod = 0;
    return st;
}

/*  Reads fd until EOF into a malloc'd string. */
typedef struct {
    char *data;
    size_t len, cap;
} sbuf_t;

static void
s_append (sbuf_t *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc (b->data, b->cap);
    }
    memcpy (b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

int
proc_run (const char *const *argv, const char *stdin_text, char **out, char **err, int timeout_ms)
{
    int po[2], pe[2], pi[2];
    if (pipe (po) || pipe (pe) || pipe (pi))
        return -1;
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        s_die_with (parent);
        dup2 (pi[0], 0);
        dup2 (po[1], 1);
        dup2 (pe[1], 2);
        close (po[0]); close (pe[0]); close (pi[1]);
        close (po[1]); close (pe[1]); close (pi[0]);
        execv (argv[0], (char *const *) argv);
        fprintf (stderr, "exec %s: %s\n", argv[0], strerror (errno));
        _exit (127);
    }
    close (po[1]);
    close (pe[1]);
    close (pi[0]);
    if (stdin_text && write (pi[1], stdin_text, strlen (stdin_text)) < 0)
        perror ("write stdin");
    close (pi[1]);
    sbuf_t bo = {0}, be = {0};
    s_append (&bo, "", 0);
    s_append (&be, "", 0);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    bool timed_out = false;
    while (open_fds > 0) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        if (poll (fds, 2, (int) left) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buf[4096];
            ssize_t n = read (fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close (fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else
                s_append (i == 0 ? &bo : &be, buf, (size_t) n);
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close (fds[i].fd);
    int st = timed_out ? (kill (pid, SIGKILL), proc_wait (pid, 5000), -1) : proc_wait (pid, timeout_ms);
    if (out)
        *out = bo.data;
    else
        free (bo.data);
    if (err)
        *err = be.data;
    else
        free (be.data);
    return st;
}

json_object *
proc_run_json (const char *const *argv)
{
    char *out = NULL, *err = NULL;
    int st = proc_run (argv, NULL, &out, &err, 20000);
    json_object *obj = NULL;
    if (st != 0) {
        fprintf (stderr, "%s %s: exit %d: %s\n", argv[0], argv[1] ? argv[1] : "", st, err);
    } else {
        obj = json_tokener_parse (out);
        if (!obj)
            fprintf (stderr, "%s: output is not JSON: %s\n", argv[0], out);
    }
    free (out);
    free (err);
    return obj;
}

json_object *
json_get (json_object *root, const char *path)
{
    char buf[256];
    snprintf (buf, sizeof buf, "%s", path);
    json_object *cur = root;
    for (char *save = NULL, *tok = strtok_r (buf, ".", &save); tok && cur;
         tok = strtok_r (NULL, ".", &save)) {
        if (json_object_is_type (cur, json_type_array)) {
            char *end;
            long i = strtol (tok, &end, 10);
            cur = *end ? NULL : json_object_array_get_idx (cur, (size_t) i);
        } else if (!json_object_object_get_ex (cur, tok, &cur))
            cur = NULL;
    }
    return cur;
}

long long
json_int (json_object *root, const char *path)
{
    json_object *o = json_get (root, path);
    return o ? (long long) json_object_get_int64 (o) : -999999;
}

const char *
json_str (json_object *root, const char *path)
{
    json_object *o = json_get (root, path);
    return o ? json_object_get_string (o) : NULL;
}

int
write_file (const char *path, const char *text)
{
    char tmp[600];
    snprintf (tmp, sizeof tmp, "%s.tmp%d", path, (int) getpid ());
    FILE *f = fopen (tmp, "w");
    if (!f)
        return -1;
    fputs (text, f);
    if (fclose (f) != 0)
        return -1;
    return rename (tmp, path);
}

char *
read_file (const char *path)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return NULL;
    sbuf_t b = {0};
    s_append (&b, "", 0);
    char buf[4096];
    size_t n;
    while ((n = fread (buf, 1, sizeof buf, f)) > 0)
        s_append (&b, buf, n);
    fclose (f);
    return b.data;
}
