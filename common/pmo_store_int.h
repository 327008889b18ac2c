/*  pmo_store internals shared by pmo_store.c (environment, txns, cursors)
 *  and pmo_store_writeback.c (deferred databases and their journal).  Not
 *  installed: nothing outside libpmo sees LMDB. */
#ifndef PMO_STORE_INT_H
#define PMO_STORE_INT_H

#include <lmdb.h>

#include "pmo/pmo_store.h"

#define S_MAX_DBS 64

/*  An in-memory set of pending writes to deferred databases: the newest
 *  value (or a deletion) per (db, key).  Open addressing, power-of-two
 *  capacity. */
typedef struct wb_entry wb_entry_t;
typedef struct {
    uint32_t hash;               /* here, so a probe past other keys reads no entry */
    uint8_t db;                  /* e's, so a walk over one table reads no other entry */
    wb_entry_t *e;
} wb_slot_t;
typedef struct {
    wb_slot_t *slots;
    size_t cap, n;
    size_t bytes;                /* keys and values held                    */
} wb_map_t;

struct pmo_store {
    MDB_env *env;
    MDB_dbi meta;
    MDB_dbi dbi[S_MAX_DBS];
    unsigned n_dbs;
    int lock_fd;
    unsigned found_version;
    pmo_store_write_fn *on_write;  /* NULL, or told of every write        */
    void *on_write_arg;
    uint64_t deferred;           /* bit db: writes held back (write-back)   */
    unsigned journal_db;         /* where a commit's deferred writes go     */
    wb_map_t committed;          /* committed, not yet in their tables      */
    wb_slot_t *staged_spare;     /* the last write txn's emptied slots      */
    size_t staged_spare_cap;
    uint64_t journal_next;       /* key of the next journal record          */
    bool in_write;               /* a write txn is open                     */
};

struct pmo_txn {
    MDB_txn *txn;
    pmo_store_t *store;
    size_t n_writes;             /* puts and deletes that succeeded */
    bool write;
    wb_map_t staged;             /* this txn's deferred writes              */
    bool absorbed;               /* committed map written into this txn     */
    bool wants_fold;             /* a read cursor was refused: values pending */
};

int pmo_store_rc (int mdb_rc);

static inline bool
pmo_store_is_deferred (const pmo_store_t *s, unsigned db)
{
    return db < 64 && (s->deferred >> db & 1);
}

/*  pmo_store_writeback.c */
int wb_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val);
int wb_put (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, const void *data,
            size_t data_len, unsigned flags);
int wb_del (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len);
/*  Before a cursor reads a deferred db in txn: a write txn takes every
 *  pending write into its tables; a read txn cannot, and is refused while
 *  anything is pending (PMO_EINTERNAL: fold first). */
int wb_before_cursor (pmo_txn_t *txn, unsigned db);
/*  Commit: the staged writes become one journal record in txn; after
 *  LMDB's commit succeeded, wb_committed moves them to the store. */
int wb_before_commit (pmo_txn_t *txn);
void wb_committed (pmo_txn_t *txn);
void wb_txn_free (pmo_txn_t *txn);
/*  Writes txn's staged values straight into their tables: the open's
 *  upgrade txn, which has no journal record of its own. */
int wb_write_staged (pmo_txn_t *txn);
/*  At open: replays what the journal holds into the tables (a crash
 *  between commits and their fold), in the open's txn. */
int wb_replay (pmo_store_t *store, MDB_txn *txn, char *why, size_t why_len);
void wb_store_free (pmo_store_t *store);

#endif
