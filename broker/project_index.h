/*  project_index: which events concern a project, for `log --project` and
 *  `project show`.
 *
 *  Why blocks: keyed (seq bucket, project, seq), one key per event, a
 *  commit's index entries landed on the newest bucket's ~8 leaves, one run
 *  per project: once the dedup records were in blocks (dedup.h), the
 *  largest part of the pages a commit wrote at 10,000 updates/s.  Here a
 *  project's newest seqs are its tail in the write-back table
 *  project_recent: journalled with the commit and folded later, so no page
 *  of their own per commit.  When a tail is full, the project's next seq
 *  moves its oldest PROJECT_INDEX_BLOCK into project_blocks: one put per
 *  PROJECT_INDEX_BLOCK events of a project.  The tail keeps at least
 *  PROJECT_INDEX_RECENT seqs, so `project show` finds its newest events
 *  with one get (and walks back through the blocks only when it asks for
 *  more); `log --project` walks the project's blocks, which sit together
 *  in key order, then its tail.
 *  Since schema 8 project_blocks is write-back too: the blocks a commit
 *  adds (one per 32 events of a project, ~8 per commit at full load, each
 *  on its own leaf) go into the commit's journal record.  A walk reads the
 *  stored blocks by cursor and those waiting for a fold from memory
 *  (pmo_pending_each): they are all newer, as a project's blocks are made
 *  in seq order and never rewritten, so a read during ingest needs no fold.
 *
 *  Keys (strings NUL-terminated, integers big-endian):
 *    project_recent : project \0                 -> the tail: 1 to PROJECT_INDEX_TAIL_MAX seqs
 *    project_blocks : project \0 first seq(u64)  -> PROJECT_INDEX_BLOCK seqs
 *  Seqs are u64 each, ascending.
 */
#ifndef BROKER_PROJECT_INDEX_H
#define BROKER_PROJECT_INDEX_H

#include <stdbool.h>

#include "pmo/pmo_store.h"

#define PROJECT_INDEX_BLOCK 32
#define PROJECT_INDEX_RECENT 16
#define PROJECT_INDEX_TAIL_MAX (PROJECT_INDEX_BLOCK + PROJECT_INDEX_RECENT)

/*  Lists event seq under project.  A seq not above the project's newest
 *  is indexed already (an entry moved within a project): PMO_OK, nothing
 *  written. */
int project_index_add (pmo_txn_t *txn, const char *project, uint64_t seq);

/*  Calls fn (arg, seq) with project's seqs greater than since, ascending,
 *  or descending when newest, until fn returns false.  PMO_OK, or a store
 *  error (PMO_ECORRUPT for a record of another length). */
typedef bool project_index_fn (void *arg, uint64_t seq);
int project_index_walk (pmo_txn_t *txn, const char *project, uint64_t since, bool newest,
                        project_index_fn *fn, void *arg);

/*  Schema upgrade, first step: deletes every tail (schemas 4 and 5 kept a
 *  project's 16 newest seqs there, overlapping the old index), so the old
 *  index can be added again from its first seq. */
int project_index_clear_tails (pmo_txn_t *txn);

#endif
