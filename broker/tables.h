/*  tables: pmod's named databases and typed record access.
 *
 *  Keys (all composite keys via pmo_key_t: strings NUL-terminated, integers
 *  big-endian so byte order is numeric order):
 *    portfolios, programmes, teams, people, projects : code            -> record
 *    milestones     : project \0 name \0                               -> Milestone
 *    totals         : project \0                                       -> ProjectTotals
 *    daily          : project \0 day(i32)                              -> ProjectTotals (that day)
 *    person_day     : person \0 month(i32, y*12+m-1)                    -> minutes per day of month (31 x u16 BE)
 *    time, cost     : entry id (u64, server-assigned, appended)        -> TimeEntry / CostEntry
 *    events         : seq (u64, appended)                              -> Event (the audit log)
 *    project_blocks : project \0 first seq(u64)                        -> a block of its event seqs (project_index.h)
 *    dedup_blocks   : "c" \0 agent \0 | "h" \0 agent \0 block(u64)     -> 32 update seqs' event seqs (dedup.h)
 *    time_agg       : day(i32) project \0 person \0 activity \0        -> minutes (u64 BE)
 *    alerts         : kind \0 subject... \0                             -> event seq (fired once)
 *    health         : project \0                                       -> Health (current)
 *    settings       : "policy"                                         -> Policy
 *  governance (handle_templates.c, handle_gates.c, handle_allocations.c,
 *  handle_priorities.c):
 *    templates      : name \0 version(u64)                             -> Template
 *    life_cycles    : project \0                                       -> LifeCycle
 *    allocations    : person \0 week(i32, its Monday) project \0       -> Allocation
 *    criteria       : name \0                                          -> Criterion
 *    scores         : project \0 criterion \0                          -> Score
 *    risks, issues, changes : project \0 id(u64)                       -> Risk / Issue / ChangeRequest
 *    baselines      : project \0 version(u64)                          -> Baseline
 *    closures       : project \0                                       -> ClosureRecord (with lessons)
 *    refs           : agent \0 ref \0                                 -> EntryRef (handle_refs.c)
 *    principals     : name \0                                          -> Principal (security)
 *    principal_keys : raw CURVE public key (32 bytes)                  -> name
 *    project_recent : project \0                                       -> its newest event seqs, after its last block (project_index.h)
 *    journal        : commit number (u64)  -> that commit's writes to the write-back tables
 *  Write-back (pmo_store.h): totals, daily, time_agg, person_day,
 *  project_recent, dedup_blocks and project_blocks.  Every
 *  update rewrites them at keys spread over the table; their writes are
 *  journalled per commit and folded into them when pmod is idle, before it
 *  answers a read, and when a MiB limit is reached.
 */
#ifndef BROKER_TABLES_H
#define BROKER_TABLES_H

#include "pmo/pmo_store.h"
#include "pmo/pmo_wire.h"

#define PMOD_SCHEMA_KIND "pmod"
/*  2: events carry the hash chain.  A version-1 directory is refused (its
 *  log has no chain to continue); nothing was deployed at version 1.
 *  3: person_day holds a month per record (person_day.h); older
 *  directories are refused rather than read with the wrong layout. */
/*  4: totals, daily, time_agg and person_day are write-back (their writes
 *  reach them through the journal, pmo_store.h), and project_events is
 *  keyed by seq bucket first.  A version-3 directory is upgraded in place
 *  on open (tables_upgrade). */
/*  5: applied agent updates are kept 32 to a record (dedup_blocks,
 *  dedup.h) instead of one record each (dedup).
 *  6: a project's event seqs are kept in blocks (project_blocks) after a
 *  tail (project_recent), project_index.h, instead of a key per event
 *  (project_log, keyed by seq bucket first).
 *  7: dedup_blocks is write-back too: an agent's current record is
 *  journalled with each commit instead of rewriting its leaf.  Same
 *  layout; the version says that a journal may hold dedup records, which
 *  a version-6 pmod would refuse to replay.
 *  8: project_blocks is write-back too: the few blocks a commit adds go
 *  into its journal record instead of a leaf and branch pages each.  Same
 *  layout, a version for the journal again.  Versions 3 to 7 are upgraded
 *  in place. */
#define PMOD_SCHEMA_VERSION 8
#define PMOD_SCHEMA_OLDEST 3

enum {
    DB_PORTFOLIOS,
    DB_PROGRAMMES,
    DB_TEAMS,
    DB_PEOPLE,
    DB_PROJECTS,
    DB_MILESTONES,
    DB_TOTALS,
    DB_DAILY,
    DB_PERSON_DAY,
    DB_TIME,
    DB_COST,
    DB_EVENTS,
    DB_PROJECT_LOG_V5,           /* "bucket project \0 seq": emptied by the upgrade */
    DB_DEDUP_V4,                 /* "agent \0 seq": emptied by the upgrade   */
    DB_TIME_AGG,
    DB_ALERTS,
    DB_HEALTH,
    DB_SETTINGS,
    DB_TEMPLATES,
    DB_LIFE_CYCLES,
    DB_ALLOCATIONS,
    DB_CRITERIA,
    DB_SCORES,
    DB_RISKS,
    DB_ISSUES,
    DB_CHANGES,
    DB_BASELINES,
    DB_CLOSURES,
    DB_REFS,
    DB_PRINCIPALS,
    DB_PRINCIPAL_KEYS,
    DB_JOURNAL,                  /* deferred writes of recent commits       */
    DB_PROJECT_EVENTS_V3,        /* "project \0 seq": emptied by the upgrade */
    DB_PROJECT_RECENT,
    DB_DEDUP_BLOCKS,             /* applied agent updates (dedup.h)         */
    DB_PROJECT_BLOCKS,           /* a project's event seqs (project_index.h) */
    DB_COUNT
};

/*  Options to open pmod's store with (names, kind, version). */
void tables_store_opts (pmo_store_opts_t *opts);
int tables_upgrade (pmo_txn_t *txn, unsigned from_version, void *arg);
/*  An upgrade step: calls fn with every record of old_db, keyed "text \0
 *  n(u64)" after `skip` bytes, in key order, then empties old_db.
 *  PMO_ECORRUPT for a key of another shape; fn's error stops it. */
int tables_migrate (pmo_txn_t *txn, unsigned old_db, size_t skip,
                    int (*fn) (pmo_txn_t *txn, const char *text, uint64_t n, const pmo_val_t *value));

/*  Reads and decodes the record at key.  On PMO_OK *msg_p is owned by the
 *  caller (pmo_wire_free).  PMO_ENOTFOUND when absent, PMO_ECORRUPT when the
 *  stored bytes do not decode. */
int tables_get (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const ProtobufCMessageDescriptor *d,
                void **msg_p);
/*  Encodes msg (using scratch) and stores it at key. */
int tables_put (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const void *msg, pmo_buf_t *scratch,
                unsigned flags);
/*  True when key exists in db. */
bool tables_has (pmo_txn_t *txn, unsigned db, const pmo_key_t *key);

/*  Key builders for the single-string tables and the composite ones. */
void tables_key_code (pmo_key_t *k, const char *code);
void tables_key_milestone (pmo_key_t *k, const char *project, const char *name);
void tables_key_day (pmo_key_t *k, const char *code, int32_t day);
void tables_key_seq (pmo_key_t *k, uint64_t seq);

/*  Adds delta to the 8-byte big-endian counter at key (0 when absent) and
 *  stores it; the new total goes to *total_out when not NULL. */
int tables_add_u64 (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, int64_t delta, int64_t *total_out);

/*  The last u64 key in db (0 when empty): next ids derive from the data,
 *  so no counter can drift from what is stored. */
uint64_t tables_last_u64 (pmo_txn_t *txn, unsigned db);

#endif
