/*  writer: one thread, one write set at a time.  The main thread hands a
 *  set over under the lock and polls an eventfd that the thread signals
 *  when the set is stored; writer_wait collects the result.  No queue:
 *  pmod keeps at most one batch being stored and one being applied, which
 *  is what overlaps a commit's flushes with the next batch's work.
 */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"

struct writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;         /* a set was submitted, or stop            */
    pthread_cond_t done_cond;    /* the set is stored                       */
    pmo_writeset_t *ws;          /* the set in hand                         */
    bool has_work, stop;
    bool done;                   /* read without the lock: atomics          */
    bool busy;                   /* submitted and not yet collected (main)  */
    int rc;
    int64_t us;
    int fd;                      /* eventfd, readable once done             */
};

static void *
s_run (void *arg)
{
    writer_t *self = arg;
    pthread_mutex_lock (&self->lock);
    for (;;) {
        while (!self->has_work && !self->stop)
            pthread_cond_wait (&self->wake, &self->lock);
        if (!self->has_work)
            break;
        pmo_writeset_t *ws = self->ws;
        pthread_mutex_unlock (&self->lock);
        int64_t t0 = pmo_clock_mono_ns ();
        int rc = pmo_writeset_store (ws);
        int64_t us = (pmo_clock_mono_ns () - t0) / 1000;
        pthread_mutex_lock (&self->lock);
        self->rc = rc;
        self->us = us;
        self->has_work = false;
        __atomic_store_n (&self->done, true, __ATOMIC_RELEASE);
        pthread_cond_signal (&self->done_cond);
        uint64_t one = 1;
        ssize_t n = write (self->fd, &one, sizeof one);
        (void) n;  /* an eventfd write fails only on overflow: still readable */
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

writer_t *
writer_new (void)
{
    writer_t *self = pmo_calloc (1, sizeof *self);
    self->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (self->fd < 0) {
        free (self);
        return NULL;
    }
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    pthread_cond_init (&self->done_cond, NULL);
    int rc = pthread_create (&self->thread, NULL, s_run, self);
    if (rc) {
        close (self->fd);
        pthread_cond_destroy (&self->wake);
        pthread_cond_destroy (&self->done_cond);
        pthread_mutex_destroy (&self->lock);
        free (self);
        errno = rc;
        return NULL;
    }
    return self;
}

void
writer_destroy (writer_t **writer_p)
{
    writer_t *self = writer_p ? *writer_p : NULL;
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    self->stop = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
    pthread_join (self->thread, NULL);
    close (self->fd);
    pthread_cond_destroy (&self->wake);
    pthread_cond_destroy (&self->done_cond);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *writer_p = NULL;
}

void
writer_submit (writer_t *self, pmo_writeset_t *ws)
{
    pthread_mutex_lock (&self->lock);
    self->ws = ws;
    self->has_work = true;
    self->done = false;
    self->busy = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
}

bool
writer_done (writer_t *self)
{
    return self->busy && __atomic_load_n (&self->done, __ATOMIC_ACQUIRE);
}

bool
writer_busy (const writer_t *self)
{
    return self->busy;
}

int
writer_wait (writer_t *self, int64_t *store_us)
{
    if (!self->busy)
        return PMO_OK;
    pthread_mutex_lock (&self->lock);
    while (!self->done)
        pthread_cond_wait (&self->done_cond, &self->lock);
    int rc = self->rc;
    if (store_us)
        *store_us += self->us;
    self->done = false;
    self->ws = NULL;
    pthread_mutex_unlock (&self->lock);
    uint64_t n;
    ssize_t r = read (self->fd, &n, sizeof n);  /* drained: polls quiet again */
    (void) r;
    self->busy = false;
    return rc;
}

int
writer_fd (const writer_t *self)
{
    return self->fd;
}
