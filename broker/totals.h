/*  totals: ProjectTotals records (tables totals and daily) read and written
 *  without protobuf-c's generic unpack and pack.
 *
 *  Why: every time and cost entry adds to two of them (the project's
 *  totals and its day's), and the alert rules read the totals of each
 *  project a batch touches.  The generic unpack allocates the message and
 *  its string and walks the descriptor; with the generic pack it was ~5 %
 *  of pmod's CPU at full load.  The bytes are the same protobuf: encode
 *  writes exactly what protobuf_c_message_pack writes (test_totals checks
 *  that, and that decode reads what protobuf-c's unpack reads), so stored
 *  records and every other reader are unchanged.
 *
 *  What decode leaves out: the project field (the key names the project;
 *  t->project is set to NULL) and unknown fields, which pmod never writes.
 *  A known field with another wire type is PMO_ECORRUPT, as protobuf-c's
 *  unpack refuses it. */
#ifndef BROKER_TOTALS_H
#define BROKER_TOTALS_H

#include "pmo/pmo_store.h"
#include "pmo/pmo_wire.h"

/*  Bytes encode needs at most, besides the project code's length. */
#define TOTALS_MAX_BYTES (13 * 11 + 1 + 10)

int totals_decode (const uint8_t *data, size_t len, Pmo__ProjectTotals *t);
/*  Writes t at out (TOTALS_MAX_BYTES plus strlen (t->project) bytes);
 *  returns the length. */
size_t totals_encode (const Pmo__ProjectTotals *t, uint8_t *out);

/*  The record at key into *t.  PMO_ENOTFOUND when absent (*t is then
 *  empty), PMO_ECORRUPT when the stored bytes do not decode. */
int totals_get (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, Pmo__ProjectTotals *t);
int totals_put (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const Pmo__ProjectTotals *t);

#endif
