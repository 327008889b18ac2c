/*  load: agent threads and subscriber threads.
 *
 *  An agent thread owns one DEALER (pmo_client) and keeps at most `window`
 *  updates unacknowledged: it sends while the window has room (or, paced,
 *  when the next update is due), then takes whatever replies are waiting.
 *  Against pmod a reply is matched to its update by corr; an update that
 *  hears nothing for resend_ms is sent again with the same update id (pmod
 *  acknowledges a resend without applying it twice), and a STATUS_BUSY one
 *  shortly after.  Against the raw loop (raw.c) replies are bare 8-byte
 *  sequence numbers and come back in order, so they are matched FIFO.
 *
 *  A subscriber thread counts every event and, for pmod's events, parses
 *  the send time ("t=<mono ns>") back out of the body's note: delivery
 *  latency is receipt minus that.  CLOCK_MONOTONIC is one clock for every
 *  thread and process on the machine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"

#define S_NO_ANSWER_MS 60000       /* give up after this long without a reply */
#define S_BUSY_BACKOFF_NS 10000000 /* resend a STATUS_BUSY update after 10 ms  */
#define S_SCAN_NS 5000000          /* look for updates to resend every 5 ms   */

typedef struct {
    bool used;                     /* in flight (sent or waiting to be)      */
    bool pending;                  /* must be (re)sent                       */
    uint64_t seq;
    uint64_t corr;
    int64_t t_first;               /* first send: latency counts from here   */
    int64_t t_sent;                /* latest send                            */
    int64_t t_due;                 /* pending: not before                    */
    upd_t u;
} slot_t;

typedef struct {
    agent_t *a;
    pmo_client_t *client;
    slot_t *slots;
    uint32_t *free_list;
    size_t n_free;
    uint32_t *by_corr;             /* corr & mask -> slot + 1                 */
    uint64_t mask;
    uint32_t *fifo;                /* raw: slots in send order               */
    size_t fifo_head, fifo_len;
    uint64_t generated, done, inflight;
    int64_t last_reply_ns;
    int64_t next_scan_ns;          /* next look for resends                   */
} run_state_t;

void
agent_init (agent_t *a, const world_t *w, int index, const char *id_prefix)
{
    memset (a, 0, sizeof *a);
    a->world = w;
    a->index = index;
    snprintf (a->id, sizeof a->id, "%s%d", id_prefix, index);
    a->sums = pmo_calloc ((size_t) w->n_projects, sizeof *a->sums);
    a->resend_ms = 10000;
}

void
agent_free (agent_t *a)
{
    pmo_freen (a->sums);
    samples_free (&a->ack);
}

static void PMO_PRINTF (3, 4)
s_fail (agent_t *a, int rc, const char *fmt, ...)
{
    if (a->failed)
        return;
    a->failed = rc ? rc : PMO_EINTERNAL;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (a->why, sizeof a->why, fmt, ap);
    va_end (ap);
}

static int
s_send (run_state_t *st, uint32_t idx, int64_t now)
{
    agent_t *a = st->a;
    slot_t *s = &st->slots[idx];
    reqbuf_t rb;
    world_request (a->world, &s->u, a->id, s->seq, s->t_first ? s->t_first : now, &rb);
    int rc = pmo_client_send (st->client, &rb.req);
    if (rc == PMO_EBUSY) {        /* zmq's send queue is full: later      */
        s->pending = true;
        s->t_due = now;
        return rc;
    }
    if (rc)
        return rc;
    if (!s->t_first) {
        s->t_first = now;
        if (!a->first_send_ns)
            a->first_send_ns = now;
    }
    s->t_sent = now;
    s->pending = false;
    s->corr = rb.req.corr;
    st->by_corr[s->corr & st->mask] = idx + 1;
    if (a->target == TARGET_RAW) {
        st->fifo[(st->fifo_head + st->fifo_len) % (size_t) a->window] = idx;
        st->fifo_len++;
    }
    return PMO_OK;
}

static void
s_release (run_state_t *st, uint32_t idx)
{
    st->slots[idx].used = false;
    st->free_list[st->n_free++] = idx;
    st->inflight--;
    st->done++;
}

static void
s_acked (run_state_t *st, uint32_t idx, int64_t now, bool duplicate)
{
    agent_t *a = st->a;
    slot_t *s = &st->slots[idx];
    if (a->record)
        samples_add (&a->ack, now - s->t_first);
    sums_add (a->sums, a->world, &s->u);
    a->acked++;
    a->duplicates += duplicate;
    a->last_ack_ns = now;
    s_release (st, idx);
}

/*  Takes every reply waiting on the socket. */
static int
s_drain_pmod (run_state_t *st)
{
    agent_t *a = st->a;
    for (;;) {
        Pmo__Reply *reply = NULL;
        int rc = pmo_client_recv (st->client, 0, &reply);
        if (rc == PMO_ETIMEOUT)
            return PMO_OK;
        if (rc == EINTR)
            continue;
        if (rc)
            return rc;
        int64_t now = pmo_clock_mono_ns ();
        st->last_reply_ns = now;
        uint32_t idx = reply->has_corr ? st->by_corr[reply->corr & st->mask] : 0;
        slot_t *s = idx ? &st->slots[idx - 1] : NULL;
        if (!s || !s->used || s->pending || s->corr != reply->corr) {
            pmo_wire_free (reply);  /* a late answer to an earlier send */
            continue;
        }
        if (reply->status == PMO__STATUS__STATUS_OK)
            s_acked (st, idx - 1, now, reply->has_duplicate && reply->duplicate);
        else if (reply->status == PMO__STATUS__STATUS_BUSY) {
            s->pending = true;
            s->t_due = now + S_BUSY_BACKOFF_NS;
        } else {
            a->rejected++;
            s_fail (a, PMO_EINVAL, "pmod refused update %s/%llu: %s", a->id, (unsigned long long) s->seq,
                    reply->reason ? reply->reason : "?");
            s_release (st, idx - 1);
        }
        pmo_wire_free (reply);
    }
}

/*  Raw replies: [empty][8-byte seq], in send order. */
static int
s_drain_raw (run_state_t *st)
{
    void *sock = pmo_client_socket (st->client);
    for (;;) {
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        int n = zmq_msg_recv (&frame, sock, ZMQ_DONTWAIT);
        if (n < 0) {
            zmq_msg_close (&frame);
            return errno == EAGAIN ? PMO_OK : errno;
        }
        while (zmq_msg_more (&frame))
            zmq_msg_recv (&frame, sock, 0);
        zmq_msg_close (&frame);
        int64_t now = pmo_clock_mono_ns ();
        st->last_reply_ns = now;
        if (!st->fifo_len)
            continue;
        uint32_t idx = st->fifo[st->fifo_head];
        st->fifo_head = (st->fifo_head + 1) % (size_t) st->a->window;
        st->fifo_len--;
        s_acked (st, idx, now, false);
    }
}

/*  Sends new updates while the window has room (and, paced, they are due);
 *  resends pending and timed-out ones.  Returns the ns until the next
 *  update is due (paced), or -1. */
static int64_t
s_fill (run_state_t *st, int64_t now)
{
    agent_t *a = st->a;
    /*  Resends first: they are the oldest.  The window is scanned every
     *  few ms, not on every reply. */
    if (now >= st->next_scan_ns) {
        st->next_scan_ns = now + S_SCAN_NS;
        for (int i = 0; i < a->window; i++) {
            slot_t *s = &st->slots[i];
            if (!s->used)
                continue;
            /*  The raw loop never loses a reply: only pmod gets resends. */
            bool timed_out = a->target == TARGET_PMOD && !s->pending
                             && now - s->t_sent > (int64_t) a->resend_ms * 1000000;
            if ((s->pending && now >= s->t_due) || timed_out) {
                if (s_send (st, (uint32_t) i, now) == PMO_EBUSY)
                    return -1;
                a->resent += s->t_first != now;
            }
        }
    }
    while (st->n_free && st->generated < a->count) {
        if (a->interval_ns) {
            int64_t due = a->start_ns + (int64_t) st->generated * a->interval_ns;
            if (now < due)
                return due - now;
            if (now - due > a->max_lag_ns)
                a->max_lag_ns = now - due;
        }
        uint32_t idx = st->free_list[--st->n_free];
        slot_t *s = &st->slots[idx];
        memset (s, 0, sizeof *s);
        s->used = true;
        s->seq = ++a->next_seq;
        gen_next (&a->gen, a->world, &s->u);
        st->generated++;
        if (!st->inflight)
            st->last_reply_ns = now;  /* silence counts from here */
        st->inflight++;
        int rc = s_send (st, idx, now);
        if (rc == PMO_EBUSY)
            return -1;
        if (rc) {
            s_fail (a, rc, "send failed: %s", pmo_strerror (rc));
            return -1;
        }
    }
    return -1;
}

static void *
s_agent_main (void *arg)
{
    agent_t *a = arg;
    run_state_t st;
    memset (&st, 0, sizeof st);
    st.a = a;
    int rc = pmo_client_open (a->endpoint, &st.client);
    if (rc) {
        s_fail (a, rc, "cannot connect: %s", pmo_strerror (rc));
        return NULL;
    }
    int hwm = 0;  /* the window bounds what is queued */
    zmq_setsockopt (pmo_client_socket (st.client), ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt (pmo_client_socket (st.client), ZMQ_RCVHWM, &hwm, sizeof hwm);
    size_t w = (size_t) a->window;
    st.slots = pmo_calloc (w, sizeof *st.slots);
    st.free_list = pmo_calloc (w, sizeof *st.free_list);
    st.fifo = pmo_calloc (w, sizeof *st.fifo);
    for (size_t i = 0; i < w; i++)
        st.free_list[st.n_free++] = (uint32_t) (w - 1 - i);
    uint64_t cap = 1;
    while (cap < 16 * w)
        cap <<= 1;
    st.mask = cap - 1;
    st.by_corr = pmo_calloc (cap, sizeof *st.by_corr);
    st.last_reply_ns = pmo_clock_mono_ns ();
    void *sock = pmo_client_socket (st.client);

    while (!a->failed && st.done < a->count) {
        int64_t now = pmo_clock_mono_ns ();
        int64_t wait_ns = s_fill (&st, now);
        if (a->failed)
            break;
        /*  Sleep until a reply, the next due update, or a resend check. */
        long timeout_ms = 100;
        if (wait_ns >= 0)
            timeout_ms = (long) ((wait_ns + 999999) / 1000000);
        if (timeout_ms > 100)
            timeout_ms = 100;
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, timeout_ms);
        if (n < 0 && errno != EINTR) {
            s_fail (a, errno, "poll: %s", zmq_strerror (errno));
            break;
        }
        if (n > 0) {
            rc = a->target == TARGET_RAW ? s_drain_raw (&st) : s_drain_pmod (&st);
            if (rc) {
                s_fail (a, rc, "receive failed: %s", pmo_strerror (rc));
                break;
            }
        } else if (st.inflight) {
            int64_t silent = pmo_clock_mono_ns () - st.last_reply_ns;
            if (silent > (int64_t) S_NO_ANSWER_MS * 1000000) {
                s_fail (a, PMO_ETIMEOUT, "no reply from %s within %d ms", a->endpoint, S_NO_ANSWER_MS);
                break;
            }
            if (a->target == TARGET_PMOD && silent > 1000000000 && !env_pmod_alive ()) {
                s_fail (a, ECHILD, "pmod exited (status %d; see its log)", env_pmod_exit_status ());
                break;
            }
        }
    }
    pmo_client_close (&st.client);
    free (st.slots);
    free (st.free_list);
    free (st.fifo);
    free (st.by_corr);
    return NULL;
}

int
agent_start (agent_t *a)
{
    a->acked = a->rejected = a->resent = a->duplicates = 0;
    a->first_send_ns = a->last_ack_ns = a->max_lag_ns = 0;
    a->failed = 0;
    a->why[0] = '\0';
    a->seq_lo = a->next_seq + 1;
    samples_free (&a->ack);
    return pthread_create (&a->thread, NULL, s_agent_main, a);
}

void
agent_join (agent_t *a)
{
    pthread_join (a->thread, NULL);
}

void
load_run (agent_t *agents, int n, run_t *out)
{
    memset (out, 0, sizeof *out);
    int started = 0;
    for (int i = 0; i < n; i++) {
        int rc = agent_start (&agents[i]);
        if (rc) {
            out->failed = rc;
            snprintf (out->why, sizeof out->why, "cannot start agent thread: %s", strerror (rc));
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++) {
        agent_t *a = &agents[i];
        agent_join (a);
        out->acked += a->acked;
        out->rejected += a->rejected;
        out->resent += a->resent;
        out->duplicates += a->duplicates;
        if (a->first_send_ns && (!out->first_ns || a->first_send_ns < out->first_ns))
            out->first_ns = a->first_send_ns;
        if (a->last_ack_ns > out->last_ns)
            out->last_ns = a->last_ack_ns;
        if (a->max_lag_ns > out->max_lag_ns)
            out->max_lag_ns = a->max_lag_ns;
        samples_merge (&out->ack, &a->ack);
        samples_free (&a->ack);
        if (a->failed && !out->failed) {
            out->failed = a->failed;
            snprintf (out->why, sizeof out->why, "agent %s: %s", a->id, a->why);
        }
    }
    if (out->last_ns > out->first_ns) {
        out->wall_s = (double) (out->last_ns - out->first_ns) / 1e9;
        out->rate = (double) out->acked / out->wall_s;
    }
}

/* ---- subscribers ---------------------------------------------------------- */

static const char *
s_event_note (const Pmo__Event *ev)
{
    switch (ev->body_case) {
    case PMO__EVENT__BODY_TIME: return ev->time->note;
    case PMO__EVENT__BODY_COST: return ev->cost->note;
    case PMO__EVENT__BODY_PROGRESS: return ev->progress->note;
    default: return NULL;
    }
}

static void *
s_sub_main (void *arg)
{
    sub_t *s = arg;
    void *sock = zmq_socket (pmo_zmq_ctx (), ZMQ_SUB);
    if (!sock) {
        s->failed = errno;
        return NULL;
    }
    int zero = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (sock, ZMQ_RCVHWM, &zero, sizeof zero);  /* never drop on our side */
    zmq_setsockopt (sock, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect (sock, s->endpoint) != 0) {
        s->failed = errno;
        zmq_close (sock);
        return NULL;
    }
    zmq_msg_t topic, body;
    zmq_msg_init (&topic);
    zmq_msg_init (&body);
    while (!atomic_load (&s->stop)) {
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&item, 1, 50) <= 0)
            continue;
        for (;;) {
            if (zmq_msg_recv (&topic, sock, ZMQ_DONTWAIT) < 0)
                break;
            if (!zmq_msg_more (&topic) || zmq_msg_recv (&body, sock, 0) < 0)
                continue;
            while (zmq_msg_more (&body))
                zmq_msg_recv (&body, sock, 0);
            int64_t now = pmo_clock_mono_ns ();
            atomic_fetch_add (&s->received, 1);
            if (!s->decode) {
                /*  Raw: every message but the readiness probes. */
                bool probe = zmq_msg_size (&body) == strlen (BENCH_PROBE)
                             && memcmp (zmq_msg_data (&body), BENCH_PROBE, strlen (BENCH_PROBE)) == 0;
                if (!probe)
                    atomic_fetch_add (&s->counted, 1);
                continue;
            }
            Pmo__Event *ev = pmo_wire_event_unpack (zmq_msg_data (&body), zmq_msg_size (&body));
            if (!ev)
                continue;
            if (ev->seq > atomic_load (&s->base_seq)) {
                atomic_fetch_add (&s->counted, 1);
                const char *note = s_event_note (ev);
                if (s->record && note && strncmp (note, "t=", 2) == 0)
                    samples_add (&s->lat, now - strtoll (note + 2, NULL, 10));
            }
            pmo_wire_free (ev);
        }
    }
    zmq_msg_close (&topic);
    zmq_msg_close (&body);
    zmq_close (sock);
    return NULL;
}

int
sub_start (sub_t *s, const char *endpoint, bool decode)
{
    memset (s, 0, sizeof *s);
    s->endpoint = endpoint;
    s->decode = decode;
    s->record = true;
    atomic_store (&s->base_seq, UINT64_MAX);  /* nothing counts until the base is set */
    return pthread_create (&s->thread, NULL, s_sub_main, s);
}

void
sub_stop (sub_t *s)
{
    atomic_store (&s->stop, 1);
    pthread_join (s->thread, NULL);
}
