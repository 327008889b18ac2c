/*  pmo_client: a DEALER connection to pmod with deadlines.  Used by pmoctl,
 *  pmo-agent and pmo-notify (for replay).  It never blocks past the timeout:
 *  a service that is down is an error the caller can report, not a hang.
 *
 *  Endpoints: PMO_ENDPOINT / PMO_EVENTS, else the loopback defaults below.
 */
#ifndef PMO_CLIENT_H
#define PMO_CLIENT_H

#include "pmo/pmo_curve.h"
#include "pmo/pmo_wire.h"

#define PMO_DEFAULT_ENDPOINT "tcp://127.0.0.1:7750"
#define PMO_DEFAULT_EVENTS "tcp://127.0.0.1:7751"
#define PMO_DEFAULT_TIMEOUT_MS 5000

/*  The request endpoint: flag value when not NULL, else $PMO_ENDPOINT, else
 *  the default.  Same for events with $PMO_EVENTS. */
const char *pmo_endpoint_requests (const char *flag_value);
const char *pmo_endpoint_events (const char *flag_value);

/*  The process-wide zmq context, created on first use.  pmo_zmq_term()
 *  destroys it at exit (sockets must be closed first). */
void *pmo_zmq_ctx (void);
void pmo_zmq_term (void);

/*  The transports pmo carries, in one sentence for messages. */
#define PMO_TRANSPORTS "pmo carries tcp://, ipc:// and inproc:// endpoints only"
/*  True when endpoint names one of those transports.  Checked before a
 *  bind or connect: static builds answer libzmq's PGM and NORM calls with
 *  stubs (common/static), and zmq asserts when a NORM socket fails to set
 *  up, so a pgm://, epgm:// or norm:// endpoint must never reach it. */
bool pmo_endpoint_supported (const char *endpoint);

typedef struct pmo_client pmo_client_t;

/*  Connects a DEALER to endpoint (connecting never waits for the peer),
 *  with the process-wide CURVE credentials when set (pmo_client_setup_keys).
 *  Returns PMO_OK or an errno; *client_p is NULL on failure. */
int pmo_client_open (const char *endpoint, pmo_client_t **client_p);
/*  The same with explicit credentials (NULL: a plain connection). */
int pmo_client_open_creds (const char *endpoint, const pmo_curve_creds_t *creds, pmo_client_t **client_p);

/*  The key file name that means "no CURVE" (--key none, PMO_KEY=none). */
#define PMO_KEY_NONE "none"

/*  Loads the CURVE credentials every later connection of this process
 *  uses: key_file (the client's secret key) and server_file (pmod's public
 *  key), each NULL for $PMO_KEY / $PMO_SERVER_KEY.  Neither given, or a
 *  key_file of PMO_KEY_NONE (whatever the server key): plain connections
 *  (a pmod run with --insecure).  Returns PMO_OK or an rc with one
 *  sentence in why (a missing half, an unreadable or exposed file). */
int pmo_client_setup_keys (const char *key_file, const char *server_file, char *why, size_t why_len);
/*  Sets (copies) or, with NULL, clears the process-wide credentials. */
void pmo_client_set_creds (const pmo_curve_creds_t *creds);
/*  Applies the process-wide credentials, if any, to a socket the caller
 *  made (a SUB), before it connects.  Returns PMO_OK or an errno. */
int pmo_client_secure_socket (void *sock);
void pmo_client_close (pmo_client_t **client_p);

/*  Sends req and waits up to timeout_ms for the reply with the same corr.
 *  Sets req->corr.  On PMO_OK, *reply_p is owned by the caller (free with
 *  pmo_wire_free); replies to other (older) requests are discarded.
 *  Returns PMO_OK, PMO_ETIMEOUT, PMO_EPROTO (undecodable reply),
 *  PMO_ETOOBIG (not sent), PMO_EDENIED (pmod refused our CURVE key: not
 *  enrolled or revoked) or errno. */
int pmo_client_call (pmo_client_t *self, Pmo__Request *req, int timeout_ms, Pmo__Reply **reply_p);

/*  Waits until a reply can be read or the monotonic deadline (ms) passes:
 *  PMO_OK, PMO_ETIMEOUT, PMO_EDENIED when pmod refused this client's key
 *  in the CURVE handshake, or an errno.  For callers that read the frames
 *  themselves (pmoctl's zero-copy status). */
int pmo_client_wait (pmo_client_t *self, int64_t deadline_ms);

/*  Pipelining, for senders with a window: send without waiting (sets
 *  req->corr to a fresh value) and receive whatever reply comes next.
 *  A request that packs to more than PMO_MAX_REQUEST_BYTES is not sent:
 *  PMO_ETOOBIG (pmod would refuse it). */
int pmo_client_send (pmo_client_t *self, Pmo__Request *req);
int pmo_client_recv (pmo_client_t *self, int timeout_ms, Pmo__Reply **reply_p);
/*  The DEALER socket, for zmq_poll. */
void *pmo_client_socket (pmo_client_t *self);
/*  Drops and recreates the socket (after a long silence a fresh connection
 *  avoids replies queued for the old one). */
int pmo_client_reconnect (pmo_client_t *self);

/*  Maps a reply status to a PMO_E* rc (STATUS_OK -> PMO_OK). */
int pmo_client_status_rc (Pmo__Status status);

#endif
