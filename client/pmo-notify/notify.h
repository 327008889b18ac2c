/*  notify: pmo-notify's engine.  Subscribes to every event on pmod's PUB
 *  socket, tracks the global gap-free Event.seq, fills every gap (and the
 *  time it was not running) from pmod's event log with the log request, and
 *  hands each event whose topic matches a prefix to the output: a text
 *  line, a JSON line, or a command run with the event on its stdin.
 *
 *  Guarantee: every matching event is handled once, in seq order, across
 *  restarts of pmod and (with a state file) of pmo-notify, kill -9
 *  included.  The state file is saved just before an event is handed on,
 *  and a running hook outlives the kill of pmo-notify, so nothing runs
 *  twice.  The exception: when the machine (or the whole process group)
 *  dies while a hook runs, that hook is cut short and not run again; and
 *  after a kill -9 a hook still running may overlap the next one.
 *
 *  Why subscribe to everything: a topic filter at the socket would make
 *  gaps in seq normal, and then a real loss could not be told apart. */
#ifndef PMO_NOTIFY_NOTIFY_H
#define PMO_NOTIFY_NOTIFY_H

#include <signal.h>

#include "pmo/pmo_prelude.h"

typedef struct {
    const char *events;              //  PUB endpoint of pmod
    const char *endpoint;            //  request endpoint of pmod (ping, log)
    const char *const *topics;       //  topic prefixes; n_topics == 0: every event
    size_t n_topics;
    bool is_json;                    //  JSON lines instead of text lines
    const char *exec_cmd;            //  run per event instead of printing, or NULL
    int exec_timeout_ms;             //  a command running longer is killed
    const char *state_path;          //  state file, or NULL
    bool has_since;                  //  start after since (when no state file says)
    uint64_t since;
    uint64_t count;                  //  exit after this many handled events; 0: never
    int timeout_ms;                  //  give up on an unreachable pmod after this; <0: never
} notify_opts_t;

/*  Runs until *stop becomes non-zero (set by a signal handler; the event in
 *  hand is finished and the state saved first), until opts->count events
 *  are handled, or until a fatal error.  Prints the one error line itself.
 *  Returns the exit code: 0, 1 (bad endpoint or state file, pmod rejected a
 *  request, stdout or the state file cannot be written), or 2 (pmod did not
 *  answer within opts->timeout_ms). */
int notify_run (const notify_opts_t *opts, volatile sig_atomic_t *stop);

#endif
