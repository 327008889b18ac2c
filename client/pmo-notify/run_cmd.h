/*  run_cmd: runs a shell command for one event and waits for it.
 *
 *  The command is `/bin/sh -c CMD`; the input goes to its stdin and the
 *  pipe is closed after it, so `cat`, `jq` or `read line` see one line and
 *  then end of file.  Its stdout and stderr are ours. */
#ifndef PMO_NOTIFY_RUN_CMD_H
#define PMO_NOTIFY_RUN_CMD_H

#include <signal.h>

#include "pmo/pmo_prelude.h"

/*  Runs cmd with input (len bytes) on its stdin and waits for it to end,
 *  at most timeout_ms: a command still running then (or still not taking
 *  its input) is sent SIGTERM, and SIGKILL RUN_CMD_GRACE_MS later, in its
 *  own process group (it runs in one), and *timed_out_p is set.  When
 *  *stop becomes set meanwhile (stop may be NULL), the SIGTERM goes out
 *  then, as a terminal's Ctrl-C would have sent it.  env lists
 *  environment changes, NULL-terminated: "NAME=value" sets NAME, a bare
 *  "NAME" removes it; every other variable is inherited.  Signals that this
 *  process ignores or catches start at their defaults in the command.  A
 *  command that exits before reading its input is not an error.  Returns
 *  PMO_OK with the waitpid status in *status_p, or an errno when the
 *  command could not be started. */
int run_cmd (const char *cmd, const char *input, size_t len, const char *const *env, int timeout_ms,
             volatile sig_atomic_t *stop, int *status_p, bool *timed_out_p);

/*  How long a command has to end after the SIGTERM of its timeout. */
#define RUN_CMD_GRACE_MS 1000

/*  Writes "exited with status 3" / "killed by signal 9 (Killed)" for a wait
 *  status into buf of size n; returns buf. */
const char *run_cmd_status_text (int status, char *buf, size_t n);

#endif
