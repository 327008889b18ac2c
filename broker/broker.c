/*  broker: pmod's life cycle and main loop.
 *
 *  The loop is flat and reads as a table of contents: wait for requests (or
 *  the next timer), collect what is waiting, process it as one batch (apply,
 *  commit, then reply and publish), run periodic duties, check the stop
 *  flag.  A signal only sets the flag; the batch in hand is always finished.
 */
#include "broker.h"

#include "auth.h"
#include "status_cache.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zmq.h>

#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_log.h"

static int
s_bind (broker_t *self, int type, const char *endpoint, void **sock_p, char *why, size_t why_len)
{
    if (!pmo_endpoint_supported (endpoint)) {
        snprintf (why, why_len, "cannot bind %s: %s", endpoint, PMO_TRANSPORTS);
        return EPROTONOSUPPORT;
    }
    void *sock = zmq_socket (pmo_zmq_ctx (), type);
    if (!sock)
        return errno;
    int linger = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof linger);
    /*  A frame over the transport bound is cut off by zmq (the peer is
     *  disconnected) before it costs memory; a request between the
     *  application bound and this one gets a STATUS_TOO_BIG reply. */
    int64_t max = type == ZMQ_ROUTER ? PMO_MAX_FRAME_BYTES : PMO_MAX_SUB_FRAME_BYTES;
    zmq_setsockopt (sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    if (type == ZMQ_PUB) {
        /*  Subscribers that fall behind lose live events past this mark and
         *  recover them from the log by seq, so this bounds memory only. */
        int hwm = 100000;
        zmq_setsockopt (sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    }
    int rc = auth_server_socket (self->auth, sock, type == ZMQ_ROUTER ? "requests" : "events");
    if (rc) {
        snprintf (why, why_len, "cannot set up CURVE on %s: %s", endpoint, zmq_strerror (rc));
        zmq_close (sock);
        return rc;
    }
    if (zmq_bind (sock, endpoint) != 0) {
        rc = errno;
        snprintf (why, why_len, "cannot bind %s: %s", endpoint, zmq_strerror (rc));
        zmq_close (sock);
        return rc;
    }
    *sock_p = sock;
    return PMO_OK;
}

/*  Derives the counters from the stored data, so nothing can drift. */
static int
s_load_state (broker_t *self)
{
    pmo_txn_t *txn;
    int rc = pmo_txn_begin (self->store, NULL, false, &txn);
    if (rc)
        return rc;
    self->last_seq = events_last_seq (txn);
    self->next_seq = self->last_seq + 1;
    rc = events_chain_head (txn, self->last_seq, self->chain_head);
    if (rc) {
        pmo_txn_abort (&txn);
        return rc;
    }
    uint64_t t = tables_last_u64 (txn, DB_TIME), c = tables_last_u64 (txn, DB_COST);
    self->next_entry_id = (t > c ? t : c) + 1;
    policy_load (self, txn);
    pmo_txn_abort (&txn);
    return PMO_OK;
}

int
broker_new (const broker_opts_t *opts, broker_t **broker_p, char *why, size_t why_len)
{
    *broker_p = NULL;
    /*  Replies of megabytes (a status of 10,000 projects: 4 MB packed, then
     *  copied into a zmq message) would each be a fresh mmap and ~2,000
     *  page faults: 30 ms of a 36 ms status on a VM.  From the heap they
     *  are reused; it keeps at most the largest reply's worth.  (For
     *  glibc's malloc: the sanitizer builds.  pmod's jemalloc keeps freed
     *  extents for reuse itself, cmake/PmoMalloc.cmake.) */
    mallopt (M_MMAP_THRESHOLD, 32 << 20);
    mallopt (M_TRIM_THRESHOLD, 64 << 20);
    broker_t *self = pmo_calloc (1, sizeof *self);
    pmo_store_opts_t so;
    tables_store_opts (&so);
    so.map_size = opts->map_size;
    so.exclusive = true;
    int rc = pmo_store_open (opts->data_dir, &so, &self->store, why, why_len);
    /*  An upgrade rewrites a table in one txn, and LMDB keeps the buffers
     *  of a txn's dirty pages for reuse for as long as the store is open:
     *  ~150 MiB after a 10 M-entry directory.  Opening it again frees them
     *  (and pmod's main hands them back to the system: upgraded_from). */
    unsigned found = rc ? 0 : pmo_store_found_version (self->store);
    if (found && found < PMOD_SCHEMA_VERSION) {
        pmo_log_info ("%s: upgraded from schema version %u to %u", opts->data_dir, found, PMOD_SCHEMA_VERSION);
        self->upgraded_from = found;
        pmo_store_close (&self->store);
        rc = pmo_store_open (opts->data_dir, &so, &self->store, why, why_len);
    }
    if (!rc) {
        rc = s_load_state (self);
        if (rc == PMO_ECORRUPT)
            snprintf (why, why_len, "%s: the newest event of the log has no hash: the log is damaged",
                      opts->data_dir);
    }
    if (!rc)
        rc = auth_new (self, opts, why, why_len);
    /*  No endpoint: a broker without sockets (the fuzz target). */
    if (!rc && opts->endpoint)
        rc = s_bind (self, ZMQ_ROUTER, opts->endpoint, &self->router, why, why_len);
    if (!rc && opts->events)
        rc = s_bind (self, ZMQ_PUB, opts->events, &self->pub, why, why_len);
    if (!rc) {
        self->batch = batch_new (PMO_BATCH_MAX);
        self->status_cache = status_cache_new ();
        pmo_store_on_write (self->store, status_cache_on_write, self->status_cache);
        self->scan_ms = opts->scan_ms > 0 ? opts->scan_ms : 60000;
    }
    if (!rc && opts->admin_key)
        rc = auth_bootstrap (self, opts->admin_key, why, why_len);
    if (rc) {
        broker_destroy (&self);
        return rc;
    }
    *broker_p = self;
    return PMO_OK;
}

void
broker_destroy (broker_t **broker_p)
{
    broker_t *self = broker_p ? *broker_p : NULL;
    if (!self)
        return;
    batch_destroy (&self->batch);
    if (self->router)
        zmq_close (self->router);
    if (self->pub)
        zmq_close (self->pub);
    auth_destroy (&self->auth);
    pmo_store_close (&self->store);
    status_cache_destroy (&self->status_cache);
    pmo_buf_free (&self->scratch);
    free (self);
    *broker_p = NULL;
}

/*  After a revocation: a new PUB socket on the same endpoint, so every
 *  subscriber reconnects through ZAP and a revoked key stays out.  The
 *  others see a gap in seq and fill it from the log, as after any drop. */
static void
s_pub_reset (broker_t *self)
{
    char endpoint[512] = "";
    size_t n = sizeof endpoint;
    if (!self->pub || zmq_getsockopt (self->pub, ZMQ_LAST_ENDPOINT, endpoint, &n) != 0 || !endpoint[0])
        return;
    zmq_unbind (self->pub, endpoint);
    zmq_close (self->pub);
    self->pub = NULL;
    char why[256] = "";
    /*  The old listener closes in zmq's I/O thread: the address may be
     *  busy for a moment. */
    for (int i = 0; i < 200 && !self->pub; i++) {
        if (s_bind (self, ZMQ_PUB, endpoint, &self->pub, why, sizeof why) != PMO_OK) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep (&ts, NULL);
        }
    }
    if (self->pub)
        pmo_log_info ("events socket reopened after a revocation: subscribers reconnect through ZAP");
    else
        pmo_log_error ("events socket: %s; events are not published until restart (the log keeps them)", why);
}

/*  Periodic duties, each on its own period. */
static void
s_timers (broker_t *self)
{
    auth_tick (self);
    int64_t now = pmo_clock_mono_ms ();
    if (now >= self->next_scan_mono) {
        alerts_scan (self);
        self->next_scan_mono = now + self->scan_ms;
    }
}

int
broker_fold (broker_t *self)
{
    size_t bytes = pmo_store_pending (self->store);
    if (bytes == 0)
        return PMO_OK;
    int64_t t0 = pmo_clock_mono_ns ();
    int rc = pmo_store_fold (self->store);
    if (rc) {
        pmo_log_error ("cannot fold the write-back tables: %s (they stay journalled)", pmo_strerror (rc));
        self->fold_failed_at_commit = self->n_commits;
        self->fold_failed_ms = pmo_clock_mono_ms ();
        return rc;
    }
    self->fold_failed_ms = 0;
    int64_t us = (pmo_clock_mono_ns () - t0) / 1000;
    self->n_folds++;
    self->fold_us_total += us;
    if (us > self->fold_us_max)
        self->fold_us_max = us;
    pmo_log_debug ("folded %zu bytes of write-back values in %.1f ms", bytes, us / 1000.0);
    return PMO_OK;
}

/*  After a failed fold (a full map, mostly) the idle fold waits for a
 *  commit or a minute: nothing else makes room, and retrying every 50 ms
 *  logged an error 20 times a second. */
static bool
s_fold_held (const broker_t *self)
{
    return self->fold_failed_ms && self->n_commits == self->fold_failed_at_commit
           && pmo_clock_mono_ms () - self->fold_failed_ms < PMOD_FOLD_RETRY_MS;
}

int
broker_run (broker_t *self)
{
    /*  The first scan runs before any request: deadlines that passed while
     *  pmod was down are noticed at start-up. */
    while (!*self->stop_flag) {
        s_timers (self);
        zmq_pollitem_t items[] = {{self->router, 0, ZMQ_POLLIN, 0}, {self->auth->zap, 0, ZMQ_POLLIN, 0}};
        /*  A running backup is checked often, pending write-back values
         *  soon (they are folded in the first pause); otherwise wake for
         *  timers. */
        bool pending = pmo_store_pending (self->store) > 0 && !s_fold_held (self);
        int n = zmq_poll (items, self->auth->zap ? 2 : 1,
                          pending ? PMOD_FOLD_IDLE_MS : self->backup ? 20 : 1000);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            pmo_log_error ("poll failed: %s", zmq_strerror (errno));
            return errno;
        }
        if (n > 0)
            auth_zap_serve (self);  /* handshakes first: they never wait for a batch */
        if (n > 0 && batch_collect (self))
            batch_process (self);
        else if (n == 0 && pending)
            broker_fold (self);
        if (self->auth->pub_reset) {
            self->auth->pub_reset = false;
            s_pub_reset (self);
        }
        backup_check (self);
    }
    backup_join (self);
    broker_fold (self);
    pmo_log_info ("stopping: %llu requests in %llu commits (%.1f ms in all committing), last seq %llu; "
                  "%llu folds (%.1f ms in all, longest %.1f ms)",
                  (unsigned long long) self->n_requests, (unsigned long long) self->n_commits,
                  self->commit_us_total / 1000.0, (unsigned long long) self->last_seq,
                  (unsigned long long) self->n_folds,
                  self->fold_us_total / 1000.0, self->fold_us_max / 1000.0);
    return PMO_OK;
}
