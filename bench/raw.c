/*  raw: the raw limit.  What pmod's group commit would cost with none of
 *  pmod's application logic: no decode, no validation, no aggregates.
 *
 *  A ROUTER loop in a thread of pmo-bench reads every message waiting
 *  (without blocking, up to PMO_BATCH_MAX, as pmod does), opens one LMDB
 *  write txn, puts each message's bytes under a server-assigned increasing
 *  u64 key (append) in "entries" and an equally sized record in "events"
 *  (pmod's entry + event log), commits with LMDB's default durability (a
 *  synced commit), then replies to each message with its 8-byte key and
 *  publishes it on a PUB socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_store.h"

enum { S_DB_ENTRIES, S_DB_EVENTS };

typedef struct {
    zmq_msg_t id;
    zmq_msg_t body;
} s_item_t;

struct raw {
    pmo_store_t *store;
    void *router;
    void *pub;
    char data_path[400];
    pthread_t thread;
    _Atomic int stop;
    uint64_t next_key;
    uint64_t messages, commits;
    int64_t commit_ns;           /* in LMDB's commit: page writes, flushes */
    s_item_t *items;
    int failed;
};

static int
s_bind (int type, const char *endpoint, void **sock_p)
{
    void *sock = zmq_socket (pmo_zmq_ctx (), type);
    if (!sock)
        return errno;
    int zero = 0;
    zmq_setsockopt (sock, ZMQ_LINGER, &zero, sizeof zero);
    if (type == ZMQ_PUB) {
        int hwm = 100000;  /* as pmod */
        zmq_setsockopt (sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    }
    if (zmq_bind (sock, endpoint) != 0) {
        int rc = errno;
        zmq_close (sock);
        return rc;
    }
    *sock_p = sock;
    return PMO_OK;
}

/*  [id][empty][body]; false when nothing is waiting. */
static bool
s_read (struct raw *self, s_item_t *it)
{
    zmq_msg_init (&it->id);
    if (zmq_msg_recv (&it->id, self->router, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&it->id);
        return false;
    }
    zmq_msg_init (&it->body);
    /*  The rest of a multipart message is already here; the last frame is
     *  the body. */
    int more = zmq_msg_more (&it->id);
    while (more) {
        if (zmq_msg_recv (&it->body, self->router, 0) < 0)
            break;
        more = zmq_msg_more (&it->body);
    }
    return true;
}

static int
s_batch (struct raw *self, size_t n)
{
    pmo_txn_t *txn = NULL;
    int rc = pmo_txn_begin (self->store, NULL, true, &txn);
    uint64_t first = self->next_key;
    for (size_t i = 0; rc == PMO_OK && i < n; i++) {
        uint8_t key[8];
        pmo_be64_put (key, first + i);
        const void *data = zmq_msg_data (&self->items[i].body);
        size_t len = zmq_msg_size (&self->items[i].body);
        rc = pmo_put (txn, S_DB_ENTRIES, key, 8, data, len, PMO_PUT_APPEND);
        if (!rc)
            rc = pmo_put (txn, S_DB_EVENTS, key, 8, data, len, PMO_PUT_APPEND);
    }
    if (!rc) {
        int64_t t0 = pmo_clock_mono_ns ();
        rc = pmo_txn_commit (&txn);
        self->commit_ns += pmo_clock_mono_ns () - t0;
    }
    pmo_txn_abort (&txn);
    if (rc)
        return rc;
    self->next_key += n;
    self->commits++;
    self->messages += n;
    for (size_t i = 0; i < n; i++) {
        s_item_t *it = &self->items[i];
        uint8_t key[8];
        pmo_be64_put (key, first + i);
        if (zmq_msg_send (&it->id, self->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) {
            zmq_send (self->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
            zmq_send (self->router, key, 8, ZMQ_DONTWAIT);
        }
        zmq_send (self->pub, "raw", 3, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send (self->pub, zmq_msg_data (&it->body), zmq_msg_size (&it->body), ZMQ_DONTWAIT);
    }
    return PMO_OK;
}

static void *
s_main (void *arg)
{
    struct raw *self = arg;
    while (!atomic_load (&self->stop)) {
        zmq_pollitem_t item = {self->router, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, 100);
        if (n <= 0)
            continue;
        size_t got = 0;
        while (got < PMO_BATCH_MAX && s_read (self, &self->items[got]))
            got++;
        int rc = got ? s_batch (self, got) : PMO_OK;
        for (size_t i = 0; i < got; i++) {
            zmq_msg_close (&self->items[i].id);
            zmq_msg_close (&self->items[i].body);
        }
        if (rc) {
            self->failed = rc;
            break;
        }
    }
    return NULL;
}

int
raw_start (const char *dir, const char *endpoint, const char *events, size_t map_size, raw_t **raw_p,
           char *why, size_t why_len)
{
    *raw_p = NULL;
    static const char *const dbs[] = {"entries", "events"};
    pmo_store_opts_t so = {
        .kind = "pmo-bench-raw", .version = 1, .dbs = dbs, .n_dbs = 2, .map_size = map_size,
        .exclusive = true,
    };
    struct raw *self = pmo_calloc (1, sizeof *self);
    snprintf (self->data_path, sizeof self->data_path, "%s/data.mdb", dir);
    self->next_key = 1;
    int rc = pmo_store_open (dir, &so, &self->store, why, why_len);
    if (!rc && (rc = s_bind (ZMQ_ROUTER, endpoint, &self->router)) != 0)
        snprintf (why, why_len, "cannot bind %s: %s", endpoint, zmq_strerror (rc));
    if (!rc && (rc = s_bind (ZMQ_PUB, events, &self->pub)) != 0)
        snprintf (why, why_len, "cannot bind %s: %s", events, zmq_strerror (rc));
    if (!rc) {
        self->items = pmo_calloc (PMO_BATCH_MAX, sizeof *self->items);
        rc = pthread_create (&self->thread, NULL, s_main, self);
        if (rc)
            snprintf (why, why_len, "cannot start a thread: %s", strerror (rc));
    }
    if (rc) {
        if (self->router)
            zmq_close (self->router);
        if (self->pub)
            zmq_close (self->pub);
        pmo_store_close (&self->store);
        free (self->items);
        free (self);
        return rc;
    }
    *raw_p = self;
    return PMO_OK;
}

int
raw_stop (raw_t **raw_p, uint64_t *messages, uint64_t *commits, double *commit_s, uint64_t *data_bytes)
{
    struct raw *self = *raw_p;
    if (!self)
        return PMO_OK;
    atomic_store (&self->stop, 1);
    pthread_join (self->thread, NULL);
    *messages = self->messages;
    *commits = self->commits;
    *commit_s = (double) self->commit_ns / 1e9;
    zmq_close (self->router);
    zmq_close (self->pub);
    pmo_store_close (&self->store);
    *data_bytes = env_file_bytes (self->data_path);
    int rc = self->failed;
    free (self->items);
    free (self);
    *raw_p = NULL;
    return rc;
}
