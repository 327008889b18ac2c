/*  batch: group commit.
 *
 *  Every request that is waiting when pmod wakes up is read (up to the
 *  batch limit).  Writes are applied in one LMDB write txn, each inside its
 *  own child txn so that a rejected request rolls back alone and changes
 *  nothing.  The parent txn commits once (one fsync for the whole batch).
 *  Only then are replies sent and events published: an acknowledgement is a
 *  promise that the change survives kill -9.  Reads are answered from a read
 *  txn opened after the commit, so they see the batch's writes and nothing
 *  that might still roll back.
 */
#include "batch.h"

#include "auth.h"
#include "dedup.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <zmq.h>

#include "pmo/pmo_bounds.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"
#include "pmo/pmo_wire_scan.h"

typedef struct {
    zmq_msg_t id;                /* ROUTER routing id of the sender       */
    bool has_id;
    zmq_msg_t body;
    bool has_body;
    Pmo__Request *req;           /* decoded; NULL when malformed          */
    bool has_corr;               /* Request.corr of one refused before or */
    uint64_t corr;               /* in decoding (too big, throttled, bad) */
    const dispatch_entry_t *entry;
    int rc;
    pmo_reason_t reason;
    uint64_t seq;
    bool duplicate;
    bool deferred;               /* answered later (backup)               */
    pmo_buf_t reply;             /* packed Reply, sent after commit       */
    auth_peer_t auth;            /* who sent it (auth.h)                  */
} item_t;

typedef struct {
    char *topic;
    uint8_t *data;
    size_t len;
    uint8_t hash[32];            /* its link in the chain                 */
} event_t;

struct batch {
    item_t *items;
    size_t n, max;
    event_t *events;
    size_t n_events, cap_events;
    char **touched;              /* projects changed by this batch        */
    size_t n_touched, cap_touched;
};

batch_t *
batch_new (size_t max)
{
    batch_t *self = pmo_calloc (1, sizeof *self);
    self->max = max;
    self->items = pmo_calloc (max, sizeof *self->items);
    return self;
}

/*  Big replies (a status of 10,000 projects is 4 MB) go to zmq without a
 *  copy, and their buffer comes back for the next one.  Packed into fresh
 *  memory and then copied into zmq's, each reply cost two rounds of ~1,000
 *  page faults at ~7 us on a VM: the allocator hands freed pages back to
 *  the system between requests.  zmq frees a sent buffer in its I/O
 *  thread, hence the lock.  One buffer is kept: a status's worth. */
#define S_BIG_REPLY (64 << 10)
static pthread_mutex_t s_spare_lock = PTHREAD_MUTEX_INITIALIZER;
static pmo_buf_t s_spare;

static void
s_reply_sent (void *data, void *cap)
{
    pthread_mutex_lock (&s_spare_lock);
    bool keep = s_spare.data == NULL;
    if (keep)
        s_spare = (pmo_buf_t) {data, 0, (size_t) (uintptr_t) cap};
    pthread_mutex_unlock (&s_spare_lock);
    if (!keep)
        free (data);
}

/*  An empty buf that will hold a big reply takes the kept buffer. */
static void
s_take_spare (pmo_buf_t *buf, size_t need)
{
    if (buf->data || need < S_BIG_REPLY)
        return;
    pthread_mutex_lock (&s_spare_lock);
    *buf = s_spare;
    s_spare = (pmo_buf_t) {NULL, 0, 0};
    pthread_mutex_unlock (&s_spare_lock);
}

/*  Sends a big reply's bytes as zmq's own; false when it could not. */
static bool
s_send_big (void *router, pmo_buf_t *reply)
{
    zmq_msg_t m;
    if (reply->len < S_BIG_REPLY
        || zmq_msg_init_data (&m, reply->data, reply->len, s_reply_sent, (void *) (uintptr_t) reply->cap) != 0)
        return false;
    *reply = (pmo_buf_t) {NULL, 0, 0};  /* zmq's now: back through s_reply_sent */
    if (zmq_msg_send (&m, router, ZMQ_DONTWAIT) < 0)
        zmq_msg_close (&m);
    return true;
}

static void
s_events_truncate (batch_t *self, size_t keep)
{
    for (size_t i = keep; i < self->n_events; i++) {
        free (self->events[i].topic);
        free (self->events[i].data);
    }
    self->n_events = keep;
}

static void
s_items_clear (batch_t *self)
{
    for (size_t i = 0; i < self->n; i++) {
        item_t *it = &self->items[i];
        if (it->has_id)
            zmq_msg_close (&it->id);
        if (it->has_body)
            zmq_msg_close (&it->body);
        pmo_wire_free (it->req);
        pmo_buf_free (&it->reply);
        memset (it, 0, sizeof *it);
    }
    self->n = 0;
}

static void
s_touched_truncate (batch_t *self, size_t keep)
{
    for (size_t i = keep; i < self->n_touched; i++)
        free (self->touched[i]);
    self->n_touched = keep;
}

void
batch_touch (batch_t *self, const char *code)
{
    /*  Consecutive updates to one project are the common case. */
    if (self->n_touched && streq (self->touched[self->n_touched - 1], code))
        return;
    if (self->n_touched == self->cap_touched) {
        self->cap_touched = self->cap_touched ? self->cap_touched * 2 : 64;
        self->touched = pmo_realloc (self->touched, self->cap_touched * sizeof *self->touched);
    }
    self->touched[self->n_touched++] = pmo_strdup (code);
}

void
batch_destroy (batch_t **batch_p)
{
    batch_t *self = batch_p ? *batch_p : NULL;
    if (!self)
        return;
    s_items_clear (self);
    s_events_truncate (self, 0);
    s_touched_truncate (self, 0);
    free (self->touched);
    free (self->events);
    free (self->items);
    free (self);
    *batch_p = NULL;
    pthread_mutex_lock (&s_spare_lock);
    pmo_buf_free (&s_spare);
    pthread_mutex_unlock (&s_spare_lock);
}

const uint8_t *
batch_chain_head (const batch_t *self, const uint8_t *committed)
{
    return self->n_events ? self->events[self->n_events - 1].hash : committed;
}

void
batch_queue_event (batch_t *self, const char *topic, const void *data, size_t len, const uint8_t *hash)
{
    if (self->n_events == self->cap_events) {
        self->cap_events = self->cap_events ? self->cap_events * 2 : 64;
        self->events = pmo_realloc (self->events, self->cap_events * sizeof *self->events);
    }
    event_t *e = &self->events[self->n_events++];
    e->topic = pmo_strdup (topic);
    e->data = pmo_malloc (len);
    memcpy (e->data, data, len);
    e->len = len;
    memcpy (e->hash, hash, sizeof e->hash);
}

/*  Bigger requests than the bound are answered, not decoded (zmq cuts
 *  off what exceeds its own, larger bound before it costs memory). */
static void
s_check_size (item_t *it)
{
    size_t len = zmq_msg_size (&it->body);
    if (len <= PMO_MAX_REQUEST_BYTES)
        return;
    it->rc = PMO_ETOOBIG;
    pmo_reason_set (&it->reason, PMO_ETOOBIG, "", "request of %zu bytes is over the limit of %d bytes", len,
                    PMO_MAX_REQUEST_BYTES);
}

/*  Reads one multipart message from the ROUTER into an item.  The only
 *  well-formed shape is [id][empty][Request]; anything else is answered
 *  with a protocol error (when we know whom to answer). */
static bool
s_read_one (void *router, item_t *it)
{
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    if (zmq_msg_recv (&frame, router, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&frame);
        return false;
    }
    it->has_id = true;
    zmq_msg_init (&it->id);
    zmq_msg_move (&it->id, &frame);
    int n = 1;
    bool shape_ok = true;
    int more = zmq_msg_more (&it->id);
    while (more) {
        if (zmq_msg_recv (&frame, router, 0) < 0)
            break;
        more = zmq_msg_more (&frame);
        n++;
        if (n == 2 && zmq_msg_size (&frame) != 0)
            shape_ok = false;
        if (n == 3 && !more) {
            auth_capture (&it->auth, &frame);
            zmq_msg_init (&it->body);
            zmq_msg_move (&it->body, &frame);
            it->has_body = true;
        }
    }
    zmq_msg_close (&frame);
    if (!shape_ok || n != 3 || !it->has_body) {
        it->rc = PMO_EPROTO;
        pmo_reason_set (&it->reason, PMO_EPROTO, "",
                        "malformed message: expected frames [empty][Request], got %d frame(s)",
                        n - 1);
    } else {
        s_check_size (it);
    }
    return true;
}

size_t
batch_collect (broker_t *broker)
{
    batch_t *self = broker->batch;
    while (self->n < self->max) {
        item_t *it = &self->items[self->n];
        if (!s_read_one (broker->router, it))
            break;
        self->n++;
    }
    return self->n;
}

/*  Request.corr (field 1) read from the packed bytes, for a request that
 *  is refused without being decoded: the client matches replies by it,
 *  and without it waits out its timeout instead of hearing why.  Walking
 *  the top-level fields skips their payloads, so even a 100 MB request
 *  costs a few steps. */
static void
s_scan_corr (item_t *it, const void *data, size_t len)
{
    const uint8_t *p = data, *end = p + len;
    pmo_wire_field_t f = {0};
    while (p < end && pmo_wire_next_field (&p, end, &f)) {
        if (f.id == 1 && f.wire_type == PMO_WIRE_VARINT) {
            it->has_corr = true;
            it->corr = f.value;
        }
    }
}

/*  Decodes the body and finds its handler; failures become the item's rc. */
static void
s_decode (item_t *it, const void *data, size_t len)
{
    if (it->rc) {
        s_scan_corr (it, data, len);
        return;
    }
    it->req = pmo_wire_request_unpack (data, len);
    if (!it->req) {
        s_scan_corr (it, data, len);  /* a field before the fault may say it */
        it->rc = PMO_EPROTO;
        pmo_reason_set (&it->reason, it->rc, "", "malformed request: %zu bytes that do not decode as pmo.Request", len);
        return;
    }
    it->entry = dispatch_find (it->req);
    if (!it->entry) {
        it->rc = PMO_EPROTO;
        pmo_reason_set (&it->reason, it->rc, "", "unknown request type %d", (int) it->req->body_case);
        return;
    }
    it->rc = pmo_bounds_check (it->req, &it->reason);
}

static void
s_req_init (req_t *r, broker_t *broker, pmo_txn_t *txn, item_t *it, int64_t now_ms)
{
    memset (r, 0, sizeof *r);
    r->broker = broker;
    r->txn = txn;
    r->req = it->req;
    /*  Who asked: the authenticated principal; without authentication
     *  (--insecure) the stated actor, else the agent behind an update. */
    const Pmo__UpdateId *u = it->req->update;
    if (it->auth.is_secure)
        r->actor = it->auth.who.name;
    else if (it->req->actor && *it->req->actor)
        r->actor = it->req->actor;
    else if (u && u->agent && *u->agent)
        r->actor = u->agent;
    else
        r->actor = "anonymous";
    r->now_ms = now_ms;
}

/*  The agent update's id, checked: an agent update needs {agent, seq > 0}.
 *  A resend of an applied (agent, seq) is acknowledged again with the
 *  original seq and applied no second time (dedup.h). */
static int
s_update_id (req_t *r, const Pmo__UpdateId **id)
{
    const Pmo__UpdateId *u = r->req->update;
    if (!u || !u->agent || !*u->agent || !u->has_seq || u->seq == 0)
        return req_fail (r, PMO_EINVAL, "update", "update id: an agent update needs {agent, seq > 0}");
    int rc = pmo_check_text ("update.agent", u->agent, PMO_MAX_AGENT_ID_LEN, true, &r->reason);
    if (rc)
        return rc;
    *id = u;
    return PMO_OK;
}

/*  Applies one write in the batch's txn.  A request refused before it
 *  wrote anything simply stands refused: nothing changed.  Returns true
 *  when it failed after writing; then the caller aborts the txn and runs
 *  the batch again without it (rare: a total that would overflow, a store
 *  error), so a refused request never leaves a trace.  This replaces a
 *  child txn per request, which costs LMDB a 2 MB dirty list each. */
static bool
s_apply_write (broker_t *broker, pmo_txn_t *txn, item_t *it, int64_t now_ms)
{
    batch_t *self = broker->batch;
    uint64_t seq_mark = broker->next_seq;
    size_t event_mark = self->n_events, touched_mark = self->n_touched;
    size_t writes_mark = pmo_txn_writes (txn);
    policy_t policy_mark = broker->policy;
    req_t r;
    s_req_init (&r, broker, txn, it, now_ms);
    int rc = auth_scope (&r, &it->auth);
    const Pmo__UpdateId *id = NULL;
    if (!rc && it->entry->needs_update_id) {
        rc = s_update_id (&r, &id);
        if (rc)
            goto out;
        uint64_t first_seq;
        rc = dedup_find (txn, id->agent, id->seq, &first_seq);
        if (rc == PMO_OK) {
            r.duplicate = true;
            r.seq = first_seq;
            goto out;  /* acknowledged again, applied no second time */
        }
        if (rc != PMO_ENOTFOUND) {
            req_fail (&r, rc, "", "dedup record: %s", pmo_strerror (rc));
            goto out;
        }
        rc = PMO_OK;
    }
    if (!rc)
        rc = it->entry->handler (&r);
    if (rc == PMO_OK && id) {
        rc = dedup_add (txn, id->agent, id->seq, r.seq);
        if (rc)
            req_fail (&r, rc, "", "dedup record: %s", pmo_strerror (rc));
    }
out:
    if (rc) {
        broker->next_seq = seq_mark;
        broker->policy = policy_mark;
        s_events_truncate (self, event_mark);
        s_touched_truncate (self, touched_mark);
        r.seq = 0;
    }
    it->rc = rc;
    it->reason = r.reason;
    it->seq = r.seq;
    it->duplicate = r.duplicate;
    req_release (&r);
    return rc != PMO_OK && pmo_txn_writes (txn) != writes_mark;
}

/*  Writes the auth.denied event of a refused item into the batch's txn:
 *  a refusal is committed with the batch like any change (and, like one,
 *  not at all when the batch fails).  Nothing else of the request is
 *  written.  Returns PMO_OK or the store's rc (which fails the batch). */
static int
s_audit_denial (broker_t *broker, pmo_txn_t *txn, item_t *it, int64_t now_ms)
{
    req_t r;
    s_req_init (&r, broker, txn, it, now_ms);
    int rc = auth_audit_denial (&r, &it->auth, it->entry ? it->entry->name : "?", it->reason.text);
    req_release (&r);
    return rc;
}

/*  Errors after which LMDB's txn can only be aborted: the whole batch
 *  fails with them.  Others are the request's own. */
static bool
s_store_error (int rc)
{
    return rc == PMO_EFULL || rc == PMO_ECORRUPT || rc == PMO_EINTERNAL || rc > 0;
}

static void
s_pack_reply (item_t *it, Pmo__Reply *reply)
{
    if (it->req && it->req->has_corr) {
        reply->has_corr = true;
        reply->corr = it->req->corr;
    } else if (!it->req && it->has_corr) {
        reply->has_corr = true;
        reply->corr = it->corr;
    }
    dispatch_reply_status (reply, it->rc, &it->reason);
    if (it->rc == PMO_OK) {
        reply->has_seq = it->seq != 0;
        reply->seq = it->seq;
        reply->has_duplicate = it->duplicate;
        reply->duplicate = it->duplicate;
    }
    /*  pmo_wire_pack's steps, with a big reply packed into the kept buffer. */
    size_t n = protobuf_c_message_get_packed_size (&reply->base);
    s_take_spare (&it->reply, n);
    pmo_buf_reserve (&it->reply, n);
    it->reply.len = protobuf_c_message_pack (&reply->base, it->reply.data);
}

static void
s_answer_read (broker_t *broker, pmo_txn_t *txn, item_t *it, int64_t now_ms)
{
    req_t r;
    s_req_init (&r, broker, txn, it, now_ms);
    Pmo__Reply reply = PMO__REPLY__INIT;
    r.reply = &reply;
    if (it->has_id) {
        r.peer = zmq_msg_data (&it->id);
        r.peer_len = zmq_msg_size (&it->id);
    }
    it->rc = txn ? it->entry->handler (&r) : PMO_EINTERNAL;
    it->reason = r.reason;
    it->deferred = it->rc == PMO_OK && r.deferred;
    if (it->rc)
        reply.body_case = PMO__REPLY__BODY__NOT_SET;
    s_pack_reply (it, &reply);
    req_release (&r);
}

static int
s_strcmp (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

/*  Alert rules for each project the batch changed, once per project, in
 *  the batch's txn: an alert and its fired-once marker commit with the
 *  change that raised it.  They fail only on store errors, which fail the
 *  batch anyway. */
static int
s_alerts_touched (broker_t *broker, pmo_txn_t *txn, int64_t now_ms)
{
    batch_t *self = broker->batch;
    if (self->n_touched == 0)
        return PMO_OK;  /* also: qsort must not get a NULL base */
    qsort (self->touched, self->n_touched, sizeof *self->touched, s_strcmp);
    int rc = PMO_OK;
    for (size_t i = 0; i < self->n_touched && !rc; i++) {
        if (i && streq (self->touched[i], self->touched[i - 1]))
            continue;
        req_t r;
        memset (&r, 0, sizeof r);
        r.broker = broker;
        r.txn = txn;
        r.actor = "pmod";
        r.now_ms = now_ms;
        r.internal = true;
        rc = alerts_project (&r, self->touched[i]);
        if (rc)
            pmo_log_warn ("alerts for %s: %s", self->touched[i], r.reason.text);
        req_release (&r);
    }
    s_touched_truncate (self, 0);
    return rc;
}

/*  The heart of group commit: decode, apply writes, commit, answer reads. */
static void
s_process_items (broker_t *broker)
{
    batch_t *self = broker->batch;
    int64_t now_ms = pmo_clock_now_ms ();
    bool has_writes = false;
    pmo_txn_t *atxn = NULL;  /* principals, read once per batch */
    for (size_t i = 0; i < self->n; i++) {
        item_t *it = &self->items[i];
        /*  The rate limit first: decoding is what a flood would cost. */
        if (it->has_body && it->rc == PMO_OK)
            it->rc = auth_throttle (broker, &it->auth, &it->reason);
        if (it->has_body)
            s_decode (it, zmq_msg_data (&it->body), zmq_msg_size (&it->body));
        if (it->rc == PMO_OK)
            it->rc = auth_admit (broker, &atxn, &it->auth, it->entry, it->req, &it->reason);
        if ((it->rc == PMO_OK && it->entry->is_write) || it->auth.audit_denial)
            has_writes = true;
    }
    pmo_txn_abort (&atxn);

    if (has_writes) {
        policy_t policy_mark = broker->policy;
        const item_t *culprit = NULL;  /* the write whose store error failed the batch */
        int rc;
        for (;;) {
            pmo_txn_t *txn = NULL;
            bool again = false;
            rc = pmo_txn_begin (broker->store, NULL, true, &txn);
            for (size_t i = 0; rc == PMO_OK && !again && i < self->n; i++) {
                item_t *it = &self->items[i];
                if (it->rc == PMO_EDENIED && it->auth.audit_denial) {
                    rc = s_audit_denial (broker, txn, it, now_ms);
                    continue;
                }
                if (it->rc != PMO_OK || !it->entry->is_write)
                    continue;
                again = s_apply_write (broker, txn, it, now_ms);
                if (again && s_store_error (it->rc)) {
                    rc = it->rc;  /* the txn is spent: the batch fails */
                    culprit = it;
                }
                else if (!again && it->rc == PMO_EDENIED && it->auth.audit_denial)
                    rc = s_audit_denial (broker, txn, it, now_ms);
            }
            if (rc == PMO_OK && !again)
                rc = s_alerts_touched (broker, txn, now_ms);
            if (rc == PMO_OK && !again) {
                int64_t t0 = pmo_clock_mono_ns ();
                rc = pmo_txn_commit (&txn);
                broker->commit_us_total += (pmo_clock_mono_ns () - t0) / 1000;
            }
            pmo_txn_abort (&txn);
            if (!again || rc)
                break;
            /*  A request failed after writing: start over without it (it
             *  keeps its refusal; the others are applied afresh). */
            broker->next_seq = broker->last_seq + 1;
            broker->policy = policy_mark;
            s_events_truncate (self, 0);
            s_touched_truncate (self, 0);
        }
        if (rc == PMO_OK) {
            broker->last_seq = broker->next_seq - 1;
            broker->n_commits++;
            if (pmo_store_pending (broker->store) > PMOD_FOLD_BYTES)
                broker_fold (broker);
        } else {
            /*  Nothing of this batch is stored: every write hears so, and
             *  no event goes out.  The failure is no verdict on the writes
             *  that were applied: they hear "full" or "busy", which agents
             *  keep and send again, and keep their seqs for nobody.  Writes
             *  refused on their own keep their reasons. */
            pmo_log_error ("batch not stored: %s; %zu request(s) refused", pmo_strerror (rc), self->n);
            broker->next_seq = broker->last_seq + 1;
            broker->policy = policy_mark;
            s_events_truncate (self, 0);
            s_touched_truncate (self, 0);
            int retry = rc == PMO_EFULL ? PMO_EFULL : PMO_EBUSY;
            for (size_t i = 0; i < self->n; i++) {
                item_t *it = &self->items[i];
                if (!it->req || !it->entry || !it->entry->is_write || (it->rc != PMO_OK && it != culprit))
                    continue;
                /*  A request that broke the store itself keeps that error
                 *  (resent, it could fail every batch it joins), unless
                 *  the system said why (an errno: the disk, not the request). */
                it->rc = it == culprit && rc <= 0 ? rc : retry;
                it->seq = 0;
                it->duplicate = false;
                pmo_reason_set (&it->reason, it->rc, "", "not stored: %s", pmo_strerror (rc));
            }
        }
    }

    pmo_txn_t *rtxn = NULL;
    for (size_t i = 0; i < self->n; i++) {
        item_t *it = &self->items[i];
        if (it->rc == PMO_OK && !it->entry->is_write) {
            if (!rtxn && pmo_txn_begin (broker->store, NULL, false, &rtxn) != PMO_OK)
                rtxn = NULL;
            s_answer_read (broker, rtxn, it, now_ms);
            /*  A read that walks a write-back table by cursor needs it whole
             *  (pmo_store.h): fold, and answer it again.  Reads by key see
             *  the pending values and never wait for a fold. */
            if (pmo_txn_wants_fold (rtxn)) {
                pmo_txn_abort (&rtxn);
                int frc = broker_fold (broker);
                if (frc == PMO_OK) {
                    if (pmo_txn_begin (broker->store, NULL, false, &rtxn) != PMO_OK)
                        rtxn = NULL;
                    s_answer_read (broker, rtxn, it, now_ms);
                } else {
                    /*  Said as it is (a full map, mostly), not "internal":
                     *  reads by key still work meanwhile. */
                    it->rc = frc;
                    pmo_reason_set (&it->reason, frc, "",
                                    "this read walks aggregates still waiting to be folded, and the fold "
                                    "failed: %s%s", pmo_strerror (frc),
                                    frc == PMO_EFULL ? " (restart pmod with a larger --map-size)" : "");
                    Pmo__Reply reply = PMO__REPLY__INIT;
                    s_pack_reply (it, &reply);
                }
            }
        } else {
            Pmo__Reply reply = PMO__REPLY__INIT;
            s_pack_reply (it, &reply);
        }
        if (it->rc && it->rc != PMO_EDUP)
            pmo_log_debug ("request %s refused: %s", it->entry ? it->entry->name : "?", it->reason.text);
    }
    pmo_txn_abort (&rtxn);
    broker->n_requests += self->n;
}

/*  After a commit only: every queued event goes out in seq order, and the
 *  last one's hash becomes the committed head of the chain. */
static void
s_publish (broker_t *broker)
{
    batch_t *self = broker->batch;
    if (self->n_events)
        memcpy (broker->chain_head, self->events[self->n_events - 1].hash, sizeof broker->chain_head);
    for (size_t i = 0; broker->pub && i < self->n_events; i++) {
        event_t *e = &self->events[i];
        zmq_send (broker->pub, e->topic, strlen (e->topic), ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send (broker->pub, e->data, e->len, ZMQ_DONTWAIT);
    }
    s_events_truncate (self, 0);
}

void
batch_process (broker_t *broker)
{
    batch_t *self = broker->batch;
    if (self->n == 0)
        return;
    s_process_items (broker);
    for (size_t i = 0; i < self->n; i++) {
        item_t *it = &self->items[i];
        if (it->deferred)
            continue;
        /*  ROUTER drops replies to peers that have gone: nothing to do. */
        if (zmq_msg_send (&it->id, broker->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
            continue;
        it->has_id = false;  /* zmq owns the frame now */
        zmq_send (broker->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        if (!s_send_big (broker->router, &it->reply))
            zmq_send (broker->router, it->reply.data, it->reply.len, ZMQ_DONTWAIT);
    }
    s_publish (broker);
    s_items_clear (self);
}

void
batch_handle_bytes (broker_t *broker, const void *data, size_t len, pmo_buf_t *reply)
{
    batch_t *self = broker->batch;
    item_t *it = &self->items[0];
    self->n = 1;
    zmq_msg_init_size (&it->body, len);
    if (len)
        memcpy (zmq_msg_data (&it->body), data, len);
    it->has_body = true;
    s_check_size (it);
    s_process_items (broker);
    pmo_buf_reserve (reply, it->reply.len + 1);
    if (it->reply.len)
        memcpy (reply->data, it->reply.data, it->reply.len);
    reply->len = it->reply.len;
    s_publish (broker);  /* no socket: this advances the chain head only */
    s_items_clear (self);
}

int
batch_run_internal (broker_t *broker, int (*fn) (req_t *r, void *arg), void *arg)
{
    batch_t *self = broker->batch;
    req_t r;
    memset (&r, 0, sizeof r);
    r.broker = broker;
    r.actor = "pmod";
    r.now_ms = pmo_clock_now_ms ();
    r.internal = true;
    int rc = pmo_txn_begin (broker->store, NULL, true, &r.txn);
    if (!rc)
        rc = fn (&r, arg);
    if (!rc)
        rc = pmo_txn_commit (&r.txn);
    pmo_txn_abort (&r.txn);
    req_release (&r);
    if (rc) {
        broker->next_seq = broker->last_seq + 1;
        s_events_truncate (self, 0);
        return rc;
    }
    broker->last_seq = broker->next_seq - 1;
    s_publish (broker);
    return PMO_OK;
}
