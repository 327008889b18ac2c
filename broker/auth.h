/*  auth: who may talk to pmod, and what each principal may ask.
 *
 *  Authentication is CurveZMQ on the ROUTER and the PUB socket with a ZAP
 *  handler (zap.c) that admits enrolled public keys only and names the
 *  principal in the ZAP User-Id.  Authorisation (auth.c) runs per request:
 *  the principal is looked up again by name and key (so a revocation stops
 *  a connected peer at its next request), rate-limited, and checked against
 *  the access column of the dispatch table; a team agent is further scoped
 *  to its own team's projects and people, inside the write txn.  Every
 *  refusal is answered STATUS_DENIED and written to the audit log as an
 *  auth.denied event, in the batch's txn (rate refusals excepted: BUSY).
 *
 *  With --insecure there is no CURVE and no ZAP: every peer is an admin
 *  operator named by Request.actor.  See docs/security.md.
 */
#ifndef BROKER_AUTH_H
#define BROKER_AUTH_H

#include <zmq.h>

#include "broker.h"
#include "pmo/pmo_curve.h"
#include "pmo/pmo_limits.h"

#define PRINCIPAL_NAME_MAX PMO_MAX_AGENT_ID_LEN

/*  The principal behind a request, copied out of the store. */
typedef struct {
    char name[PRINCIPAL_NAME_MAX + 1];
    Pmo__PrincipalKind kind;
    Pmo__Role role;                        /* operators                     */
    char team[PMO_MAX_CODE_LEN + 1];       /* agents                        */
} principal_t;

/*  What the transport said about a request's sender, and what auth made
 *  of it.  Lives in the batch's item. */
typedef struct {
    char user_id[PRINCIPAL_NAME_MAX + 1];  /* ZAP User-Id: principal name    */
    char key[PMO_KEY_Z85_LEN + 1];         /* the connection's public key    */
    bool is_secure;                        /* came over CURVE                */
    principal_t who;                       /* set by auth_admit              */
    bool audit_denial;                     /* refused: write auth.denied     */
    bool has_token;                        /* auth_throttle took its token   */
} auth_peer_t;

/*  Token bucket per principal. */
typedef struct {
    char name[PRINCIPAL_NAME_MAX + 1];
    double tokens;
    int64_t last_ms;                       /* monotonic                      */
} bucket_t;

#define AUTH_BUCKETS 4096

typedef struct auth {
    bool insecure;
    pmo_keypair_t server;                  /* pmod's own keypair             */
    void *zap;                             /* inproc ZAP REP socket          */
    int rate_per_s;                        /* 0: no rate limit               */
    int burst;
    bucket_t *buckets;                     /* AUTH_BUCKETS, open addressing  */
    bool pub_reset;                        /* a revocation: drop subscribers */
    int64_t next_warn_mono;                /* --insecure reminder            */
    int64_t refusal_window_mono;           /* refused-handshake log limiter  */
    unsigned n_refusals_logged;
    unsigned n_refusals_suppressed;
} auth_t;

/* ---- zap.c: keys, CURVE server sockets, the ZAP handler ---------------- */

/*  Sets up authentication for broker: in secure mode loads (or creates, on
 *  first start) DATA/server.key and DATA/server.key.pub and binds the ZAP
 *  handler.  Returns PMO_OK or an rc with one sentence in why. */
int auth_new (broker_t *broker, const broker_opts_t *opts, char *why, size_t why_len);
void auth_destroy (auth_t **auth_p);
/*  Makes sock a CURVE server checked by ZAP in domain ("requests" or
 *  "events") before it binds.  Nothing in insecure mode. */
int auth_server_socket (auth_t *auth, void *sock, const char *domain);
/*  Answers every ZAP request waiting (never blocks). */
void auth_zap_serve (broker_t *broker);
/*  Periodic duties: the --insecure reminder, the refused-handshake
 *  summary. */
void auth_tick (broker_t *broker);
/*  Logs a refused handshake, at most 10 lines a minute. */
void auth_log_refusal (auth_t *auth, const char *fmt, ...) PMO_PRINTF (2, 3);

/* ---- auth.c: per-request checks ---------------------------------------- */

/*  Reads the sender's User-Id and key from a received frame. */
void auth_capture (auth_peer_t *peer, zmq_msg_t *frame);
/*  The rate limit for a request over CURVE, before it is decoded: the
 *  connection names its principal, so a malformed or oversized request
 *  costs a token like any other (decoding is the work a flood would buy).
 *  PMO_EBUSY with reason when over the limit; PMO_OK otherwise, also when
 *  insecure (the name is in the request: auth_admit takes the token). */
int auth_throttle (broker_t *broker, auth_peer_t *peer, pmo_reason_t *reason);
/*  Who sent req and whether they may send it at all: resolves the
 *  principal (secure: by name and key, in *txn_p, a read txn opened on
 *  first use), applies the rate limit (PMO_EBUSY) and the access column
 *  (PMO_EDENIED, with peer->audit_denial set).  Reason filled on refusal. */
int auth_admit (broker_t *broker, pmo_txn_t **txn_p, auth_peer_t *peer, const dispatch_entry_t *entry,
                const Pmo__Request *req, pmo_reason_t *reason);
/*  A team agent's update must concern its own team: checked in the write
 *  txn before the handler runs.  PMO_OK for everyone else. */
int auth_scope (req_t *r, auth_peer_t *peer);
/*  Writes the auth.denied event for a refused request into r's txn. */
int auth_audit_denial (req_t *r, const auth_peer_t *peer, const char *request, const char *reason);
/*  Looks up principal name in txn.  PMO_ENOTFOUND when absent. */
int auth_principal_get (pmo_txn_t *txn, const char *name, Pmo__Principal **p_out);
/*  The principal's kind in words: "operator (viewer)", "agent (T-A)". */
void auth_describe (const principal_t *who, char *buf, size_t n);
/*  Enrols the public key in file as admin "admin" when no admin exists
 *  (first start).  Returns PMO_OK or an rc with why. */
int auth_bootstrap (broker_t *broker, const char *file, char *why, size_t why_len);

#endif
