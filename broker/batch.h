/*  batch: the events a batch will publish once it has committed. */
#ifndef BROKER_BATCH_H
#define BROKER_BATCH_H

#include "broker.h"

/*  Copies topic, the packed event and its chain hash into the batch's
 *  publish queue. */
void batch_queue_event (batch_t *batch, const char *topic, const void *data, size_t len, const uint8_t *hash);
/*  The hash the next event chains on: the last queued event's, else the
 *  newest committed one's.  Follows rollbacks of the queue by itself. */
const uint8_t *batch_chain_head (const batch_t *batch, const uint8_t *committed);

#endif
