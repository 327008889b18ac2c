/*  writer: the thread that stores pmod's write sets (pmo_store.h, staged
 *  txns), so that the main thread applies the next batch while the last
 *  one is written and flushed.  One write set at a time.
 */
#ifndef BROKER_WRITER_H
#define BROKER_WRITER_H

#include "pmo/pmo_prelude.h"
#include "pmo/pmo_store.h"

typedef struct writer writer_t;

/*  Starts the thread.  Returns NULL (errno set) when it cannot. */
writer_t *writer_new (void);
/*  Stops the thread; a write set in hand is stored first. */
void writer_destroy (writer_t **writer_p);
/*  Hands ws to the thread, which must be idle (writer_wait first). */
void writer_submit (writer_t *self, pmo_writeset_t *ws);
/*  True from writer_submit until writer_wait has returned its result. */
bool writer_busy (const writer_t *self);
/*  True once the write set submitted last is stored (writer_wait then
 *  returns at once). */
bool writer_done (writer_t *self);
/*  Waits for the write set submitted last; returns pmo_writeset_store's
 *  rc, and adds the time it took to *store_us. */
int writer_wait (writer_t *self, int64_t *store_us);
/*  A file descriptor that polls readable once the write set is stored. */
int writer_fd (const writer_t *self);

#endif
