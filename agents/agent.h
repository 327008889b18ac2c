/*  agent: the sending loop shared by the daemon (pmo-agent run) and the
 *  one-shot commands.
 *
 *  It reads the outbox in seq order, keeps up to `window` updates in flight
 *  on one DEALER connection (pmo_client_send/recv), removes each from the
 *  outbox when pmod answers, and resends the window over a fresh connection
 *  when the oldest has waited `resend` ms (doubling to 30 s while pmod stays
 *  silent).  The daemon also scans the spool every `poll` ms and sends a
 *  heartbeat every `heartbeat` s.  Nothing here decides durability: the
 *  outbox already holds everything it sends.
 */
#ifndef PMO_AGENT_AGENT_H
#define PMO_AGENT_AGENT_H

#include <signal.h>

#include "outbox.h"
#include "source.h"
#include "spool.h"

typedef enum {
    AGENT_DAEMON,             /* until *stop is set */
    AGENT_ONCE,               /* until the outbox is empty and no file is pending */
    AGENT_WATCH               /* until one seq is answered (one-shot commands) */
} agent_mode_t;

typedef struct {
    const char *endpoint;
    const char *team;         /* NULL or "": no heartbeats */
    int timeout_ms;
    int heartbeat_s;          /* 0: no heartbeats */
    int window;
    int resend_ms;
    int poll_ms;
    volatile sig_atomic_t *stop;  /* set by a signal handler; may be NULL */
} agent_opts_t;

typedef struct agent agent_t;

/*  Returns a new agent over outbox and spool (both borrowed; spool may be
 *  NULL), connected to opts->endpoint (connecting never waits).  Returns
 *  PMO_OK or an errno; *self_p is NULL on failure. */
int agent_new (const agent_opts_t *opts, outbox_t *outbox, spool_t *spool, agent_t **self_p);
/*  Adds the sources (borrowed; may be NULL) to the loop: each is polled
 *  when due (daemon), or every one once at the start (--once). */
void agent_set_sources (agent_t *self, sources_t *sources);
/*  Closes the connection and frees the agent.  Accepts NULL. */
void agent_destroy (agent_t **self_p);

/*  Runs the loop in mode; watch_seq is the update AGENT_WATCH waits for.
 *  Returns
 *    PMO_OK        done (DAEMON: stopped by signal);
 *    PMO_ETIMEOUT  pmod did not answer within timeout_ms (WATCH: the seq
 *                  is still queued; ONCE: updates are still queued);
 *    PMO_EINVAL    WATCH: pmod rejected the update (agent_reason says why;
 *                  it is no longer in the outbox);
 *    PMO_EFULL     WATCH: pmod's store is full; the update stays queued;
 *                  ONCE: a spool file does not fit in the empty outbox;
 *    an errno or PMO_E* on a local failure (outbox, socket). */
int agent_run (agent_t *self, agent_mode_t mode, uint64_t watch_seq);

/*  The service's reason for the last PMO_EINVAL from agent_run. */
const char *agent_reason (const agent_t *self);

#endif
