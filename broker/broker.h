/*  broker: pmod's internal interfaces, grouped by module.
 *
 *  broker_t owns the zmq sockets, the store and the batch.  It is passed
 *  down explicitly; there are no globals but the signal flags, so a test or a
 *  fuzz target can build a broker on a scratch store.
 */
#ifndef BROKER_H
#define BROKER_H

#include "pmo/pmo_evm.h"
#include "pmo/pmo_health.h"
#include "pmo/pmo_prelude.h"
#include "pmo/pmo_store.h"
#include "pmo/pmo_validate.h"
#include "pmo/pmo_wire.h"
#include "tables.h"

typedef struct batch batch_t;
typedef struct auth auth_t;

typedef struct {
    const char *data_dir;
    const char *endpoint;        /* ROUTER bind                          */
    const char *events;          /* PUB bind                             */
    size_t map_size;             /* LMDB map size in bytes               */
    int scan_ms;                 /* alert scan period (0: 60 s)          */
    bool insecure;               /* no CURVE: every peer an admin        */
    const char *admin_key;       /* public key file to enrol as "admin"  */
    int rate_per_s;              /* requests/s per principal (0: none)   */
    int burst;                   /* token bucket size                    */
} broker_opts_t;

/*  The governance policy in force (stored in settings, set by operators). */
typedef struct {
    pmo_health_policy_t rag;
    int32_t at_risk_days;        /* milestone.at_risk window (default 14)  */
    int32_t budget_pct[8];       /* budget.threshold crossings (50,80,100) */
    size_t n_budget_pct;
    int32_t silent_minutes;      /* team.silent after this (default 60)    */
} policy_t;

typedef struct {
    pmo_store_t *store;
    void *router;
    void *pub;
    uint64_t last_seq;           /* newest committed event seq           */
    uint64_t next_seq;           /* next seq to assign in the open batch */
    uint64_t next_entry_id;      /* next time/cost entry id              */
    uint8_t chain_head[32];      /* hash of the newest committed event   */
    pmo_buf_t scratch;           /* packing buffer for handlers          */
    batch_t *batch;
    auth_t *auth;                /* keys, ZAP, rate limits (auth.h)      */
    volatile int *stop_flag;     /* set by the signal handler            */
    struct backup_job *backup;   /* the running backup, or NULL          */
    bool clock_settable;         /* started with a fixed (test) clock    */
    policy_t policy;
    int scan_ms;                 /* period of the deadline/silence scan   */
    int64_t next_scan_mono;      /* monotonic ms of the next scan         */
    unsigned upgraded_from;      /* schema version upgraded at open, or 0  */
    uint64_t n_requests;
    uint64_t n_commits;
    int64_t commit_us_total;     /* in LMDB's commit: page writes, flushes */
    uint64_t n_folds;            /* write-back folds, and their time      */
    uint64_t fold_failed_at_commit; /* n_commits at the last failed fold   */
    int64_t fold_failed_ms;      /* when (monotonic), 0: none failed      */
    int64_t fold_us_total, fold_us_max;
    struct status_cache *status_cache;  /* packed status rows (status_cache.h) */
} broker_t;

/*  One request while it is being handled.  Handlers return an rc and fill
 *  reason; dispatch alone turns that into a Reply (one rc -> status map). */
typedef struct {
    broker_t *broker;
    pmo_txn_t *txn;              /* child write txn, or a read txn       */
    const Pmo__Request *req;
    const char *actor;
    int64_t now_ms;
    pmo_reason_t reason;
    uint64_t seq;                /* first event seq this request made    */
    bool duplicate;              /* a resend of an applied update        */
    Pmo__Reply *reply;           /* for queries: body set by handler     */
    const void *peer;            /* ROUTER id of the sender (may be NULL) */
    size_t peer_len;
    bool deferred;               /* reply will be sent later (backup)    */
    bool internal;               /* pmod's own work (alerts), not a peer */
    void **owned;                /* unpacked messages freed after reply  */
    size_t n_owned, cap_owned;
} req_t;

/* ---- broker.c: life cycle and the loop ---------------------------------- */

/*  Opens the store and binds the sockets.  Returns PMO_OK or an rc with a
 *  sentence in why.  *broker_p is NULL on failure. */
int broker_new (const broker_opts_t *opts, broker_t **broker_p, char *why, size_t why_len);
void broker_destroy (broker_t **broker_p);
/*  Runs until *stop_flag is set; finishes the batch in hand. */
int broker_run (broker_t *self);
/*  Writes the write-back tables' pending values into them (pmo_store.h):
 *  before a read that walks one by cursor, when idle, at the size limit
 *  and at the end.  A failure
 *  is logged; the values stay pending (and journalled). */
int broker_fold (broker_t *self);
/*  Pending write-back bytes that make a batch fold right after its commit:
 *  bounds pmod's memory and the work of one fold. */
#define PMOD_FOLD_BYTES (8u << 20)
/*  A pending fold waits this long for the requests to pause. */
#define PMOD_FOLD_IDLE_MS 50
#define PMOD_FOLD_RETRY_MS 60000  /* after a failed fold, unless a commit comes first */

/* ---- batch.c: group commit ---------------------------------------------- */

batch_t *batch_new (size_t max);
void batch_destroy (batch_t **batch_p);
/*  Reads up to the batch limit of requests already waiting on the ROUTER
 *  without blocking.  Returns how many were read. */
size_t batch_collect (broker_t *broker);
/*  Applies the writes in one write txn, commits, answers the reads from a
 *  read txn, then sends every reply and publishes every event in seq order.
 *  Nothing is acknowledged or published before the commit. */
void batch_process (broker_t *broker);

/* ---- dispatch.c: request kind -> handler -------------------------------- */

typedef int (*handler_fn) (req_t *r);

/*  Who may send a request kind: the dispatch table's last column.  The
 *  lowest operator role (an operator of a higher role may too), plus flags
 *  for team agents (scoped to their own team) and subscribers.  A row
 *  without it (0) is admin-only: a new kind is closed until decided. */
enum {
    ACCESS_ADMIN_ONLY = 0,
    ACCESS_VIEWER = 1,           /* = PMO__ROLE__ROLE_VIEWER ...         */
    ACCESS_ANALYST = 2,
    ACCESS_MANAGER = 3,
    ACCESS_ADMIN = 4,
    ACCESS_ROLE_MASK = 0x0f,
    ACCESS_AGENT = 0x10,         /* team agents, for their own team      */
    ACCESS_SUBSCRIBER = 0x20     /* subscribers (pmo-notify)             */
};

typedef struct {
    int body_case;               /* Pmo__Request__BodyCase               */
    const char *name;
    bool is_write;
    bool needs_update_id;        /* agent updates: dedup key required    */
    handler_fn handler;
    unsigned access;             /* ACCESS_*; absent = admin only        */
} dispatch_entry_t;

/*  The entry for a request, or NULL for an unknown kind. */
const dispatch_entry_t *dispatch_find (const Pmo__Request *req);
/*  Maps rc + reason onto reply (status, reason text, field). */
void dispatch_reply_status (Pmo__Reply *reply, int rc, const pmo_reason_t *reason);

/*  Handles one packed request as if it had arrived alone (no sockets: the
 *  fuzz target): decode, admit, apply in a write txn, commit, answer.
 *  The packed Reply goes to reply.  Events are not published. */
void batch_handle_bytes (broker_t *broker, const void *data, size_t len, pmo_buf_t *reply);

/*  Runs fn in a write txn of its own (pmod's own work: the alert scan),
 *  commits, then publishes its events.  Returns fn's rc or the commit's. */
int batch_run_internal (broker_t *broker, int (*fn) (req_t *r, void *arg), void *arg);
/*  Notes that the request in hand changed project code: its alert rules
 *  are evaluated once at the end of the batch, before the commit. */
void batch_touch (batch_t *batch, const char *code);

/* ---- policy.c: governance thresholds ------------------------------------- */

void policy_default (policy_t *p);
/*  Loads the stored policy (defaults when none is stored). */
void policy_load (broker_t *broker, pmo_txn_t *txn);
int handle_policy_set (req_t *r);
int handle_policy_get (req_t *r);

/* ---- analytics.c: earned value and health from the aggregates ----------- */

typedef struct {
    pmo_evm_t evm;
    bool has_evm;                /* false when a figure overflows int64   */
    int64_t ac;                  /* actual cost as of the date; INT64_MIN
                                    when it does not fit int64            */
    int32_t missed;              /* milestones past a due date, not reached */
    pmo_health_t health;
    Pmo__ProjectTotals *totals;  /* kept by the req                       */
    Pmo__Milestone **milestones; /* kept by the req, in name order        */
    size_t n_milestones;
} figures_t;

/*  Computes p's figures as of day as_of: entries dated on or before it,
 *  whenever they arrived.  Returns PMO_OK or a store rc (reason set). */
int analytics_project (req_t *r, const Pmo__Project *p, int32_t as_of, figures_t *f);
/*  The Evm message for e (owned by r). */
Pmo__Evm *analytics_evm_msg (req_t *r, const pmo_evm_t *e, const char *currency, int32_t as_of);

/* ---- alerts.c: once-per-occurrence alerts --------------------------------- */

/*  Evaluates budget, milestone and health rules for one project. */
int alerts_project (req_t *r, const char *code);
/*  The periodic scan: every project's deadlines and every team's silence.
 *  Runs at start-up too, for deadlines that passed while pmod was down. */
void alerts_scan (broker_t *broker);
/*  The same scan inside r's txn (r->internal must be set). */
int alerts_scan_txn (req_t *r);

/* ---- events.c: sequence numbers, the audit log, publication -------------- */

/*  Appends an event to the log in r's txn with the next seq and queues it
 *  for publication after commit.  body_case/body: the Event oneof to set.
 *  project may be NULL.  Returns PMO_OK or a store rc. */
int events_emit (req_t *r, const char *topic, const char *project, Pmo__Event__BodyCase body_case,
                 const void *body);
/*  Reads the newest seq from the log (at start-up). */
uint64_t events_last_seq (pmo_txn_t *txn);
/*  The hash of event last_seq (genesis when 0), the head new events chain
 *  on.  PMO_ECORRUPT when that event has no hash. */
int events_chain_head (pmo_txn_t *txn, uint64_t last_seq, uint8_t head[32]);

/* ---- backup.c: consistent copies while serving -------------------------- */

/*  Starts copying the store to path in a worker thread; the reply to peer
 *  is sent when it ends (backup_check).  PMO_EBUSY when one is running. */
int backup_start (broker_t *broker, const void *peer, size_t peer_len, uint64_t corr, const char *path);
/*  Sends the reply of a finished backup, if any.  Called from the loop. */
void backup_check (broker_t *broker);
/*  Waits for a running backup to end (at shutdown). */
void backup_join (broker_t *broker);

/* ---- handlers (handle_*.c) ---------------------------------------------- */

/*  Marks milestone `name` of project reached on date and emits
 *  milestone.reached, unless it was already reached (then PMO_OK, no event). */
int milestone_reach (req_t *r, const char *project, const char *name, const char *date);

int handle_ping (req_t *r);
int handle_portfolio_add (req_t *r);
int handle_programme_add (req_t *r);
int handle_team_add (req_t *r);
int handle_person_add (req_t *r);
int handle_project_add (req_t *r);
int handle_project_update (req_t *r);
int handle_milestone_add (req_t *r);
int handle_milestone_update (req_t *r);
int handle_time (req_t *r);
int handle_cost (req_t *r);
int handle_progress (req_t *r);
int handle_milestone_reached (req_t *r);
int handle_heartbeat (req_t *r);
int handle_list (req_t *r);
int handle_project_show (req_t *r);
int handle_status (req_t *r);
int handle_log (req_t *r);
int handle_backup (req_t *r);
int handle_report (req_t *r);
int handle_clock_set (req_t *r);
int handle_void_entry (req_t *r);
int handle_key_enrol (req_t *r);
int handle_key_revoke (req_t *r);
int handle_key_list (req_t *r);

/* ---- req.c: helpers shared by handlers ---------------------------------- */

/*  Keeps an unpacked message alive until the reply is packed. */
void *req_keep (req_t *r, void *msg);
/*  Keeps a pmo_malloc'd block alive until the reply is packed. */
void *req_keep_mem (req_t *r, void *mem);
void req_release (req_t *r);
/*  Fills reason and returns rc, so handlers can `return req_fail (...)`. */
int req_fail (req_t *r, int rc, const char *field, const char *fmt, ...) PMO_PRINTF (4, 5);
/*  Loads a record by code (project, team, person...).  On PMO_ENOTFOUND the
 *  reason reads "<what> <code>: not found".  The record is kept by r. */
int req_load (req_t *r, unsigned db, const char *code, const char *what,
              const ProtobufCMessageDescriptor *d, void **msg_p);
/*  Refuses a date of something done (an entry, a milestone reached) that is
 *  after today anywhere on Earth: UTC's today + 1, since a team at UTC+14
 *  is a day ahead, and its local today is not the future. */
int req_not_future (req_t *r, const char *field, const char *text, int32_t day);
/*  Parses an ISO date field; required or optional (absent -> fallback). */
int req_date (req_t *r, const char *field, const char *text, bool required, int32_t fallback,
              int32_t *day_out);

#endif
