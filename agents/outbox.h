/*  outbox: the agent's durable queue of updates, an LMDB store in the state
 *  directory (pmo_store kind "pmo-agent", schema 1).
 *
 *  The promise: an update is committed here before it is sent, and it stays
 *  until pmod has answered it (acknowledged or rejected).  A crash, a kill
 *  or an absent pmod loses nothing; the next run sends what is left, oldest
 *  first.
 *
 *  Layout (all integers big-endian):
 *    "outbox"  key  u64 seq
 *              val  u8 format (1), u8 kind (Request body case),
 *                   u16 writer (a token of the open that queued it; 0 in
 *                   entries from before it was stamped),
 *                   u32 file id (0 = not from the spool), u32 line,
 *                   i64 queued_ms, u32 text_len, text (the record as the
 *                   file had it, for the rejected/ report), then the packed
 *                   Request (update = {agent, seq} already set).
 *    "agent"   "agent_id" -> the id (a state dir belongs to one agent)
 *              "next_seq" -> u64, "next_file" -> u32
 *
 *  A new outbox's first seq is the wall clock in microseconds (older
 *  outboxes began at 1 and go on from where they are): pmod dedups on
 *  (agent id, seq), so a second state directory of the same agent id must
 *  not reuse seqs an earlier one sent.
 *    "files"   key  u32 file id
 *              val  u8 format (1), 3 x u8 0, u32 total, u32 good,
 *                   u32 pending, u32 rejected, u64 dev, u64 ino,
 *                   i64 ingested_ms, u16 name_len, name, u16 dir_len, dir
 *
 *  A one-shot command and the daemon may open the same directory at once:
 *  LMDB serialises the writers, and an ack for an entry another process
 *  already removed is simply ignored.  Not for two opens in one process.
 */
#ifndef PMO_AGENT_OUTBOX_H
#define PMO_AGENT_OUTBOX_H

#include "pmo/pmo_store.h"
#include "pmo/pmo_wire.h"

#define OUTBOX_KIND "pmo-agent"
#define OUTBOX_VERSION 1

typedef struct outbox outbox_t;
typedef struct outbox_ingest outbox_ingest_t;

/*  One queued update.  Pointers borrow from the read transaction and are
 *  valid only inside the callback that receives the entry. */
typedef struct {
    uint64_t seq;
    int kind;                 /* Pmo__Request__BodyCase */
    uint32_t file_id;         /* 0 when not from the spool */
    uint32_t line;
    int64_t queued_ms;        /* wall clock when it was queued */
    const char *text;         /* original record text, text_len bytes */
    size_t text_len;
    const uint8_t *req;       /* packed Request */
    size_t req_len;
    bool is_own;              /* queued through this open: no other process sent it first */
} outbox_entry_t;

/*  A spool file in progress.  Strings borrow as for outbox_entry_t. */
typedef struct {
    uint32_t id;
    const char *name;
    const char *dir;          /* the spool directory it came from */
    uint32_t total;           /* records read */
    uint32_t good;            /* records queued */
    uint32_t pending;         /* queued and not answered yet */
    uint32_t rejected;        /* refused locally or by pmod */
    uint64_t dev, ino;
    int64_t ingested_ms;
} outbox_file_t;

/*  An answer from pmod.  reason is NULL when the update was accepted (or
 *  was a duplicate), else the service's sentence. */
typedef struct {
    uint64_t seq;
    const char *reason;
} outbox_ack_t;

/*  Called inside outbox_ack for a rejected update that came from a spool
 *  file, before the commit, so the report is written before the entry is
 *  gone. */
typedef void (outbox_reject_fn) (void *arg, const outbox_file_t *file, uint32_t line,
                                 const char *reason, const char *text, size_t text_len);

/*  Opens (creating when absent) the outbox in dir for agent_id.  agent_id
 *  NULL opens an existing outbox for reading only, whoever it belongs to
 *  (status).  map_size 0 means the default (1 GiB).  On failure *self_p is
 *  NULL and why holds one sentence.  Returns PMO_OK, PMO_ESTATE (dir
 *  belongs to another agent id), PMO_ENOTFOUND (agent_id NULL and no
 *  outbox), PMO_ESCHEMA, PMO_ECORRUPT or an errno. */
int outbox_open (const char *dir, const char *agent_id, size_t map_size, outbox_t **self_p,
                 char *why, size_t why_len);
/*  Closes and sets *self_p to NULL.  Accepts NULL. */
void outbox_close (outbox_t **self_p);
/*  The agent id the outbox belongs to (borrowed). */
const char *outbox_agent (const outbox_t *self);
/*  The state directory (borrowed). */
const char *outbox_dir (const outbox_t *self);

/*  Queues one update: allocates the next seq and stores req with
 *  update = {agent, seq} (and actor = agent when unset) in one committed
 *  transaction.  req->update and req->actor are restored before returning.  Returns PMO_OK and sets *seq_out, or
 *  PMO_EFULL (nothing written), or an errno. */
int outbox_add (outbox_t *self, Pmo__Request *req, uint64_t *seq_out);

/*  Ingest of a whole spool file in one transaction: begin, add each good
 *  record, count each rejected one, commit.  Nothing is visible until the
 *  commit; abort leaves no trace.  dir and name identify the file, dev and
 *  ino tell a new file of the same name from the one in progress. */
int outbox_ingest_begin (outbox_t *self, const char *dir, const char *name, uint64_t dev,
                         uint64_t ino, outbox_ingest_t **ingest_p);
int outbox_ingest_add (outbox_ingest_t *ingest, Pmo__Request *req, uint32_t line,
                       const char *text, size_t text_len);
void outbox_ingest_reject (outbox_ingest_t *ingest);
/*  Commits; *ingest_p is NULL afterwards even on failure.  Sets *file_id and
 *  *pending (records queued).  Returns PMO_OK, PMO_EFULL or an errno. */
int outbox_ingest_commit (outbox_ingest_t **ingest_p, uint32_t *file_id, uint32_t *pending);
/*  Abandons the ingest.  Accepts NULL. */
void outbox_ingest_abort (outbox_ingest_t **ingest_p);

/*  Calls fn for each entry with seq > after, in seq order, until fn returns
 *  false.  One read transaction.  Returns PMO_OK or an errno. */
int outbox_iterate (outbox_t *self, uint64_t after, bool (*fn) (void *arg, const outbox_entry_t *e),
                    void *arg);
/*  True when seq is still queued. */
bool outbox_has (outbox_t *self, uint64_t seq);

/*  Removes the answered entries in one transaction.  For a rejected entry
 *  from a spool file, calls the reject hook and counts it as rejected in its
 *  file.  Entries already gone are skipped.  Sets *n_removed (may be NULL)
 *  and *file_done (may be NULL) when some file's pending count reached 0.
 *  Returns PMO_OK or an errno. */
int outbox_ack (outbox_t *self, const outbox_ack_t *acks, size_t n, size_t *n_removed,
                bool *file_done);
void outbox_set_reject_hook (outbox_t *self, outbox_reject_fn *fn, void *arg);

/*  Number of queued updates. */
size_t outbox_depth (outbox_t *self);
/*  Copies the oldest entry's seq, kind and queued_ms.  PMO_ENOTFOUND when
 *  empty. */
int outbox_oldest (outbox_t *self, uint64_t *seq, int *kind, int64_t *queued_ms);
/*  The seq the next update will get. */
uint64_t outbox_next_seq (outbox_t *self);

/*  Calls fn for each file in progress (in id order) until it returns false. */
int outbox_files (outbox_t *self, bool (*fn) (void *arg, const outbox_file_t *f), void *arg);
/*  Finds the file named name from spool dir.  Copies its counts into *out
 *  (name and dir set to NULL).  PMO_ENOTFOUND when absent. */
int outbox_file_find (outbox_t *self, const char *dir, const char *name, outbox_file_t *out);
/*  Forgets a finished file.  PMO_ENOTFOUND when absent. */
int outbox_file_drop (outbox_t *self, uint32_t id);

/*  Map use in percent (the store's high-water mark over its map size). */
unsigned outbox_usage_pct (outbox_t *self);

//  --------------------------------------------------------------------------
//  Source polls (source.c): the updates a poll produced and the source's
//  memory of what it reported, in one transaction, so a crash never leaves
//  the two disagreeing.
//    "sources"       key  source name  ->  its status as a JSON object
//    "source_state"  key  source name \0 key  ->  what the source remembers

typedef struct outbox_txn outbox_txn_t;

/*  Begins a write transaction.  Returns PMO_OK or an errno. */
int outbox_txn_begin (outbox_t *self, outbox_txn_t **txn_p);
/*  Queues req with the next seq (text: what to show if pmod refuses it).
 *  Returns PMO_OK, PMO_EFULL or an errno; on failure abort the txn. */
int outbox_txn_add (outbox_txn_t *t, Pmo__Request *req, const char *text, size_t text_len);
/*  Updates queued so far in t. */
size_t outbox_txn_added (const outbox_txn_t *t);
/*  The source's state under key; *val borrows from the txn until its next
 *  write.  PMO_ENOTFOUND when absent. */
int outbox_txn_state_get (outbox_txn_t *t, const char *source, const void *key, size_t key_len,
                          pmo_val_t *val);
int outbox_txn_state_put (outbox_txn_t *t, const char *source, const void *key, size_t key_len,
                          const void *data, size_t len);
/*  PMO_ENOTFOUND when absent. */
int outbox_txn_state_del (outbox_txn_t *t, const char *source, const void *key, size_t key_len);
/*  Calls fn for each of the source's keys, in key order, until it returns
 *  false.  fn must not write. */
int outbox_txn_state_each (outbox_txn_t *t, const char *source,
                           bool (*fn) (void *arg, const void *key, size_t key_len,
                                       const pmo_val_t *val),
                           void *arg);
/*  The source's status record (a JSON object as text). */
int outbox_txn_status_put (outbox_txn_t *t, const char *source, const char *json);
int outbox_txn_status_get (outbox_txn_t *t, const char *source, pmo_val_t *val);
/*  Commits; *txn_p is NULL afterwards even on failure.  Returns PMO_OK,
 *  PMO_EFULL (nothing stored) or an errno. */
int outbox_txn_commit (outbox_txn_t **txn_p);
/*  Abandons everything of t.  Accepts NULL. */
void outbox_txn_abort (outbox_txn_t **txn_p);

/*  Calls fn with each source's name and status JSON (copies, valid during
 *  the call), in name order.  Works on read-only opens. */
int outbox_sources (outbox_t *self, bool (*fn) (void *arg, const char *name, const char *json),
                    void *arg);

#endif
