/*  pmo_store: an LMDB environment with named databases.  The only code in pmo
 *  that includes lmdb.h.
 *
 *  One environment per data directory.  The directory is created 0700 and its
 *  files 0600.  A "meta" database always exists and holds the schema line
 *  ("<kind> <version>"), so a directory of another kind or a newer version is
 *  refused before anything is written.
 *
 *  Caveats (LMDB's rules, restated): one write transaction at a time per
 *  environment; a value returned by get or a cursor borrows from the
 *  transaction and is valid only until the next write in it or its end;
 *  decode (copy) before ending the transaction.
 */
#ifndef PMO_STORE_H
#define PMO_STORE_H

#include "pmo/pmo_prelude.h"

typedef struct pmo_store pmo_store_t;
typedef struct pmo_txn pmo_txn_t;
typedef struct pmo_cursor pmo_cursor_t;

typedef struct {
    const void *data;
    size_t len;
} pmo_val_t;

typedef struct {
    const char *kind;            /* "pmod", "pmo-agent": written into meta */
    unsigned version;            /* schema version this program writes      */
    unsigned oldest_version;     /* oldest it can continue (0: any older)   */
    const char *oldest_why;      /* why older ones cannot be continued      */
    const char *const *dbs;      /* names of the named databases to open    */
    unsigned n_dbs;
    size_t map_size;             /* bytes; 0 = 1 GiB                        */
    bool read_only;
    bool exclusive;              /* flock DIR/LOCK; PMO_ELOCKED when held    */
    /*  Write-back databases (bit i: dbs[i]), for aggregates rewritten by
     *  most commits: their writes go to memory, and each commit appends
     *  them to the journal database dbs[journal_db] in the same txn, so
     *  they are as durable as any write, in a few appended pages.
     *  pmo_store_fold puts them in their tables.  Gets see them at once; a
     *  cursor in a write txn folds them into that txn first; a cursor in a
     *  read txn is refused (PMO_EINTERNAL) until they are folded.  Nested
     *  txns are refused (PMO_EINVAL) on such a store, and the pending
     *  values are not locked: one thread uses such a store. */
    uint64_t deferred_dbs;
    unsigned journal_db;
    /*  Brings a directory of an older version (>= oldest_version) up to
     *  version, in the open's txn; the new schema line is written in it
     *  too, so an upgrade happens whole or not at all. */
    int (*upgrade) (pmo_txn_t *txn, unsigned from_version, void *arg);
    void *upgrade_arg;
} pmo_store_opts_t;

/*  Opens (creating when absent) the store in dir.  On success *store_p owns
 *  the environment; close it with pmo_store_close.  On failure *store_p is
 *  NULL, nothing on disk was changed beyond creating an empty directory, and
 *  why (if not NULL) holds one sentence.  Returns PMO_OK, PMO_ELOCKED,
 *  PMO_ESCHEMA (other kind or newer version), PMO_ECORRUPT, or an errno. */
int pmo_store_open (const char *dir, const pmo_store_opts_t *opts, pmo_store_t **store_p,
                    char *why, size_t why_len);
/*  Closes the store and sets *store_p to NULL.  Accepts NULL. */
void pmo_store_close (pmo_store_t **store_p);
/*  The schema version found on disk when the store was opened (0 if new). */
unsigned pmo_store_found_version (const pmo_store_t *store);
/*  Writes a compacted, consistent copy into the empty or new directory
 *  path while other transactions go on.  Returns PMO_OK or an errno. */
int pmo_store_backup (pmo_store_t *store, const char *path);
/*  Writes a compacted, consistent copy of the data file to path (a new
 *  file, created 0600 via path.tmp + fsync + rename) while other
 *  transactions go on.  To start from it: put it as DIR/data.mdb.
 *  Returns PMO_OK, PMO_EEXIST (path exists) or an errno. */
int pmo_store_backup_file (pmo_store_t *store, const char *path);
/*  True when a cursor in this read txn was refused because deferred
 *  values are pending: fold, then read again in a new txn. */
bool pmo_txn_wants_fold (const pmo_txn_t *txn);
/*  Bytes of deferred writes committed but not yet in their tables. */
size_t pmo_store_pending (const pmo_store_t *store);
/*  Writes every deferred value into its table and empties the journal,
 *  in one synced txn.  Must not be called while a write txn is open in
 *  this thread.  Returns PMO_OK or the store's rc. */
int pmo_store_fold (pmo_store_t *store);
/*  Empties a database in a write txn. */
int pmo_db_clear (pmo_txn_t *txn, unsigned db);
/*  Current map size in bytes and bytes in use (last page x page size). */
void pmo_store_usage (pmo_store_t *store, size_t *map_size, size_t *used);

/*  Begins a transaction; parent may be a write txn to nest in (the child
 *  commits into it, or aborts alone).  The txn must end with commit or abort
 *  from the same thread. */
int pmo_txn_begin (pmo_store_t *store, pmo_txn_t *parent, bool write, pmo_txn_t **txn_p);
/*  Commits and frees the txn; *txn_p is NULL afterwards even on failure
 *  (LMDB frees it).  Returns PMO_OK, PMO_EFULL or an errno. */
int pmo_txn_commit (pmo_txn_t **txn_p);
/*  Commits like pmo_txn_commit, with the data synced first as always, but
 *  without waiting for the meta page to reach the disk (LMDB's
 *  MDB_NOMETASYNC for this txn): a crash of the machine may undo this txn,
 *  never damage the store; the next commit makes it durable.  For writes
 *  whose loss is harmless (an agent deleting what pmod acknowledged: lost,
 *  it is resent, and pmod recognises the resend). */
int pmo_txn_commit_lazy (pmo_txn_t **txn_p);
/*  Aborts and frees the txn.  Accepts NULL. */
void pmo_txn_abort (pmo_txn_t **txn_p);

/*  Reads one value.  *val borrows from the txn.  PMO_ENOTFOUND when absent. */
int pmo_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val);

enum {
    PMO_PUT_NOOVERWRITE = 1,     /* PMO_EEXIST when the key exists          */
    PMO_PUT_APPEND = 2           /* key sorts after every key (fast path)   */
};
/*  Writes one value.  Returns PMO_OK, PMO_EEXIST, PMO_EFULL, PMO_ETOOBIG
 *  (key over 511 bytes) or an errno. */
int pmo_put (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, const void *data,
             size_t data_len, unsigned flags);
/*  Deletes one key.  PMO_ENOTFOUND when absent. */
int pmo_del (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len);
/*  How many puts and deletes have succeeded in this txn: a caller can tell
 *  whether a failed step left anything behind. */
size_t pmo_txn_writes (const pmo_txn_t *txn);

/*  Called for every put and delete in a write txn of store (also those a
 *  child txn later rolls back), before it is made: for in-memory views of
 *  the data that must be dropped when it changes (pmod's status rows).
 *  One hook per store; NULL removes it. */
typedef void (pmo_store_write_fn) (void *arg, unsigned db, const void *key, size_t key_len);
void pmo_store_on_write (pmo_store_t *store, pmo_store_write_fn *fn, void *arg);
/*  Number of entries in a database. */
size_t pmo_db_count (pmo_txn_t *txn, unsigned db);

typedef enum {
    PMO_CURSOR_FIRST,
    PMO_CURSOR_LAST,
    PMO_CURSOR_NEXT,
    PMO_CURSOR_PREV,
    PMO_CURSOR_SEEK              /* first key >= *key                        */
} pmo_cursor_op_t;

int pmo_cursor_open (pmo_txn_t *txn, unsigned db, pmo_cursor_t **cursor_p);
/*  For a reader of a write-back database that merges the pending values
 *  itself (pmo_pending_each), so that it need not wait for a fold: a
 *  cursor over what db's table holds, without the pending values, in a
 *  read or write txn.  Only sound where the caller knows how the two
 *  relate (e.g. pending keys are all new ones). */
int pmo_cursor_open_stored (pmo_txn_t *txn, unsigned db, pmo_cursor_t **cursor_p);
/*  Calls fn with every pending value of write-back database db whose key
 *  begins with prefix: committed and not yet folded, or written in this
 *  txn (which shadows the committed one), in no order.  A pending delete
 *  comes with val NULL.  key and val borrow from the store until the
 *  next write or fold.  Together with pmo_cursor_open_stored, each key
 *  is seen once. */
typedef void pmo_pending_fn (void *arg, const pmo_val_t *key, const pmo_val_t *val);
void pmo_pending_each (pmo_txn_t *txn, unsigned db, const void *prefix, size_t prefix_len, pmo_pending_fn *fn,
                       void *arg);
void pmo_cursor_close (pmo_cursor_t **cursor_p);
/*  Moves and reads.  For SEEK, key holds the probe on entry.  key and val
 *  borrow from the txn.  PMO_ENOTFOUND at either end. */
int pmo_cursor_get (pmo_cursor_t *cursor, pmo_cursor_op_t op, pmo_val_t *key, pmo_val_t *val);
/*  Deletes the entry under the cursor. */
int pmo_cursor_del (pmo_cursor_t *cursor);

/*  Composite keys: strings end with NUL so "AB"+x never collides with "A"+"Bx";
 *  integers are big-endian so byte order is numeric order. */
typedef struct {
    uint8_t buf[480];
    size_t len;
    bool overflow;
} pmo_key_t;

void pmo_key_init (pmo_key_t *k);
void pmo_key_str (pmo_key_t *k, const char *s);
void pmo_key_u64 (pmo_key_t *k, uint64_t v);
void pmo_key_u32 (pmo_key_t *k, uint32_t v);
/*  Signed 32-bit (days): sign bit flipped so negative sorts first. */
void pmo_key_i32 (pmo_key_t *k, int32_t v);
/*  Inline: dedup and project-index blocks convert 32-48 seqs per update. */
static inline uint64_t
pmo_be64_get (const void *p)
{
    const uint8_t *b = p;
    return (uint64_t) b[0] << 56 | (uint64_t) b[1] << 48 | (uint64_t) b[2] << 40 | (uint64_t) b[3] << 32
           | (uint64_t) b[4] << 24 | (uint64_t) b[5] << 16 | (uint64_t) b[6] << 8 | (uint64_t) b[7];
}

static inline void
pmo_be64_put (void *p, uint64_t v)
{
    uint8_t *b = p;
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t) v;
}
int32_t pmo_bei32_get (const void *p);

#endif
