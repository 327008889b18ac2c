/*  agent: the loop that drains the outbox into pmod.
 *
 *  The loop is flat, one duty per step, each with its own deadline:
 *    1. scan the spool (every poll ms; daemon, and once at the start of --once),
 *       and poll the sources that are due (each on its own period);
 *    2. fill the send window from the outbox, in seq order;
 *    3. resend: when the oldest update in flight has waited `resend` ms,
 *       drop the connection (a fresh one carries no stale replies) and send
 *       the window again from that seq; the wait doubles up to 30 s while
 *       pmod stays silent and returns to `resend` at its first answer;
 *       "busy" or "full" answers hold the sends for the wait and double it
 *       once per hold, however many updates of the window they answer;
 *    4. heartbeat (every heartbeat s, not stored, its answer optional);
 *    5. stop checks for the mode;
 *    6. wait on the socket until the nearest deadline;
 *    7. take every answer that arrived and remove all of them from the
 *       outbox in one transaction.
 *  pmod applies each (agent, seq) once and answers a resend with
 *  duplicate = true, so resending is always safe.  Updates are answered in
 *  the order they were sent on one connection.
 *  Must never: delete an update before pmod answered it, or block on a
 *  send (window full or socket full simply waits for the next turn).
 */
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <zmq.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

/*  The resend wait never grows beyond this. */
#define S_RESEND_MAX_MS 30000
/*  Longest sleep, so a signal that lands just before the poll is seen soon. */
#define S_MAX_SLEEP_MS 500
/*  Spool scan period while the outbox is full. */
#define S_FULL_SCAN_MS 30000

typedef struct {
    uint64_t seq;
    uint64_t corr;
    int64_t sent_ms;          /* monotonic */
    bool is_from_file;        /* a spool record: its rejection is logged by the spool */
    bool is_dup_suspect;      /* "duplicate" can only mean its id was used before */
    uint64_t ref_hash;        /* of the entry's ref, 0 without one */
} s_flight_t;

struct agent {
    agent_opts_t opts;
    outbox_t *outbox;         /* borrowed */
    spool_t *spool;           /* borrowed, may be NULL */
    sources_t *sources;       /* borrowed, may be NULL */
    pmo_client_t *client;

    s_flight_t *flights;      /* in flight, in send (= seq) order */
    size_t n_flights;
    uint64_t sent_upto;       /* highest seq sent on this connection */
    uint64_t sent_max;        /* highest seq sent by this process */
    int resend_cur;           /* current resend wait, ms */
    int64_t waiting_since;    /* monotonic: last answer, or first send after none */
    bool is_waiting;          /* some update is sent and unanswered (across resends) */
    bool is_silent;           /* pmod has missed a resend deadline */
    bool is_sock_full;        /* the socket refused a send this turn */

    bool has_restart;         /* pmod said busy/full: send again from restart_seq */
    uint64_t restart_seq;
    int64_t hold_until;       /* no sends before this (monotonic) */

    uint64_t hb_corr;
    bool is_hb_pending;

    /*  Answers taken this turn, removed from the outbox together. */
    outbox_ack_t *acks;
    size_t n_acks, acks_cap;

    agent_mode_t mode;
    uint64_t watch_seq;
    bool is_watch_done;
    int watch_rc;
    char reason[256];
};

int
agent_new (const agent_opts_t *opts, outbox_t *outbox, spool_t *spool, agent_t **self_p)
{
    *self_p = NULL;
    agent_t *self = pmo_calloc (1, sizeof *self);
    self->opts = *opts;
    if (self->opts.window < 1)
        self->opts.window = 1;
    if (self->opts.resend_ms < 1)
        self->opts.resend_ms = 1;
    self->outbox = outbox;
    self->spool = spool;
    self->resend_cur = self->opts.resend_ms;
    self->flights = pmo_calloc ((size_t) self->opts.window, sizeof *self->flights);
    int rc = pmo_client_open (opts->endpoint, &self->client);
    if (rc) {
        agent_destroy (&self);
        return rc;
    }
    *self_p = self;
    return PMO_OK;
}

static void
s_acks_clear (agent_t *self)
{
    for (size_t i = 0; i < self->n_acks; i++)
        free ((char *) self->acks[i].reason);
    self->n_acks = 0;
}

void
agent_destroy (agent_t **self_p)
{
    agent_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    pmo_client_close (&self->client);
    s_acks_clear (self);
    free (self->acks);
    free (self->flights);
    free (self);
    *self_p = NULL;
}

void
agent_set_sources (agent_t *self, sources_t *sources)
{
    self->sources = sources;
}

const char *
agent_reason (const agent_t *self)
{
    return self->reason;
}

//  --------------------------------------------------------------------------
//  Answers

/*  Queues an answer for the batched outbox removal.  reason NULL = accepted. */
static void
s_ack (agent_t *self, uint64_t seq, const char *reason)
{
    if (self->n_acks == self->acks_cap) {
        self->acks_cap = self->acks_cap ? self->acks_cap * 2 : 64;
        self->acks = pmo_realloc (self->acks, self->acks_cap * sizeof *self->acks);
    }
    self->acks[self->n_acks].seq = seq;
    self->acks[self->n_acks].reason = reason ? pmo_strdup (reason) : NULL;
    self->n_acks++;
}

/*  Removes every queued answer from the outbox in one transaction.  When
 *  that fails the updates stay queued; sending restarts from the oldest of
 *  them, pmod answers duplicate, and the removal is tried again. */
static void
s_flush_acks (agent_t *self)
{
    if (!self->n_acks)
        return;
    size_t removed = 0;
    bool file_done = false;
    int rc = outbox_ack (self->outbox, self->acks, self->n_acks, &removed, &file_done);
    if (rc) {
        uint64_t oldest = UINT64_MAX;
        for (size_t i = 0; i < self->n_acks; i++)
            if (self->acks[i].seq < oldest)
                oldest = self->acks[i].seq;
        pmo_log_error ("outbox: cannot remove %zu answered updates: %s (they will be resent)",
                       self->n_acks, pmo_strerror (rc));
        if (oldest <= self->sent_upto)
            self->sent_upto = oldest - 1;
    } else
        pmo_log_debug ("outbox: %zu updates answered, %zu removed", self->n_acks, removed);
    s_acks_clear (self);
    if (!rc && file_done && self->spool)
        spool_complete (self->spool, NULL);
}

static void
s_watch_settle (agent_t *self, int rc, const char *reason)
{
    self->is_watch_done = true;
    self->watch_rc = rc;
    pmo_strlcpy (self->reason, reason ? reason : "", sizeof self->reason);
}

/*  The flight with this corr, or -1. */
static ssize_t
s_flight_find (const agent_t *self, uint64_t corr)
{
    for (size_t i = 0; i < self->n_flights; i++)
        if (self->flights[i].corr == corr)
            return (ssize_t) i;
    return -1;
}

static void
s_flight_remove (agent_t *self, size_t i)
{
    memmove (&self->flights[i], &self->flights[i + 1],
             (self->n_flights - i - 1) * sizeof *self->flights);
    self->n_flights--;
}

/*  Schedules a resend from seq after the current wait: pmod is alive but
 *  asked us to slow down (busy) or cannot write (full).  A window of
 *  updates in flight is answered busy one by one: only the first answer of
 *  a hold sets it and doubles the wait, the rest join it, so one episode
 *  costs one doubling, not one per update.  Returns true for that first. */
static bool
s_hold (agent_t *self, uint64_t seq, int64_t now)
{
    self->is_waiting = true;
    if (self->has_restart) {
        if (seq < self->restart_seq)
            self->restart_seq = seq;
        return false;
    }
    self->restart_seq = seq;
    self->has_restart = true;
    self->hold_until = now + self->resend_cur;
    self->resend_cur = self->resend_cur * 2 > S_RESEND_MAX_MS ? S_RESEND_MAX_MS
                                                               : self->resend_cur * 2;
    return true;
}

static void
s_on_reply (agent_t *self, Pmo__Reply *reply, int64_t now)
{
    if (self->is_hb_pending && reply->corr == self->hb_corr) {
        self->is_hb_pending = false;
        pmo_log_debug ("heartbeat answered: %s", pmo_wire_reply_status_name (reply->status));
        return;
    }
    ssize_t i = s_flight_find (self, reply->corr);
    if (i < 0) {
        pmo_log_debug ("late answer corr=%llu ignored", (unsigned long long) reply->corr);
        return;
    }
    uint64_t seq = self->flights[i].seq;
    bool is_from_file = self->flights[i].is_from_file;
    bool is_dup_suspect = self->flights[i].is_dup_suspect;
    s_flight_remove (self, (size_t) i);
    self->waiting_since = now;
    if (self->is_silent) {
        pmo_log_info ("pmod at %s answers again", self->opts.endpoint);
        self->is_silent = false;
    }
    Pmo__Status st = reply->has_status ? reply->status : PMO__STATUS__STATUS_OK;
    const char *reason = reply->reason && *reply->reason ? reply->reason
                                                         : pmo_wire_reply_status_name (st);
    switch (st) {
    case PMO__STATUS__STATUS_OK:
        self->resend_cur = self->opts.resend_ms;
        if (reply->duplicate && is_dup_suspect)
            pmo_log_warn ("update seq=%llu was answered \"duplicate\" on its first send, so it "
                          "was NOT booked: agent id %s already used this seq (another state "
                          "directory for the same agent id?)",
                          (unsigned long long) seq, outbox_agent (self->outbox));
        else if (reply->duplicate)
            pmo_log_debug ("update seq=%llu acknowledged again (duplicate)",
                           (unsigned long long) seq);
        s_ack (self, seq, NULL);
        if (seq == self->watch_seq)
            s_watch_settle (self, PMO_OK, NULL);
        break;
    case PMO__STATUS__STATUS_BUSY:
    case PMO__STATUS__STATUS_FULL: {
        /*  Not a verdict on the update: keep it and try again later. */
        int hold_ms = self->resend_cur;
        if (s_hold (self, seq, now))
            pmo_log_warn ("pmod at %s: %s; update seq=%llu and later kept, sending again in %d ms",
                          self->opts.endpoint, reason, (unsigned long long) seq, hold_ms);
        else
            pmo_log_debug ("pmod at %s: %s; update seq=%llu kept", self->opts.endpoint, reason,
                           (unsigned long long) seq);
        if (seq == self->watch_seq && st == PMO__STATUS__STATUS_FULL)
            s_watch_settle (self, PMO_EFULL, reason);
        break;
    }
    default:
        self->resend_cur = self->opts.resend_ms;
        if (seq == self->watch_seq)
            s_watch_settle (self, PMO_EINVAL, reason);
        else if (!is_from_file)
            pmo_log_warn ("pmod rejected update seq=%llu: %s", (unsigned long long) seq, reason);
        s_ack (self, seq, reason);
        break;
    }
    self->is_waiting = self->n_flights > 0 || self->has_restart;
}

/*  Takes every answer already waiting on the socket. */
static void
s_receive (agent_t *self)
{
    for (;;) {
        Pmo__Reply *reply = NULL;
        int rc = pmo_client_recv (self->client, 0, &reply);
        if (rc == PMO_ETIMEOUT || rc == EINTR)
            break;
        if (rc) {
            pmo_log_error ("receiving from pmod at %s: %s", self->opts.endpoint,
                           pmo_strerror (rc));
            break;
        }
        s_on_reply (self, reply, pmo_clock_mono_ms ());
        pmo_wire_free (reply);
    }
    s_flush_acks (self);
}

//  --------------------------------------------------------------------------
//  Sending

/*  The request's ref when it has one (an entry under a ref, a void), else
 *  NULL: pmod may then answer "duplicate" for its content rather than its
 *  id, and its effect depends on the order of the ref's updates. */
static const char *
s_ref (const Pmo__Request *req)
{
    const char *ref = NULL;
    switch (req->body_case) {
    case PMO__REQUEST__BODY_TIME: ref = req->time ? req->time->ref : NULL; break;
    case PMO__REQUEST__BODY_COST: ref = req->cost ? req->cost->ref : NULL; break;
    case PMO__REQUEST__BODY_VOID_ENTRY: ref = req->void_entry ? req->void_entry->ref : NULL; break;
    default: break;
    }
    return ref && *ref ? ref : NULL;
}

/*  FNV-1a of ref, never 0 (0: no ref).  Two refs of one hash only make
 *  the second wait for the first's answer. */
static uint64_t
s_ref_hash (const char *ref)
{
    if (!ref)
        return 0;
    uint64_t h = pmo_fnv1a64 (PMO_FNV1A64_INIT, ref, strlen (ref));
    return h ? h : 1;
}

static bool
s_send_entry (void *arg, const outbox_entry_t *e)
{
    agent_t *self = arg;
    if (self->n_flights >= (size_t) self->opts.window)
        return false;
    Pmo__Request *req = e->req_len ? pmo_wire_request_unpack (e->req, e->req_len) : NULL;
    if (!req) {
        /*  Cannot be sent as it is; report it like a rejection so it does
         *  not block the queue forever. */
        pmo_log_error ("outbox: update seq=%llu is damaged; dropped", (unsigned long long) e->seq);
        s_ack (self, e->seq, "the stored update is damaged");
        if (e->seq == self->watch_seq)
            s_watch_settle (self, PMO_EINVAL, "the stored update is damaged");
        self->sent_upto = e->seq;
        return true;
    }
    /*  An update of a ref waits while another of the same ref is in
     *  flight: pmod may answer the first "busy" and apply the second,
     *  and the first, sent again, would then undo a correction or book
     *  an entry its void never found.  Later seqs wait with it. */
    uint64_t ref_hash = s_ref_hash (s_ref (req));
    for (size_t i = 0; ref_hash && i < self->n_flights; i++) {
        if (self->flights[i].ref_hash == ref_hash) {
            pmo_wire_free (req);
            return false;
        }
    }
    int rc = pmo_client_send (self->client, req);
    uint64_t corr = req->corr;
    bool has_ref = ref_hash != 0 || req->body_case == PMO__REQUEST__BODY_VOID_ENTRY;
    pmo_wire_free (req);
    if (rc) {
        if (rc != PMO_EBUSY)
            pmo_log_error ("sending to pmod at %s: %s", self->opts.endpoint, pmo_strerror (rc));
        self->is_sock_full = true;
        return false;
    }
    int64_t now = pmo_clock_mono_ms ();
    if (!self->is_waiting) {
        self->waiting_since = now;
        self->is_waiting = true;
    }
    /*  Sent for the first time, queued by this process (no other one can
     *  have sent it) and deduplicated by its id alone: pmod cannot have
     *  seen this update, so "duplicate" means its id was used before. */
    bool is_first_send = e->seq > self->sent_max;
    bool is_dup_suspect = is_first_send && e->is_own && !has_ref;
    self->flights[self->n_flights++] = (s_flight_t) {e->seq, corr, now, e->file_id != 0, is_dup_suspect, ref_hash};
    self->sent_upto = e->seq;
    if (is_first_send)
        self->sent_max = e->seq;
    pmo_log_debug ("sent update seq=%llu kind=%s", (unsigned long long) e->seq,
                   record_kind_name (e->kind));
    return true;
}

static int
s_fill_window (agent_t *self, int64_t now)
{
    if (self->has_restart || now < self->hold_until)
        return PMO_OK;
    if (self->n_flights >= (size_t) self->opts.window)
        return PMO_OK;
    self->is_sock_full = false;
    int rc = outbox_iterate (self->outbox, self->sent_upto, s_send_entry, self);
    if (rc)
        pmo_log_error ("outbox: cannot read: %s", pmo_strerror (rc));
    s_flush_acks (self);  /* damaged entries found on the way */
    return rc;
}

/*  Drops the connection and sends everything from seq again. */
static int
s_restart (agent_t *self, uint64_t seq)
{
    int rc = pmo_client_reconnect (self->client);
    if (rc) {
        pmo_log_error ("reconnecting to pmod at %s: %s", self->opts.endpoint, pmo_strerror (rc));
        return rc;
    }
    self->n_flights = 0;
    self->is_hb_pending = false;
    self->sent_upto = seq ? seq - 1 : 0;
    self->has_restart = false;
    return PMO_OK;
}

static int
s_check_resend (agent_t *self, int64_t now)
{
    if (self->has_restart && now >= self->hold_until)
        return s_restart (self, self->restart_seq);
    if (!self->n_flights || now - self->flights[0].sent_ms < self->resend_cur)
        return PMO_OK;
    uint64_t seq = self->flights[0].seq;
    if (!self->is_silent && self->mode == AGENT_DAEMON)
        pmo_log_warn ("no answer from pmod at %s within %d ms; resending %zu updates from seq=%llu",
                      self->opts.endpoint, self->resend_cur, self->n_flights,
                      (unsigned long long) seq);
    else if (!self->is_silent)
        pmo_log_info ("no answer from pmod at %s within %d ms; resending %zu updates from seq=%llu",
                      self->opts.endpoint, self->resend_cur, self->n_flights,
                      (unsigned long long) seq);
    else
        pmo_log_info ("still no answer from pmod at %s; resending from seq=%llu (waited %d ms)",
                      self->opts.endpoint, (unsigned long long) seq, self->resend_cur);
    self->is_silent = true;
    self->resend_cur = self->resend_cur * 2 > S_RESEND_MAX_MS ? S_RESEND_MAX_MS
                                                               : self->resend_cur * 2;
    return s_restart (self, seq);
}

static void
s_heartbeat (agent_t *self)
{
    if (self->is_hb_pending)
        pmo_log_debug ("no answer to the last heartbeat");
    Pmo__Heartbeat hb = PMO__HEARTBEAT__INIT;
    hb.team = (char *) self->opts.team;
    hb.agent = (char *) outbox_agent (self->outbox);
    hb.has_pending = true;
    hb.pending = outbox_depth (self->outbox);
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_HEARTBEAT;
    req.heartbeat = &hb;
    if (pmo_client_send (self->client, &req) == PMO_OK) {
        self->hb_corr = req.corr;
        self->is_hb_pending = true;
        pmo_log_debug ("heartbeat sent: team=%s pending=%llu", hb.team,
                       (unsigned long long) hb.pending);
    }
}

//  --------------------------------------------------------------------------
//  The loop

static int64_t
s_min (int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/*  True when --once has nothing left to do. */
static bool
s_once_done (agent_t *self)
{
    if (self->n_flights || self->has_restart || self->n_acks)
        return false;
    if (outbox_depth (self->outbox) > 0) {
        /*  Queued but not in flight: some entry sits at or below sent_upto
         *  (another process queued it late, or a resend is due); look again
         *  from the start next turn. */
        if (!self->is_sock_full)
            self->sent_upto = 0;
        return false;
    }
    size_t n_files = 0;
    if (self->spool)
        spool_complete (self->spool, &n_files);
    if (n_files)
        pmo_log_warn ("spool: %zu files still in progress with an empty outbox", n_files);
    return true;
}

int
agent_run (agent_t *self, agent_mode_t mode, uint64_t watch_seq)
{
    int64_t start = pmo_clock_mono_ms ();
    int64_t next_scan = start, next_hb = start;
    bool has_hb = mode != AGENT_WATCH && self->opts.team && *self->opts.team
                  && self->opts.heartbeat_s > 0;
    bool has_scan = self->spool && mode != AGENT_WATCH;
    bool has_sources = sources_count (self->sources) > 0 && mode != AGENT_WATCH;
    bool is_scanned = false, is_scan_full = false, is_sourced = false;
    self->mode = mode;
    self->watch_seq = mode == AGENT_WATCH ? watch_seq : 0;
    self->is_watch_done = false;
    self->waiting_since = start;
    int rc = PMO_OK;

    for (;;) {
        if (self->opts.stop && *self->opts.stop) {
            pmo_log_info ("stopping; %zu updates stay in the outbox", outbox_depth (self->outbox));
            break;
        }
        int64_t now = pmo_clock_mono_ms ();

        //  1. spool (--once: at the start, and again after a full outbox drained)
        bool is_drained = !self->n_flights && !self->has_restart;
        if (has_scan && now >= next_scan
            && (mode == AGENT_DAEMON || !is_scanned || (is_scan_full && is_drained
                                                         && outbox_depth (self->outbox) == 0))) {
            size_t n_files = 0;
            int src = spool_scan (self->spool, &n_files);
            spool_complete (self->spool, NULL);
            if (src == PMO_EFULL && mode == AGENT_ONCE && is_drained
                && outbox_depth (self->outbox) == 0) {
                /*  Empty and still full: a file larger than the whole map. */
                rc = PMO_EFULL;
                break;
            }
            is_scanned = true;
            is_scan_full = src == PMO_EFULL;
            /*  A full outbox frees up only as pmod answers: look less often. */
            next_scan = now + (is_scan_full && mode == AGENT_DAEMON ? S_FULL_SCAN_MS
                                                                    : self->opts.poll_ms);
        }
        //  1b. sources: each when due (--once: every one, once, at the start)
        bool is_stopping = self->opts.stop && *self->opts.stop;  /* came during the scan? */
        if (has_sources && !is_stopping
            && (mode == AGENT_DAEMON ? now >= sources_next_due (self->sources) : !is_sourced)) {
            sources_poll (self->sources, mode == AGENT_ONCE, self->opts.stop, NULL);
            is_sourced = true;
        }
        //  2. window, 3. resend
        rc = s_check_resend (self, now);
        if (rc)
            break;
        rc = s_fill_window (self, now);
        if (rc)
            break;
        //  4. heartbeat
        if (has_hb && now >= next_hb) {
            s_heartbeat (self);
            next_hb = now + (int64_t) self->opts.heartbeat_s * 1000;
        }
        //  5. stop checks
        if (mode == AGENT_WATCH) {
            if (self->is_watch_done) {
                rc = self->watch_rc;
                break;
            }
            if (!self->n_flights && !self->has_restart && !outbox_has (self->outbox, watch_seq)) {
                pmo_log_debug ("update seq=%llu answered by another pmo-agent",
                               (unsigned long long) watch_seq);
                break;
            }
            if (now - start >= self->opts.timeout_ms) {
                rc = PMO_ETIMEOUT;
                break;
            }
        }
        if (mode == AGENT_ONCE) {
            if (!is_scan_full && s_once_done (self))
                break;
            if (self->is_waiting && now - self->waiting_since >= self->opts.timeout_ms) {
                rc = PMO_ETIMEOUT;
                break;
            }
        }
        //  6. wait for the nearest deadline
        int64_t wake = now + S_MAX_SLEEP_MS;
        if (has_scan && mode == AGENT_DAEMON)
            wake = s_min (wake, next_scan);
        if (has_hb)
            wake = s_min (wake, next_hb);
        if (has_sources && mode == AGENT_DAEMON)
            wake = s_min (wake, sources_next_due (self->sources));
        if (self->n_flights)
            wake = s_min (wake, self->flights[0].sent_ms + self->resend_cur);
        if (self->has_restart)
            wake = s_min (wake, self->hold_until);
        if (mode == AGENT_WATCH)
            wake = s_min (wake, start + self->opts.timeout_ms);
        if (mode == AGENT_ONCE && self->is_waiting)
            wake = s_min (wake, self->waiting_since + self->opts.timeout_ms);
        long wait = wake > now ? (long) (wake - now) : 0;
        if (self->is_sock_full && wait > 10)
            wait = 10;
        zmq_pollitem_t item = {pmo_client_socket (self->client), 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, wait);
        if (n < 0 && errno != EINTR) {
            rc = errno;
            pmo_log_error ("waiting for pmod: %s", zmq_strerror (rc));
            break;
        }
        //  7. answers
        if (n > 0)
            s_receive (self);
    }
    s_flush_acks (self);
    return rc;
}
