/*  run_cmd: one hook run per event, with the event on stdin.
 *
 *  posix_spawn rather than a hand-written fork/exec: the zmq context has
 *  threads, and after fork() only async-signal-safe calls are allowed in
 *  the child (no setenv, no malloc).  So everything the child needs (argv,
 *  the environment, signal defaults, stdin) is prepared here, in the parent,
 *  and posix_spawn does only dup2/sigaction/execve in between.  Every fd we
 *  open is O_CLOEXEC (zmq's are too), so the command inherits only stdin,
 *  stdout and stderr. */
#include "run_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmo/pmo_error.h"

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

static void
s_write_input (int fd, const char *input, size_t len)
{
    while (len) {
        ssize_t n = write (fd, input, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return;  /* EPIPE: the command did not want its input; its status tells */
        input += n;
        len -= (size_t) n;
    }
}

int
run_cmd (const char *cmd, const char *input, size_t len, const char *const *env, int *status_p)
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
    rc = posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc)
        goto out;

    envp = s_build_env (env);
    char *argv[] = {(char *) "sh", (char *) "-c", (char *) cmd, NULL};
    rc = posix_spawn (&pid, "/bin/sh", &actions, &attr, argv, envp);
    if (rc)
        goto out;

    close (fds[0]);
    fds[0] = -1;
    s_write_input (fds[1], input, len);
    close (fds[1]);
    fds[1] = -1;

    /*  Wait also through signals: the event in hand is finished before a
     *  SIGTERM is acted on. */
    while (waitpid (pid, status_p, 0) < 0) {
        if (errno != EINTR) {
            rc = errno;
            break;
        }
    }
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
