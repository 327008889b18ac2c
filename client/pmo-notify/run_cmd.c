/*  run_cmd: one hook run per event, with the event on stdin.
 *
 *  posix_spawn rather than a hand-written fork/exec: the zmq context has
 *  threads, and after fork() only async-signal-safe calls are allowed in
 *  the child (no setenv, no malloc).  So everything the child needs (argv,
 *  the environment, signal defaults, stdin) is prepared here, in the parent,
 *  and posix_spawn does only dup2/sigaction/execve in between.  Every fd we
 *  open is O_CLOEXEC (zmq's are too), so the command inherits only stdin,
 *  stdout and stderr.
 *
 *  Every later event waits for the command, so its wait is bounded: the
 *  input is written without blocking and the end is awaited with poll, on
 *  a pidfd where the kernel has them (else in 10 ms steps).  The command
 *  leads its own process group so that the kill on a timeout reaches what
 *  it started too (sh -c 'a | b'). */
#include "run_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"

#define RUN_CMD_POLL_MS 10        /* the wait's step without a pidfd */
#define RUN_CMD_STOP_POLL_MS 100  /* how soon a stop signal is passed on */

extern char **environ;

//  --------------------------------------------------------------------------
//  True when environment entry var ("NAME=value") is named in env (as
//  "NAME=..." or "NAME").

static bool
s_is_replaced (const char *var, const char *const *env)
{
    size_t name_len = strcspn (var, "=");
    for (size_t i = 0; env[i]; i++) {
        size_t len = strcspn (env[i], "=");
        if (len == name_len && memcmp (env[i], var, len) == 0)
            return true;
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Returns a new NULL-terminated envp: environ without the names in env,
//  plus env's "NAME=value" entries.  Caller frees the array only (the
//  strings are borrowed).

static char **
s_build_env (const char *const *env)
{
    size_t n_env = 0;
    size_t n_extra = 0;
    while (environ && environ[n_env])
        n_env++;
    while (env[n_extra])
        n_extra++;
    char **envp = pmo_calloc (n_env + n_extra + 1, sizeof *envp);
    size_t n = 0;
    for (size_t i = 0; i < n_env; i++)
        if (!s_is_replaced (environ[i], env))
            envp[n++] = environ[i];
    for (size_t i = 0; i < n_extra; i++)
        if (strchr (env[i], '='))
            envp[n++] = (char *) env[i];
    envp[n] = NULL;
    return envp;
}

//  --------------------------------------------------------------------------
//  Writes what the pipe takes of the input now (fd is non-blocking) and
//  moves *input and *len past it.  A command that closed its stdin gets
//  nothing more: *len becomes 0 (its status tells whether that mattered).

static void
s_write_input (int fd, const char **input, size_t *len)
{
    while (*len) {
        ssize_t n = write (fd, *input, *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                *len = 0;  /* EPIPE */
            return;
        }
        *input += n;
        *len -= (size_t) n;
    }
}

//  A descriptor that polls readable when pid ends, or -1 (kernel before 5.3).
static int
s_pidfd_open (pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int) syscall (SYS_pidfd_open, pid, 0);
#else
    PMO_UNUSED (pid);
    return -1;
#endif
}

//  --------------------------------------------------------------------------
//  Feeds the input to pid and reaps it, within timeout_ms (see run_cmd).
//  Closes *in_fd.  Returns PMO_OK or an errno of waitpid.

static int
s_feed_and_wait (pid_t pid, int *in_fd, const char *input, size_t len, int timeout_ms,
                 volatile sig_atomic_t *stop, int *status_p, bool *timed_out_p)
{
    int rc = PMO_OK;
    int pidfd = s_pidfd_open (pid);
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    int n_kills = 0;
    fcntl (*in_fd, F_SETFL, O_NONBLOCK);
    for (;;) {
        if (*in_fd >= 0 && len == 0) {
            close (*in_fd);  /* end of file for the command */
            *in_fd = -1;
        }
        pid_t done = waitpid (pid, status_p, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            rc = errno;
            break;
        }
        /*  A stop signal is passed on at once: the command no longer gets
         *  the terminal's Ctrl-C itself (its own process group). */
        if (stop && *stop && n_kills == 0) {
            kill (-pid, SIGTERM);
            n_kills = 1;
            deadline = pmo_clock_mono_ms () + RUN_CMD_GRACE_MS;
        }
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0) {
            if (n_kills == 2) {
                /*  SIGKILL went out a grace ago: only the kernel can hold
                 *  it up now. */
                while (waitpid (pid, status_p, 0) < 0 && errno == EINTR)
                    ;
                break;
            }
            kill (-pid, n_kills == 0 ? SIGTERM : SIGKILL);
            *timed_out_p = *timed_out_p || n_kills == 0;
            n_kills++;
            deadline = pmo_clock_mono_ms () + RUN_CMD_GRACE_MS;
            continue;
        }
        struct pollfd fds[2];
        nfds_t n = 0;
        if (*in_fd >= 0)
            fds[n++] = (struct pollfd) {*in_fd, POLLOUT, 0};
        if (pidfd >= 0)
            fds[n++] = (struct pollfd) {pidfd, POLLIN, 0};
        if (pidfd < 0 && left > RUN_CMD_POLL_MS)
            left = RUN_CMD_POLL_MS;  /* nothing tells us of its end: look again */
        /*  The stop signal may land on another thread (zmq's), so poll
         *  need not see EINTR: look at the flag now and then. */
        if (stop && left > RUN_CMD_STOP_POLL_MS)
            left = RUN_CMD_STOP_POLL_MS;
        if (poll (fds, n, (int) left) > 0 && *in_fd >= 0 && fds[0].revents)
            s_write_input (*in_fd, &input, &len);
    }
    if (pidfd >= 0)
        close (pidfd);
    return rc;
}

int
run_cmd (const char *cmd, const char *input, size_t len, const char *const *env, int timeout_ms,
         volatile sig_atomic_t *stop, int *status_p, bool *timed_out_p)
{
    int fds[2] = {-1, -1};
    char **envp = NULL;
    bool has_actions = false;
    bool has_attr = false;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    pid_t pid = -1;
    int rc = PMO_OK;

    *status_p = 0;
    *timed_out_p = false;
    if (pipe2 (fds, O_CLOEXEC) != 0)
        return errno;

    rc = posix_spawn_file_actions_init (&actions);
    if (rc)
        goto out;
    has_actions = true;
    /*  dup2 onto 0 clears close-on-exec for stdin only; both pipe ends
     *  themselves close at exec. */
    rc = posix_spawn_file_actions_adddup2 (&actions, fds[0], STDIN_FILENO);
    if (rc)
        goto out;

    rc = posix_spawnattr_init (&attr);
    if (rc)
        goto out;
    has_attr = true;
    sigset_t defaults;
    sigset_t empty;
    sigemptyset (&defaults);
    sigaddset (&defaults, SIGPIPE);  /* we ignore it, the hook must not */
    sigaddset (&defaults, SIGINT);
    sigaddset (&defaults, SIGTERM);
    sigemptyset (&empty);
    posix_spawnattr_setsigdefault (&attr, &defaults);
    posix_spawnattr_setsigmask (&attr, &empty);
    posix_spawnattr_setpgroup (&attr, 0);
    rc = posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
                                              | POSIX_SPAWN_SETPGROUP);
    if (rc)
        goto out;

    envp = s_build_env (env);
    char *argv[] = {(char *) "sh", (char *) "-c", (char *) cmd, NULL};
    rc = posix_spawn (&pid, "/bin/sh", &actions, &attr, argv, envp);
    if (rc)
        goto out;

    close (fds[0]);
    fds[0] = -1;
    rc = s_feed_and_wait (pid, &fds[1], input, len, timeout_ms, stop, status_p, timed_out_p);
out:
    if (fds[0] >= 0)
        close (fds[0]);
    if (fds[1] >= 0)
        close (fds[1]);
    if (has_attr)
        posix_spawnattr_destroy (&attr);
    if (has_actions)
        posix_spawn_file_actions_destroy (&actions);
    free (envp);
    return rc;
}

const char *
run_cmd_status_text (int status, char *buf, size_t n)
{
    if (WIFEXITED (status))
        snprintf (buf, n, "exited with status %d", WEXITSTATUS (status));
    else if (WIFSIGNALED (status))
        snprintf (buf, n, "killed by signal %d (%s)", WTERMSIG (status),
                  strsignal (WTERMSIG (status)));
    else
        snprintf (buf, n, "ended with wait status %d", status);
    return buf;
}
