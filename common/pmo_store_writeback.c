/*  pmo_store_writeback: deferred ("write-back") databases.
 *
 *  Why: an aggregate keyed by (project, day) or (person, month) is
 *  rewritten by nearly every update, at keys spread over the whole table,
 *  so a commit of a few hundred updates copied and flushed a page per
 *  update for each aggregate.  Here a write txn's puts and deletes to a
 *  deferred database are staged in memory, and its commit writes them as
 *  one record appended to a journal database, in the same LMDB txn: the
 *  change is exactly as durable as before, in a few appended pages.  The
 *  committed-but-unfolded values stay in memory, where gets see them;
 *  a fold writes them into their tables in key order, in txns of at most
 *  S_FOLD_CHUNK values, the last of which empties the journal.  A store
 *  opened after a crash replays the journal first.
 *
 *  Readers: get sees pending values in any txn.  A cursor over a deferred
 *  database in a write txn first takes every pending value into its
 *  tables (that txn then empties the journal); in a read txn it is
 *  refused while anything is pending: fold before reading by cursor.
 *
 *  Journal record: the staged writes of one commit, each
 *  [db u8][key_len u16 LE][val_len u32 LE, all ones for a delete][key][val].
 */
#include "pmo_store_int.h"

#include <errno.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"

#define S_DELETED 0xFFFFFFFFu
#define S_FOLD_CHUNK 4096        /* values per fold txn                     */

struct wb_entry {
    uint8_t db;
    bool deleted;
    uint16_t key_len;
    uint32_t val_len;
    uint8_t bytes[];             /* key, then value                         */
};

static uint32_t
s_hash (unsigned db, const void *key, size_t len)
{
    uint64_t h = pmo_fnv1a64 (PMO_FNV1A64_INIT ^ db, key, len);
    return (uint32_t) (h ^ (h >> 32));
}

/*  The slot holding (db, key), or the empty slot where it would go. */
static size_t
s_slot (const wb_map_t *m, uint32_t hash, unsigned db, const void *key, size_t len)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const wb_slot_t *sl = &m->slots[i];
        if (!sl->e)
            return i;
        if (sl->hash == hash && sl->db == db && sl->e->key_len == len && memcmp (sl->e->bytes, key, len) == 0)
            return i;
    }
}

static const wb_entry_t *
s_find (const wb_map_t *m, unsigned db, const void *key, size_t len)
{
    if (m->n == 0)
        return NULL;
    return m->slots[s_slot (m, s_hash (db, key, len), db, key, len)].e;
}

static void
s_grow (wb_map_t *m)
{
    size_t old_cap = m->cap;
    wb_slot_t *old = m->slots;
    m->cap = old_cap ? old_cap * 2 : 256;
    m->slots = pmo_calloc (m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].e)
            continue;
        size_t mask = m->cap - 1, j = old[i].hash & mask;
        while (m->slots[j].e)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free (old);
}

/*  Puts e (whose key hashes to hash) into m, replacing (and freeing) what
 *  m held for its key. */
static void
s_insert (wb_map_t *m, wb_entry_t *e, uint32_t hash)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        s_grow (m);
    size_t i = s_slot (m, hash, e->db, e->bytes, e->key_len);
    wb_entry_t *old = m->slots[i].e;
    if (old) {
        m->bytes -= old->key_len + (old->deleted ? 0 : old->val_len);
        free (old);
    } else {
        m->n++;
    }
    m->slots[i] = (wb_slot_t) {hash, e->db, e};
    m->bytes += e->key_len + (e->deleted ? 0 : e->val_len);
}

/*  Removes e from m when m still holds it.  Linear probing's backward
 *  shift keeps every other key reachable. */
static void
s_remove (wb_map_t *m, const wb_entry_t *e)
{
    if (m->n == 0)
        return;
    size_t i = s_slot (m, s_hash (e->db, e->bytes, e->key_len), e->db, e->bytes, e->key_len);
    if (m->slots[i].e != e)
        return;
    m->bytes -= e->key_len + (e->deleted ? 0 : e->val_len);
    free (m->slots[i].e);
    m->n--;
    size_t mask = m->cap - 1;
    for (size_t j = (i + 1) & mask; m->slots[j].e; j = (j + 1) & mask) {
        size_t home = m->slots[j].hash & mask;
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = (wb_slot_t) {0, 0, NULL};
}

static wb_entry_t *
s_entry_new (unsigned db, const void *key, size_t key_len, const void *val, size_t val_len, bool deleted)
{
    if (deleted)
        val_len = 0;
    wb_entry_t *e = pmo_malloc (sizeof *e + key_len + val_len);
    e->db = (uint8_t) db;
    e->deleted = deleted;
    e->key_len = (uint16_t) key_len;
    e->val_len = (uint32_t) val_len;
    memcpy (e->bytes, key, key_len);
    if (val_len)
        memcpy (e->bytes + key_len, val, val_len);
    return e;
}

/*  Frees the entries too unless keep_entries (they moved elsewhere). */
static void
s_map_clear (wb_map_t *m, bool keep_entries)
{
    for (size_t i = 0; !keep_entries && i < m->cap; i++)
        free (m->slots[i].e);
    free (m->slots);
    memset (m, 0, sizeof *m);
}

/*  A write txn's staged map starts with the slots the last one used, so
 *  that a batch of a few hundred updates does not grow it from nothing
 *  each commit (calloc and rehash at 256, 512 and 1,024 entries). */
#define S_STAGED_KEEP 8192       /* slots kept between txns (128 KiB)       */

static void
s_staged_take (pmo_txn_t *txn)
{
    pmo_store_t *s = txn->store;
    if (txn->staged.slots || !s->staged_spare)
        return;
    txn->staged.slots = s->staged_spare;
    txn->staged.cap = s->staged_spare_cap;
    s->staged_spare = NULL;
    s->staged_spare_cap = 0;
}

/*  Empties txn's staged map (freeing its entries unless they moved to
 *  the committed map) and keeps its slots for the next txn. */
static void
s_staged_release (pmo_txn_t *txn, bool keep_entries)
{
    wb_map_t *m = &txn->staged;
    pmo_store_t *s = txn->store;
    if (m->slots && m->cap <= S_STAGED_KEEP && !s->staged_spare) {
        for (size_t i = 0; !keep_entries && i < m->cap; i++)
            free (m->slots[i].e);
        memset (m->slots, 0, m->cap * sizeof *m->slots);
        s->staged_spare = m->slots;
        s->staged_spare_cap = m->cap;
        memset (m, 0, sizeof *m);
        return;
    }
    s_map_clear (m, keep_entries);
}

/*  LMDB's default order: bytes, then the shorter key first. */
static int
s_entry_cmp (const void *a, const void *b)
{
    const wb_entry_t *x = *(wb_entry_t *const *) a, *y = *(wb_entry_t *const *) b;
    if (x->db != y->db)
        return x->db < y->db ? -1 : 1;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp (x->bytes, y->bytes, n);
    return c ? c : (int) x->key_len - (int) y->key_len;
}

/*  The map's entries, sorted as the tables sort them (each page is then
 *  visited once, in order).  The caller frees the array. */
static wb_entry_t **
s_sorted (const wb_map_t *m)
{
    wb_entry_t **v = pmo_malloc ((m->n ? m->n : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].e)
            v[n++] = m->slots[i].e;
    qsort (v, n, sizeof *v, s_entry_cmp);
    return v;
}

static int
s_write_entries (pmo_store_t *s, MDB_txn *txn, wb_entry_t *const *v, size_t n)
{
    int mrc = 0;
    for (size_t i = 0; i < n && mrc == 0; i++) {
        MDB_val k = {v[i]->key_len, v[i]->bytes};
        if (v[i]->deleted) {
            mrc = mdb_del (txn, s->dbi[v[i]->db], &k, NULL);
            if (mrc == MDB_NOTFOUND)
                mrc = 0;
        } else {
            MDB_val d = {v[i]->val_len, v[i]->bytes + v[i]->key_len};
            mrc = mdb_put (txn, s->dbi[v[i]->db], &k, &d, 0);
        }
    }
    return pmo_store_rc (mrc);
}

/*  Writes the map's entries into their tables in txn. */
static int
s_write_tables (pmo_store_t *s, MDB_txn *txn, const wb_map_t *m)
{
    if (m->n == 0)
        return PMO_OK;
    wb_entry_t **v = s_sorted (m);
    int rc = s_write_entries (s, txn, v, m->n);
    free (v);
    return rc;
}

int
wb_get (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, pmo_val_t *val)
{
    const wb_entry_t *e = s_find (&txn->staged, db, key, key_len);
    if (!e && !txn->absorbed)
        e = s_find (&txn->store->committed, db, key, key_len);
    if (!e) {
        MDB_val k = {key_len, (void *) key}, v;
        int mrc = mdb_get (txn->txn, txn->store->dbi[db], &k, &v);
        if (mrc == 0) {
            val->data = v.mv_data;
            val->len = v.mv_size;
        }
        return pmo_store_rc (mrc);
    }
    if (e->deleted)
        return PMO_ENOTFOUND;
    val->data = e->bytes + e->key_len;
    val->len = e->val_len;
    return PMO_OK;
}

int
wb_put (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len, const void *data,
        size_t data_len, unsigned flags)
{
    if (!txn->write)
        return EACCES;
    if (data_len >= S_DELETED)
        return PMO_ETOOBIG;
    pmo_val_t old;
    if ((flags & PMO_PUT_NOOVERWRITE) && wb_get (txn, db, key, key_len, &old) == PMO_OK)
        return PMO_EEXIST;
    s_staged_take (txn);
    s_insert (&txn->staged, s_entry_new (db, key, key_len, data, data_len, false), s_hash (db, key, key_len));
    return PMO_OK;
}

int
wb_del (pmo_txn_t *txn, unsigned db, const void *key, size_t key_len)
{
    if (!txn->write)
        return EACCES;
    pmo_val_t old;
    int rc = wb_get (txn, db, key, key_len, &old);
    if (rc)
        return rc;
    s_staged_take (txn);
    s_insert (&txn->staged, s_entry_new (db, key, key_len, NULL, 0, true), s_hash (db, key, key_len));
    return PMO_OK;
}

/*  Calls fn with m's entries of db under prefix; skip: a map whose
 *  entries shadow these (this txn's staged writes), or NULL. */
static void
s_each (const wb_map_t *m, const wb_map_t *skip, unsigned db, const void *prefix, size_t prefix_len,
        pmo_pending_fn *fn, void *arg)
{
    for (size_t i = 0; i < m->cap; i++) {
        const wb_entry_t *e = m->slots[i].e;
        if (!e || m->slots[i].db != db || e->key_len < prefix_len || memcmp (e->bytes, prefix, prefix_len) != 0)
            continue;
        if (skip && s_find (skip, db, e->bytes, e->key_len))
            continue;
        pmo_val_t k = {e->bytes, e->key_len}, v = {e->bytes + e->key_len, e->val_len};
        fn (arg, &k, e->deleted ? NULL : &v);
    }
}

void
pmo_pending_each (pmo_txn_t *txn, unsigned db, const void *prefix, size_t prefix_len, pmo_pending_fn *fn,
                  void *arg)
{
    if (!pmo_store_is_deferred (txn->store, db))
        return;
    /*  Once absorbed, the committed values are in the tables of this txn. */
    if (!txn->absorbed)
        s_each (&txn->store->committed, &txn->staged, db, prefix, prefix_len, fn, arg);
    s_each (&txn->staged, NULL, db, prefix, prefix_len, fn, arg);
}

/*  Takes every pending value (committed and staged) into the tables in
 *  this write txn, and empties the journal in it: after this txn commits,
 *  nothing is pending. */
static int
s_absorb (pmo_txn_t *txn)
{
    pmo_store_t *s = txn->store;
    int rc = txn->absorbed ? PMO_OK : s_write_tables (s, txn->txn, &s->committed);
    if (!rc)
        rc = s_write_tables (s, txn->txn, &txn->staged);
    if (!rc)
        rc = pmo_store_rc (mdb_drop (txn->txn, s->dbi[s->journal_db], 0));
    if (rc)
        return rc;
    s_staged_release (txn, false);
    txn->absorbed = true;
    return PMO_OK;
}

int
wb_before_cursor (pmo_txn_t *txn, unsigned db)
{
    pmo_store_t *s = txn->store;
    if (!pmo_store_is_deferred (s, db))
        return PMO_OK;
    if (!txn->write) {
        txn->wants_fold = s->committed.n > 0;
        return txn->wants_fold ? PMO_EINTERNAL : PMO_OK;
    }
    if ((s->committed.n && !txn->absorbed) || txn->staged.n)
        return s_absorb (txn);
    return PMO_OK;
}

static void
s_put_u16 (uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void
s_put_u32 (uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static uint32_t
s_get_u32 (const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

int
wb_before_commit (pmo_txn_t *txn)
{
    const wb_map_t *m = &txn->staged;
    if (m->n == 0)
        return PMO_OK;
    pmo_store_t *s = txn->store;
    size_t len = m->bytes + m->n * 7;
    uint8_t *rec = pmo_malloc (len), *p = rec;
    for (size_t i = 0; i < m->cap; i++) {
        const wb_entry_t *e = m->slots[i].e;
        if (!e)
            continue;
        *p++ = e->db;
        s_put_u16 (p, e->key_len);
        s_put_u32 (p + 2, e->deleted ? S_DELETED : e->val_len);
        memcpy (p + 6, e->bytes, e->key_len + (e->deleted ? 0 : e->val_len));
        p += 6 + e->key_len + (e->deleted ? 0 : e->val_len);
    }
    uint8_t kb[8];
    pmo_be64_put (kb, s->journal_next);
    MDB_val k = {8, kb}, v = {(size_t) (p - rec), rec};
    int rc = pmo_store_rc (mdb_put (txn->txn, s->dbi[s->journal_db], &k, &v, MDB_APPEND));
    free (rec);
    return rc;
}

void
wb_committed (pmo_txn_t *txn)
{
    pmo_store_t *s = txn->store;
    if (txn->absorbed)
        s_map_clear (&s->committed, false);
    if (txn->staged.n == 0)
        return;
    s->journal_next++;
    wb_map_t *m = &txn->staged;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].e)
            s_insert (&s->committed, m->slots[i].e, m->slots[i].hash);
    s_staged_release (txn, true);
}

int
wb_write_staged (pmo_txn_t *txn)
{
    int rc = s_write_tables (txn->store, txn->txn, &txn->staged);
    s_staged_release (txn, false);
    return rc;
}

void
wb_txn_free (pmo_txn_t *txn)
{
    s_staged_release (txn, false);
}

void
wb_store_free (pmo_store_t *store)
{
    s_map_clear (&store->committed, false);
    free (store->staged_spare);
    store->staged_spare = NULL;
}

int
wb_replay (pmo_store_t *s, MDB_txn *txn, char *why, size_t why_len)
{
    MDB_cursor *cur;
    int mrc = mdb_cursor_open (txn, s->dbi[s->journal_db], &cur);
    if (mrc)
        return pmo_store_rc (mrc);
    MDB_val k, v;
    size_t records = 0;
    for (mrc = mdb_cursor_get (cur, &k, &v, MDB_FIRST); mrc == 0; mrc = mdb_cursor_get (cur, &k, &v, MDB_NEXT)) {
        const uint8_t *p = v.mv_data, *end = p + v.mv_size;
        while (p < end && mrc == 0) {
            if (end - p < 7) {
                mrc = MDB_CORRUPTED;
                break;
            }
            unsigned db = p[0];
            size_t key_len = (size_t) p[1] | (size_t) p[2] << 8;
            uint32_t val_len = s_get_u32 (p + 3);
            bool deleted = val_len == S_DELETED;
            size_t need = 7 + key_len + (deleted ? 0 : val_len);
            if (!pmo_store_is_deferred (s, db) || key_len == 0 || (size_t) (end - p) < need) {
                mrc = MDB_CORRUPTED;
                break;
            }
            MDB_val dk = {key_len, (void *) (p + 7)};
            if (deleted) {
                mrc = mdb_del (txn, s->dbi[db], &dk, NULL);
                if (mrc == MDB_NOTFOUND)
                    mrc = 0;
            } else {
                MDB_val dv = {val_len, (void *) (p + 7 + key_len)};
                mrc = mdb_put (txn, s->dbi[db], &dk, &dv, 0);
            }
            p += need;
        }
        if (mrc)
            break;
        records++;
    }
    mdb_cursor_close (cur);
    if (mrc == MDB_NOTFOUND)
        mrc = 0;
    if (!mrc)
        mrc = mdb_drop (txn, s->dbi[s->journal_db], 0);
    if (mrc) {
        pmo_why (why, why_len, "cannot replay the journal of deferred writes (record %zu): %s", records + 1,
                 mdb_strerror (mrc));
        return pmo_store_rc (mrc);
    }
    s->journal_next = 1;
    return PMO_OK;
}

bool
pmo_txn_wants_fold (const pmo_txn_t *txn)
{
    return txn && txn->wants_fold;
}

size_t
pmo_store_pending (const pmo_store_t *store)
{
    return store->committed.bytes;
}

int
pmo_store_fold (pmo_store_t *store)
{
    wb_map_t *m = &store->committed;
    if (m->n == 0)
        return PMO_OK;
    /*  In txns of at most S_FOLD_CHUNK values: LMDB keeps the buffers of
     *  the largest txn's dirty pages for reuse, so one txn for a backlog
     *  spread over a large table would hold a page per value for good.
     *  The journal is emptied with the last chunk; until then a crash
     *  replays it over the chunks already written, which is harmless. */
    size_t n = m->n;
    wb_entry_t **v = s_sorted (m);
    int rc = PMO_OK;
    for (size_t at = 0; at < n && !rc; at += S_FOLD_CHUNK) {
        size_t k = n - at < S_FOLD_CHUNK ? n - at : S_FOLD_CHUNK;
        pmo_txn_t *txn;
        rc = pmo_txn_begin (store, NULL, true, &txn);
        if (rc)
            break;
        rc = s_write_entries (store, txn->txn, v + at, k);
        if (!rc && at + k == n)
            rc = pmo_store_rc (mdb_drop (txn->txn, store->dbi[store->journal_db], 0));
        if (rc) {
            pmo_txn_abort (&txn);
            break;
        }
        rc = pmo_txn_commit (&txn);
        for (size_t i = 0; !rc && i < k; i++)
            s_remove (m, v[at + i]);
    }
    free (v);
    return rc;
}
