/*  project_index: a project's event seqs, a tail and blocks (project_index.h). */
#include "project_index.h"

#include <stdlib.h>
#include <string.h>

#include "tables.h"

#include "pmo/pmo_error.h"

typedef struct {
    uint64_t seqs[PROJECT_INDEX_TAIL_MAX];
    size_t n;
} s_run_t;

static void
s_block_key (pmo_key_t *k, const char *project, uint64_t first)
{
    tables_key_code (k, project);
    pmo_key_u64 (k, first);
}

/*  A stored run: a tail holds 1 to PROJECT_INDEX_TAIL_MAX seqs, a block
 *  exactly PROJECT_INDEX_BLOCK. */
static int
s_decode (const pmo_val_t *v, bool block, s_run_t *run)
{
    size_t n = v->len / 8;
    if (v->len % 8 || n == 0 || n > PROJECT_INDEX_TAIL_MAX || (block && n != PROJECT_INDEX_BLOCK))
        return PMO_ECORRUPT;
    for (size_t i = 0; i < n; i++)
        run->seqs[i] = pmo_be64_get ((const uint8_t *) v->data + 8 * i);
    run->n = n;
    return PMO_OK;
}

static int
s_put (pmo_txn_t *txn, unsigned db, const pmo_key_t *k, const uint64_t *seqs, size_t n)
{
    uint8_t v[8 * PROJECT_INDEX_TAIL_MAX];
    for (size_t i = 0; i < n; i++)
        pmo_be64_put (v + 8 * i, seqs[i]);
    return pmo_put (txn, db, k->buf, k->len, v, 8 * n, 0);
}

/*  The project's tail; an empty run when it has none. */
static int
s_read_tail (pmo_txn_t *txn, const pmo_key_t *k, s_run_t *tail)
{
    pmo_val_t v;
    tail->n = 0;
    int rc = pmo_get (txn, DB_PROJECT_RECENT, k->buf, k->len, &v);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;
    return rc ? rc : s_decode (&v, false, tail);
}

int
project_index_add (pmo_txn_t *txn, const char *project, uint64_t seq)
{
    pmo_key_t k;
    tables_key_code (&k, project);
    if (k.overflow)
        return PMO_ETOOBIG;
    s_run_t tail;
    int rc = s_read_tail (txn, &k, &tail);
    if (rc)
        return rc;
    if (tail.n && tail.seqs[tail.n - 1] >= seq)
        return PMO_OK;
    if (tail.n == PROJECT_INDEX_TAIL_MAX) {
        pmo_key_t bk;
        s_block_key (&bk, project, tail.seqs[0]);
        rc = s_put (txn, DB_PROJECT_BLOCKS, &bk, tail.seqs, PROJECT_INDEX_BLOCK);
        if (rc)
            return rc;
        tail.n -= PROJECT_INDEX_BLOCK;
        memmove (tail.seqs, tail.seqs + PROJECT_INDEX_BLOCK, 8 * tail.n);
    }
    tail.seqs[tail.n++] = seq;
    return s_put (txn, DB_PROJECT_RECENT, &k, tail.seqs, tail.n);
}

/*  Calls fn with run's seqs above since, in the walk's order.  False when
 *  the walk is over: fn said so, or (newest first) a seq at or below since
 *  was reached. */
static bool
s_visit (const s_run_t *run, uint64_t since, bool newest, project_index_fn *fn, void *arg)
{
    for (size_t i = 0; i < run->n; i++) {
        uint64_t seq = run->seqs[newest ? run->n - 1 - i : i];
        if (seq <= since) {
            if (newest)
                return false;
            continue;
        }
        if (!fn (arg, seq))
            return false;
    }
    return true;
}

static bool
s_is_block_of (const pmo_val_t *k, const pmo_key_t *prefix)
{
    return k->len == prefix->len + 8 && memcmp (k->data, prefix->buf, prefix->len) == 0;
}

/*  Positions cur on the first block to visit: the project's newest, or
 *  (ascending) the one that holds since + 1, which may begin before it. */
static int
s_first_block (pmo_cursor_t *cur, const pmo_key_t *prefix, uint64_t since, bool newest, pmo_val_t *k,
               pmo_val_t *v)
{
    pmo_key_t probe = *prefix;
    pmo_key_u64 (&probe, newest ? UINT64_MAX : since + 1);
    *k = (pmo_val_t) {probe.buf, probe.len};
    int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, k, v);
    bool exact = rc == PMO_OK && k->len == probe.len && memcmp (k->data, probe.buf, probe.len) == 0;
    if (exact)
        return PMO_OK;
    int prc = rc == PMO_OK ? pmo_cursor_get (cur, PMO_CURSOR_PREV, k, v)
                           : pmo_cursor_get (cur, PMO_CURSOR_LAST, k, v);
    if (newest || (prc == PMO_OK && s_is_block_of (k, prefix)))
        return prc;
    /*  No block begins at or before since + 1: start at the first after. */
    *k = (pmo_val_t) {probe.buf, probe.len};
    return pmo_cursor_get (cur, PMO_CURSOR_SEEK, k, v);
}

/*  The project's blocks that wait for a fold (project_blocks is
 *  write-back), as key and value pairs, sorted by key before a walk.
 *  They are all newer than its stored blocks:
 *  a project's blocks are made in seq order, never rewritten, and a fold
 *  writes in key order. */
typedef struct {
    pmo_val_t *v;
    size_t n, cap;
    bool bad;
} s_pending_t;

static void
s_pending_add (void *arg, const pmo_val_t *key, const pmo_val_t *val)
{
    s_pending_t *p = arg;
    if (!val || key->len < 8) {
        p->bad = true;  /* project_index never deletes a block */
        return;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->v = pmo_realloc (p->v, 2 * p->cap * sizeof *p->v);
    }
    p->v[2 * p->n] = *key;
    p->v[2 * p->n + 1] = *val;
    p->n++;
}

static int
s_key_cmp (const void *a, const void *b)
{
    const pmo_val_t *x = a, *y = b;
    return memcmp (x->data, y->data, x->len < y->len ? x->len : y->len);  /* one project: same length */
}

/*  The stored blocks from the one holding since + 1 (or the newest) on. */
static int
s_walk_stored (pmo_txn_t *txn, const pmo_key_t *prefix, uint64_t since, bool newest, project_index_fn *fn,
               void *arg, bool *more)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open_stored (txn, DB_PROJECT_BLOCKS, &cur);
    if (rc)
        return rc;
    pmo_val_t k, v;
    s_run_t block;
    for (rc = s_first_block (cur, prefix, since, newest, &k, &v); rc == PMO_OK && s_is_block_of (&k, prefix);
         rc = pmo_cursor_get (cur, newest ? PMO_CURSOR_PREV : PMO_CURSOR_NEXT, &k, &v)) {
        rc = s_decode (&v, true, &block);
        if (rc)
            break;
        *more = s_visit (&block, since, newest, fn, arg);
        if (!*more)
            break;
    }
    pmo_cursor_close (&cur);
    return rc == PMO_ENOTFOUND ? PMO_OK : rc;
}

static int
s_walk_pending (const s_pending_t *p, uint64_t since, bool newest, project_index_fn *fn, void *arg,
                bool *more)
{
    s_run_t block;
    for (size_t i = 0; i < p->n && *more; i++) {
        int rc = s_decode (&p->v[2 * (newest ? p->n - 1 - i : i) + 1], true, &block);
        if (rc)
            return rc;
        *more = s_visit (&block, since, newest, fn, arg);
    }
    return PMO_OK;
}

int
project_index_walk (pmo_txn_t *txn, const char *project, uint64_t since, bool newest,
                    project_index_fn *fn, void *arg)
{
    pmo_key_t prefix;
    tables_key_code (&prefix, project);
    if (prefix.overflow)
        return PMO_ETOOBIG;
    s_run_t tail;
    int rc = s_read_tail (txn, &prefix, &tail);
    if (rc)
        return rc;
    if (newest && !s_visit (&tail, since, true, fn, arg))
        return PMO_OK;
    /*  Stored blocks by cursor, then the pending ones (newest first: the
     *  other way round), so that a read during ingest needs no fold. */
    s_pending_t pending = {0};
    pmo_pending_each (txn, DB_PROJECT_BLOCKS, prefix.buf, prefix.len, s_pending_add, &pending);
    if (pending.bad) {
        free (pending.v);
        return PMO_ECORRUPT;
    }
    if (pending.n > 1)
        qsort (pending.v, pending.n, 2 * sizeof *pending.v, s_key_cmp);
    bool more = true;
    if (newest) {
        rc = s_walk_pending (&pending, since, true, fn, arg, &more);
        if (!rc && more)
            rc = s_walk_stored (txn, &prefix, since, true, fn, arg, &more);
    } else {
        rc = s_walk_stored (txn, &prefix, since, false, fn, arg, &more);
        if (!rc && more)
            rc = s_walk_pending (&pending, since, false, fn, arg, &more);
        if (!rc && more)
            s_visit (&tail, since, false, fn, arg);
    }
    free (pending.v);
    return rc;
}

int
project_index_clear_tails (pmo_txn_t *txn)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (txn, DB_PROJECT_RECENT, &cur);
    if (rc)
        return rc;
    pmo_val_t k, v;
    /*  On a write-back table a delete is staged, so the cursor's walk over
     *  the stored records goes on undisturbed. */
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        rc = pmo_del (txn, DB_PROJECT_RECENT, k.data, k.len);
        if (rc)
            break;
    }
    pmo_cursor_close (&cur);
    return rc == PMO_ENOTFOUND ? PMO_OK : rc;
}
