/*  source_exec: runs a team's tool for a source and collects its output.
 *
 *  fork + execvpe with an environment built before the fork (the agent has
 *  zmq threads, so the child only calls async-signal-safe functions), stdin
 *  from /dev/null (a tool that asks a question gets end of input), stdout
 *  and stderr through pipes read with poll until the tool exits or its time
 *  is up; then it is killed (by its pid) and reaped.  A close-on-exec pipe
 *  tells "could not be started" apart from "exited 127".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "source.h"

extern char **environ;

/*  The most a tool may print: a team's whole task list is far smaller. */
#define S_OUT_MAX ((size_t) 64 << 20)
#define S_ERR_MAX 4096

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
    bool is_timeout = false;
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0) {
            is_timeout = true;
            break;
        }
        int n = poll (fds, 2, (int) left);
        if (n < 0 && errno == EINTR)
            continue;
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
    if (is_timeout)
        kill (pid, SIGKILL);
    int status = 0;
    while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
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
    } else if (is_timeout) {
        snprintf (why, why_len, "%s: killed after %d ms without finishing", argv[0], timeout_ms);
        rc = PMO_ETIMEOUT;
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
