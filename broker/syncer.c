/*  syncer: the data file flushed beside the writer (syncer.h). */
#include "syncer.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pmo/pmo_prelude.h"

struct syncer {
    int fd;                      /* the data file                         */
    int event_fd;                /* readable after each flush             */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;         /* a request, or stop                    */
    pthread_cond_t flushed;      /* done or error moved                   */
    uint64_t requested, done;    /* under lock                            */
    int error;                   /* under lock; sticky                    */
    bool stop;
};

static void *
s_run (void *arg)
{
    syncer_t *self = arg;
    pthread_mutex_lock (&self->lock);
    for (;;) {
        while (!self->stop && (self->requested <= self->done || self->error))
            pthread_cond_wait (&self->wake, &self->lock);
        if (self->stop)
            break;
        uint64_t ticket = self->requested;
        pthread_mutex_unlock (&self->lock);
        int rc = fdatasync (self->fd) == 0 ? 0 : errno;
        pthread_mutex_lock (&self->lock);
        if (rc)
            self->error = rc;
        else
            self->done = ticket;
        pthread_cond_broadcast (&self->flushed);
        uint64_t one = 1;
        if (write (self->event_fd, &one, sizeof one) < 0) {
            /*  Only EAGAIN at a counter near 2^64: already readable. */
        }
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

syncer_t *
syncer_new (int fd)
{
    syncer_t *self = pmo_calloc (1, sizeof *self);
    self->fd = fd;
    self->event_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (self->event_fd < 0) {
        free (self);
        return NULL;
    }
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    pthread_cond_init (&self->flushed, NULL);
    int rc = pthread_create (&self->thread, NULL, s_run, self);
    if (rc) {
        close (self->event_fd);
        pthread_mutex_destroy (&self->lock);
        pthread_cond_destroy (&self->wake);
        pthread_cond_destroy (&self->flushed);
        free (self);
        errno = rc;
        return NULL;
    }
    return self;
}

void
syncer_destroy (syncer_t **self_p)
{
    syncer_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    self->stop = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
    pthread_join (self->thread, NULL);
    close (self->event_fd);
    pthread_mutex_destroy (&self->lock);
    pthread_cond_destroy (&self->wake);
    pthread_cond_destroy (&self->flushed);
    free (self);
    *self_p = NULL;
}

void
syncer_request (syncer_t *self, uint64_t ticket)
{
    pthread_mutex_lock (&self->lock);
    if (ticket > self->requested) {
        self->requested = ticket;
        pthread_cond_signal (&self->wake);
    }
    pthread_mutex_unlock (&self->lock);
}

uint64_t
syncer_done (syncer_t *self)
{
    pthread_mutex_lock (&self->lock);
    uint64_t done = self->done;
    pthread_mutex_unlock (&self->lock);
    return done;
}

int
syncer_wait (syncer_t *self, uint64_t ticket)
{
    pthread_mutex_lock (&self->lock);
    while (self->done < ticket && !self->error)
        pthread_cond_wait (&self->flushed, &self->lock);
    int rc = self->done >= ticket ? 0 : self->error;
    pthread_mutex_unlock (&self->lock);
    return rc;
}

int
syncer_event_fd (const syncer_t *self)
{
    return self->event_fd;
}

void
syncer_drain (syncer_t *self)
{
    uint64_t n;
    if (read (self->event_fd, &n, sizeof n) < 0) {
        /*  EAGAIN: nothing to clear. */
    }
}

int
syncer_error (syncer_t *self)
{
    pthread_mutex_lock (&self->lock);
    int rc = self->error;
    pthread_mutex_unlock (&self->lock);
    return rc;
}
