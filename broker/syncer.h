/*  syncer: a thread that makes lazily committed batches durable, so that
 *  pmod's writer can apply the next batch meanwhile.
 *
 *  Why: LMDB's commit waits for the disk twice, once for the data pages and
 *  once for the meta page that makes them the current state.  A batch
 *  committed with pmo_txn_commit_lazy waits only for the first; its meta
 *  page is written but may not be on the disk yet (a power cut may undo
 *  that commit, and never damages the store).  This thread then flushes
 *  the data file, and only after that are the batch's replies sent and its
 *  events published: every acknowledgement still follows a durable
 *  commit, while the writer already works on the next batch.
 *
 *  Tickets: the writer asks for a flush after each lazy commit with an
 *  increasing ticket.  A flush that began after ticket t was asked for
 *  covers every commit up to it; done() is then >= t.  Requests that come
 *  while a flush runs share the next one.  The writer's next commit also
 *  flushes the data file (LMDB syncs it first), which makes the previous
 *  commit durable whatever this thread has done. */
#ifndef BROKER_SYNCER_H
#define BROKER_SYNCER_H

#include <stdint.h>

typedef struct syncer syncer_t;

/*  Starts the thread for the file descriptor fd (not owned).  NULL when
 *  the thread or its eventfd cannot be made (errno says why). */
syncer_t *syncer_new (int fd);
/*  Stops and joins the thread.  Accepts NULL. */
void syncer_destroy (syncer_t **self_p);
/*  Asks for a flush covering everything written so far. */
void syncer_request (syncer_t *self, uint64_t ticket);
/*  The highest ticket made durable (0 before the first). */
uint64_t syncer_done (syncer_t *self);
/*  Waits until ticket is durable.  Returns 0, or the errno of the flush
 *  that failed (then nothing after it is known to be on the disk). */
int syncer_wait (syncer_t *self, uint64_t ticket);
/*  Readable after a flush completed (or failed): for the writer's poll.
 *  syncer_drain clears it. */
int syncer_event_fd (const syncer_t *self);
void syncer_drain (syncer_t *self);
/*  The errno of a failed flush, or 0.  Once set it stays set. */
int syncer_error (syncer_t *self);

#endif
