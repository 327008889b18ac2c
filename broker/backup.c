/*  backup: `pmoctl backup FILE` while pmod keeps serving.
 *
 *  LMDB's compacting copy runs in its own read txn, so it is consistent and
 *  never blocks writers; it runs in a worker thread so the loop keeps
 *  answering.  The thread touches only its job and sets `done` when the
 *  copy ends; the loop (which owns every zmq socket) sees the flag on its
 *  next turn and sends the reply to the operator who asked.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

#include "broker.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

struct backup_job {
    pthread_t thread;
    pmo_store_t *store;
    char *path;
    uint8_t *peer;
    size_t peer_len;
    uint64_t corr;
    int rc;
    atomic_int done;
};

static void *
s_run (void *arg)
{
    struct backup_job *job = arg;
    job->rc = pmo_store_backup_file (job->store, job->path);
    atomic_store (&job->done, 1);
    return NULL;
}

int
backup_start (broker_t *b, const void *peer, size_t peer_len, uint64_t corr, const char *path)
{
    if (b->backup)
        return PMO_EBUSY;
    struct backup_job *job = pmo_calloc (1, sizeof *job);
    job->store = b->store;
    job->path = pmo_strdup (path);
    job->peer = pmo_malloc (peer_len);
    memcpy (job->peer, peer, peer_len);
    job->peer_len = peer_len;
    job->corr = corr;
    atomic_init (&job->done, 0);
    if (pthread_create (&job->thread, NULL, s_run, job) != 0) {
        free (job->path);
        free (job->peer);
        free (job);
        return EAGAIN;
    }
    b->backup = job;
    pmo_log_info ("backup to %s started", path);
    return PMO_OK;
}

static void
s_finish (broker_t *b)
{
    struct backup_job *job = b->backup;
    pthread_join (job->thread, NULL);
    Pmo__Reply reply = PMO__REPLY__INIT;
    reply.has_corr = true;
    reply.corr = job->corr;
    pmo_reason_t reason = {0};
    if (job->rc == PMO_EEXIST)
        pmo_reason_set (&reason, job->rc, "", "backup: %s already exists", job->path);
    else if (job->rc)
        pmo_reason_set (&reason, job->rc, "", "backup to %s failed: %s", job->path, pmo_strerror (job->rc));
    dispatch_reply_status (&reply, job->rc, &reason);
    pmo_log_info ("backup to %s: %s", job->path, job->rc ? pmo_strerror (job->rc) : "done");
    pmo_buf_t buf = {0};
    pmo_wire_pack (&reply, &buf);
    if (zmq_send (b->router, job->peer, job->peer_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) {
        zmq_send (b->router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        zmq_send (b->router, buf.data, buf.len, ZMQ_DONTWAIT);
    }
    pmo_buf_free (&buf);
    free (job->path);
    free (job->peer);
    free (job);
    b->backup = NULL;
}

void
backup_check (broker_t *b)
{
    if (b->backup && atomic_load (&b->backup->done))
        s_finish (b);
}

void
backup_join (broker_t *b)
{
    if (b->backup)
        s_finish (b);  /* joins the thread, then replies */
}
