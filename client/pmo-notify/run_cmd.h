/*  run_cmd: runs a shell command for one event and waits for it.
 *
 *  The command is `/bin/sh -c CMD`; the input goes to its stdin and the
 *  pipe is closed after it, so `cat`, `jq` or `read line` see one line and
 *  then end of file.  Its stdout and stderr are ours. */
#ifndef PMO_NOTIFY_RUN_CMD_H
#define PMO_NOTIFY_RUN_CMD_H

#include "pmo/pmo_prelude.h"

/*  Runs cmd with input (len bytes) on its stdin and waits for it to end.
 *  env lists environment changes, NULL-terminated: "NAME=value" sets NAME,
 *  a bare "NAME" removes it; every other variable is inherited.  Signals
 *  that this process ignores or catches start at their defaults in the
 *  command.  A command that exits before reading its input is not an error.
 *  Returns PMO_OK with the waitpid status in *status_p, or an errno when
 *  the command could not be started. */
int run_cmd (const char *cmd, const char *input, size_t len, const char *const *env,
             int *status_p);

/*  Writes "exited with status 3" / "killed by signal 9 (Killed)" for a wait
 *  status into buf of size n; returns buf. */
const char *run_cmd_status_text (int status, char *buf, size_t n);

#endif
