/*  batch: the events a batch will publish once it has committed. */
#ifndef BROKER_BATCH_H
#define BROKER_BATCH_H

#include "broker.h"

/*  Copies topic and the packed event into the batch's publish queue. */
void batch_queue_event (batch_t *batch, const char *topic, const void *data, size_t len);

#endif
