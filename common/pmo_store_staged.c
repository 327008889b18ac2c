/*  pmo_store_staged: staged write txns and the write sets they hand off
 *  (pmo_store.h says what they promise).
 *
 *  Why: LMDB commits one write txn at a time and waits for the disk in
 *  its commit, so a writer that applies a batch and then commits it
 *  leaves the CPU idle for the flush and the disk idle for the work.  A
 *  staged txn applies the next batch in memory, over an LMDB read txn,
 *  while the last batch's write set is stored by another thread.
 *
 *  Who sees what: the staging thread owns the handed-off list and the
 *  committed map (the deferred values move there at hand-off, as a real
 *  commit moves them after it); the storing thread reads only its write
 *  set, which nobody changes once handed off, and the environment.
 */
#include "pmo_store_int.h"

#include <stdlib.h>

#include "pmo/pmo_error.h"

int
pmo_txn_begin_staged (pmo_store_t *store, pmo_txn_t **txn_p)
{
    *txn_p = NULL;
    MDB_txn *t;
    int mrc = mdb_txn_begin (store->env, NULL, MDB_RDONLY, &t);
    if (mrc)
        return pmo_store_rc (mrc);
    pmo_txn_t *self = pmo_calloc (1, sizeof *self);
    self->txn = t;
    self->store = store;
    self->write = true;
    self->staged_mode = true;
    *txn_p = self;
    return PMO_OK;
}

bool
pmo_txn_needs_serial (const pmo_txn_t *txn)
{
    return txn && txn->needs_serial;
}

int
staged_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val)
{
    const wb_entry_t *e = wb_map_find (&txn->staged, db, key, key_len);
    if (!e) {
        /*  The newest handed-off set that wrote the key wins. */
        for (const pmo_writeset_t *ws = txn->store->handed_off; ws; ws = ws->next) {
            const wb_entry_t *w = (ws->dbs >> db & 1) ? wb_map_find (&ws->direct, db, key, key_len) : NULL;
            if (w)
                e = w;
        }
    }
    if (e)
        return wb_entry_deleted (e, val) ? PMO_ENOTFOUND : PMO_OK;
    MDB_val k = {key_len, (void *) key}, v;
    int mrc = mdb_get (txn->txn, db < txn->store->n_dbs ? txn->store->dbi[db] : txn->store->meta, &k, &v);
    if (mrc == 0) {
        val->data = v.mv_data;
        val->len = v.mv_size;
    }
    return pmo_store_rc (mrc);
}

int
pmo_txn_hand_off (pmo_txn_t **txn_p, pmo_writeset_t **ws_p)
{
    *ws_p = NULL;
    pmo_txn_t *txn = *txn_p;
    if (!txn->staged_mode) {
        pmo_txn_abort (txn_p);
        return PMO_EINVAL;
    }
    pmo_store_t *s = txn->store;
    pmo_writeset_t *ws = pmo_calloc (1, sizeof *ws);
    ws->store = s;
    wb_hand_off (txn, ws);
    pmo_writeset_t **tail = &s->handed_off;
    while (*tail)
        tail = &(*tail)->next;
    *tail = ws;
    pmo_txn_abort (txn_p);
    *ws_p = ws;
    return PMO_OK;
}

int
pmo_writeset_store (pmo_writeset_t *ws)
{
    pmo_store_t *s = ws->store;
    MDB_txn *t;
    int mrc = mdb_txn_begin (s->env, NULL, 0, &t);
    if (mrc)
        return pmo_store_rc (mrc);
    if (ws->journal) {
        uint8_t kb[8];
        pmo_be64_put (kb, ws->journal_key);
        MDB_val k = {8, kb}, v = {ws->journal_len, ws->journal};
        mrc = mdb_put (t, s->dbi[s->journal_db], &k, &v, MDB_APPEND);
    }
    int rc = pmo_store_rc (mrc);
    if (!rc)
        rc = wb_write_map (s, t, &ws->direct);
    if (rc) {
        mdb_txn_abort (t);
        return rc;
    }
    return pmo_store_rc (mdb_txn_commit (t));
}

static void
s_writeset_free (pmo_writeset_t *ws)
{
    wb_map_clear (&ws->direct);
    free (ws->journal);
    free (ws);
}

void
pmo_writeset_release (pmo_writeset_t **ws_p)
{
    pmo_writeset_t *ws = ws_p ? *ws_p : NULL;
    if (!ws)
        return;
    pmo_store_t *s = ws->store;
    pmo_writeset_t **at = &s->handed_off;
    while (*at && *at != ws)
        at = &(*at)->next;
    if (*at)
        *at = ws->next;
    s_writeset_free (ws);
    *ws_p = NULL;
}

bool
pmo_store_has_handed_off (const pmo_store_t *store)
{
    return store->handed_off != NULL;
}

void
staged_store_free (pmo_store_t *store)
{
    while (store->handed_off) {
        pmo_writeset_t *ws = store->handed_off;
        store->handed_off = ws->next;
        s_writeset_free (ws);
    }
}

int
pmo_store_recover (pmo_store_t *store)
{
    /*  The committed map may hold values of sets that were not stored;
     *  the journal holds exactly those that were. */
    staged_store_free (store);
    return wb_reload (store);
}
