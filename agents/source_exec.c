/*  source_exec: runs a team's tool for a source and collects its output.
 *
 *  fork + execvpe with an environment built before the fork (the agent has
 *  zmq threads, so the child only calls async-signal-safe functions), stdin
 *  from /dev/null (a tool that asks a question gets end of input), stdout
 *  and stderr through pipes read with poll until they close, then the exit
 *  awaited by polling: `timeout` bounds both, since a tool may close its
 *  output and go on running.  The tool runs in a process group of its own:
 *  at the timeout the whole group (/bin/sh and what it started) gets
 *  SIGTERM, then SIGKILL after a short grace, and the tool is reaped.  A
 *  signal during the run (pmo-agent handles only its stop signals) ends it
 *  the same way, so the daemon stops at once.  A close-on-exec pipe tells
 *  "could not be started" apart from "exited 127".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "source.h"

extern char **environ;

/*  The most a tool may print: a team's whole task list is far smaller. */
#define S_OUT_MAX ((size_t) 64 << 20)
#define S_ERR_MAX 4096
/*  After SIGTERM, how long the tool's group has before SIGKILL. */
#define S_KILL_GRACE_MS 200
/*  After SIGKILL, how long to wait for the tool to be reapable: one stuck
 *  in the kernel is left a zombie rather than stall the agent. */
#define S_REAP_MS 1000
/*  Longest step while polling for the tool's exit. */
#define S_EXIT_POLL_MS 10

typedef struct {
    char *data;
    size_t len, cap;
    bool is_over;
} s_sink_t;

static void
s_sink_add (s_sink_t *s, const char *p, size_t n, size_t max)
{
    if (s->len + n > max) {
        s->is_over = true;
        n = max > s->len ? max - s->len : 0;
    }
    if (s->len + n + 1 > s->cap) {
        s->cap = (s->len + n + 1) * 2;
        s->data = pmo_realloc (s->data, s->cap);
    }
    memcpy (s->data + s->len, p, n);
    s->len += n;
    s->data[s->len] = '\0';
}

/*  environ with each NAME=VALUE of env replacing or adding NAME. */
static char **
s_envp (const char *const *env)
{
    size_t n_env = 0, n_base = 0;
    while (env && env[n_env])
        n_env++;
    while (environ[n_base])
        n_base++;
    char **envp = pmo_calloc (n_base + n_env + 1, sizeof *envp);
    size_t n = 0;
    for (size_t i = 0; i < n_base; i++) {
        bool is_replaced = false;
        for (size_t j = 0; j < n_env; j++) {
            size_t name_len = strcspn (env[j], "=");
            if (strncmp (environ[i], env[j], name_len) == 0 && environ[i][name_len] == '=')
                is_replaced = true;
        }
        if (!is_replaced)
            envp[n++] = environ[i];
    }
    for (size_t j = 0; j < n_env; j++)
        envp[n++] = (char *) env[j];
    envp[n] = NULL;
    return envp;
}

/*  The first line of what the tool said on stderr, for a reason. */
static void
s_first_line (const char *text, char *out, size_t n)
{
    while (text && (*text == '\n' || *text == ' '))
        text++;
    size_t len = text ? strcspn (text, "\n") : 0;
    if (len > 200)
        len = 200;
    snprintf (out, n, "%.*s", (int) len, text ? text : "");
}

/*  Waits until the tool has exited (without reaping it, so its pid, which
 *  names its process group, is not reused meanwhile) or the deadline
 *  passed; waitpid has no timeout, so this polls.  Returns PMO_OK (also
 *  when it is not our child any more), PMO_ETIMEOUT, or EINTR when a
 *  signal (the agent's stop) came. */
static int
s_wait_exited (pid_t pid, int64_t deadline)
{
    int step = 1;
    for (;;) {
        siginfo_t info;
        info.si_pid = 0;
        if (waitid (P_PID, (id_t) pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
            return errno == EINTR ? EINTR : PMO_OK;
        if (info.si_pid == pid)
            return PMO_OK;
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0)
            return PMO_ETIMEOUT;
        if (poll (NULL, 0, (int) (left < step ? left : step)) < 0 && errno == EINTR)
            return EINTR;
        step = step * 2 > S_EXIT_POLL_MS ? S_EXIT_POLL_MS : step * 2;
    }
}

/*  Ends the tool's process group: SIGTERM, then SIGKILL for whatever is
 *  left after the grace (a child may ignore SIGTERM though the shell died). */
static void
s_end_group (pid_t pid)
{
    kill (-pid, SIGTERM);
    s_wait_exited (pid, pmo_clock_mono_ms () + S_KILL_GRACE_MS);
    kill (-pid, SIGKILL);
    s_wait_exited (pid, pmo_clock_mono_ms () + S_REAP_MS);
}

/*  Reaps the tool if it has exited; its wait status, 0 when unknown. */
static int
s_reap (pid_t pid)
{
    int status = 0;
    while (waitpid (pid, &status, WNOHANG) < 0 && errno == EINTR)
        ;
    return status;
}

int
source_exec (const char *const *argv, const char *const *env, int timeout_ms,
             source_output_t *out, char *why, size_t why_len)
{
    out->data = NULL;
    out->len = 0;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1};
    if (pipe2 (out_pipe, O_CLOEXEC) || pipe2 (err_pipe, O_CLOEXEC) || pipe2 (exec_pipe, O_CLOEXEC)) {
        int rc = errno;
        snprintf (why, why_len, "%s: cannot create pipes: %s", argv[0], strerror (rc));
        for (int i = 0; i < 2; i++) {
            if (out_pipe[i] >= 0) close (out_pipe[i]);
            if (err_pipe[i] >= 0) close (err_pipe[i]);
            if (exec_pipe[i] >= 0) close (exec_pipe[i]);
        }
        return rc;
    }
    char **envp = s_envp (env);
    pid_t pid = fork ();
    if (pid == 0) {
        setpgid (0, 0);  /* its own group, so a timeout ends its children too */
        int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_fd >= 0)
            dup2 (null_fd, 0);
        dup2 (out_pipe[1], 1);
        dup2 (err_pipe[1], 2);
        execvpe (argv[0], (char *const *) argv, envp);
        int e = errno;
        ssize_t w = write (exec_pipe[1], &e, sizeof e);
        (void) w;
        _exit (127);
    }
    int rc = pid < 0 ? errno : PMO_OK;
    if (pid > 0)
        setpgid (pid, pid);  /* as the child does: whichever runs first */
    free (envp);
    close (out_pipe[1]);
    close (err_pipe[1]);
    close (exec_pipe[1]);
    if (rc) {
        snprintf (why, why_len, "%s: cannot start: %s", argv[0], strerror (rc));
        close (out_pipe[0]);
        close (err_pipe[0]);
        close (exec_pipe[0]);
        return rc;
    }

    s_sink_t so = {0}, se = {0};
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    int wait_rc = PMO_OK;
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0) {
            wait_rc = PMO_ETIMEOUT;
            break;
        }
        int n = poll (fds, 2, (int) left);
        if (n < 0 && errno == EINTR) {
            wait_rc = EINTR;
            break;
        }
        if (n < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !fds[i].revents)
                continue;
            char buf[65536];
            ssize_t got = read (fds[i].fd, buf, sizeof buf);
            if (got > 0)
                s_sink_add (i == 0 ? &so : &se, buf, (size_t) got, i == 0 ? S_OUT_MAX : S_ERR_MAX);
            else if (got == 0 || errno != EINTR) {
                close (fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close (fds[i].fd);
    if (wait_rc == PMO_OK)
        wait_rc = s_wait_exited (pid, deadline);
    if (wait_rc != PMO_OK)
        s_end_group (pid);
    int status = s_reap (pid);
    int exec_errno = 0;
    bool is_exec_failed = read (exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
    close (exec_pipe[0]);

    char first[256];
    s_first_line (se.data, first, sizeof first);
    if (is_exec_failed) {
        snprintf (why, why_len, "%s: %s", argv[0],
                  exec_errno == ENOENT ? "not found (is it installed, and in PATH?)"
                                       : strerror (exec_errno));
        rc = exec_errno == ENOENT ? PMO_ENOTFOUND : exec_errno;
    } else if (wait_rc == PMO_ETIMEOUT) {
        snprintf (why, why_len, "%s: killed after %d ms without finishing", argv[0], timeout_ms);
        rc = PMO_ETIMEOUT;
    } else if (wait_rc == EINTR) {
        snprintf (why, why_len, "%s: killed: pmo-agent is stopping", argv[0]);
        rc = EINTR;
    } else if (WIFSIGNALED (status)) {
        snprintf (why, why_len, "%s: killed by signal %d%s%s", argv[0], WTERMSIG (status),
                  first[0] ? ": " : "", first);
        rc = PMO_EINVAL;
    } else if (WEXITSTATUS (status) != 0) {
        snprintf (why, why_len, "%s: exit status %d%s%s", argv[0], WEXITSTATUS (status),
                  first[0] ? ": " : "", first);
        rc = PMO_EINVAL;
    } else if (so.is_over) {
        snprintf (why, why_len, "%s: printed more than %zu MiB", argv[0], S_OUT_MAX >> 20);
        rc = PMO_ETOOBIG;
    }
    free (se.data);
    if (rc) {
        free (so.data);
        return rc;
    }
    out->data = so.data;
    out->len = so.len;
    return PMO_OK;
}
