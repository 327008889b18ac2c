/*  dedup: which agent updates pmod has applied, and the seq each got, so a
 *  resend is recognised and answered with the original seq.
 *
 *  Why blocks: keyed by (agent, update seq) one record per update, eight
 *  agents appended to eight places of the table, and every commit copied
 *  eight leaves and their branches: a third of the pages a commit wrote at
 *  10,000 updates/s.  Here an agent's updates are kept DEDUP_BLOCK_SEQS to
 *  a record: its current record (the block of its newest update seq) sits
 *  beside every other agent's current record, so a commit touches one or
 *  two leaves for all of them, and a record moves to the agent's history
 *  once a newer block begins.  A lookup is one get, two for an old block.
 *  Since schema 7 the table is write-back (pmo_store.h): the few current
 *  records a commit rewrites go into its journal record instead of a leaf
 *  and its branch pages of their own (device bytes per commit at 10,000
 *  updates/s 271 -> 204 KB); a history record is one value per 32 updates,
 *  so what waits in memory for the next fold stays small.
 *
 *  Keys in tables' dedup_blocks (strings NUL-terminated, integers BE):
 *    "c" \0 agent \0                 -> the agent's current block
 *    "h" \0 agent \0 block(u64)      -> an earlier block
 *  Value: block(u64) applied-bitmap(u32) then DEDUP_BLOCK_SEQS event seqs
 *  (u64 each; 0 where not applied).
 */
#ifndef BROKER_DEDUP_H
#define BROKER_DEDUP_H

#include "pmo/pmo_store.h"

#define DEDUP_BLOCK_SEQS 32

/*  The event seq of agent's update useq in *seq: PMO_OK, PMO_ENOTFOUND
 *  when it was not applied, or a store error. */
int dedup_find (pmo_txn_t *txn, const char *agent, uint64_t useq, uint64_t *seq);
/*  Records agent's update useq as applied with event seq. */
int dedup_add (pmo_txn_t *txn, const char *agent, uint64_t useq, uint64_t seq);
/*  Schema 4 -> 5: moves every "agent \0 useq -> seq" record of the old
 *  table into blocks, and empties the old table. */
int dedup_upgrade (pmo_txn_t *txn, unsigned old_db);

#endif
