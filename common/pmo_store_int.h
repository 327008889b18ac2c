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
    pmo_writeset_t *handed_off;  /* staged write sets not yet released, oldest first */
};

/*  A staged txn's writes, handed off to be stored (pmo_store_staged.c). */
struct pmo_writeset {
    pmo_store_t *store;
    wb_map_t direct;             /* writes to ordinary tables               */
    uint64_t dbs;                /* bit db: direct holds a write to db      */
    uint8_t *journal;            /* the deferred writes' journal record     */
    size_t journal_len;
    uint64_t journal_key;
    pmo_writeset_t *next;        /* the next newer one handed off           */
};

struct pmo_txn {
    MDB_txn *txn;
    pmo_store_t *store;
    size_t n_writes;             /* puts and deletes that succeeded */
    bool write;
    wb_map_t staged;             /* this txn's deferred writes              */
    bool absorbed;               /* committed map written into this txn     */
    bool wants_fold;             /* a read cursor was refused: values pending */
    /*  Staged txns (pmo_txn_begin_staged): txn is a read txn, and every
     *  write, to any table, goes to staged. */
    bool staged_mode;
    bool needs_serial;           /* it met what only a real write txn can do */
    uint64_t staged_dbs;         /* bit db: staged holds a write to db      */
};

int pmo_store_rc (int mdb_rc);

static inline bool
pmo_store_is_deferred (const pmo_store_t *s, unsigned db)
{
    return db < 64 && (s->deferred >> db & 1);
}

/*  pmo_store_staged.c: a get in a staged txn from an ordinary table. */
int staged_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val);
/*  At close: frees the write sets never released. */
void staged_store_free (pmo_store_t *store);

/*  pmo_store_writeback.c: the map, and the deferred databases */
const wb_entry_t *wb_map_find (const wb_map_t *m, unsigned db, const void *key, size_t len);
/*  Moves e (whose key hashes to hash) into m, replacing what m held. */
void wb_map_insert (wb_map_t *m, wb_entry_t *e, uint32_t hash);
void wb_map_clear (wb_map_t *m);
bool wb_entry_deleted (const wb_entry_t *e, pmo_val_t *val);
/*  Writes m's entries into their tables in txn, in key order. */
int wb_write_map (pmo_store_t *s, MDB_txn *txn, const wb_map_t *m);
/*  Moves txn's staged writes out: ordinary tables' into ws->direct, the
 *  deferred ones into the committed map and ws's journal record. */
void wb_hand_off (pmo_txn_t *txn, pmo_writeset_t *ws);
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
/*  Rebuilds the committed map from the journal, which holds exactly what
 *  was stored and not folded; reads only (a full store can still). */
int wb_reload (pmo_store_t *store);
void wb_store_free (pmo_store_t *store);

#endif
