/*  dedup: applied agent updates, DEDUP_BLOCK_SEQS to a record (dedup.h). */
#include "dedup.h"

#include "tables.h"

#include "pmo/pmo_error.h"

#define S_VALUE_LEN (8 + 4 + 8 * DEDUP_BLOCK_SEQS)

typedef struct {
    uint64_t block;              /* update seq / DEDUP_BLOCK_SEQS           */
    uint32_t applied;            /* bit i: update block * N + i applied     */
    uint64_t seqs[DEDUP_BLOCK_SEQS];
} s_block_t;

static void
s_key (pmo_key_t *k, const char *agent, bool current, uint64_t block)
{
    pmo_key_init (k);
    pmo_key_str (k, current ? "c" : "h");
    pmo_key_str (k, agent);
    if (!current)
        pmo_key_u64 (k, block);
}

/*  PMO_OK with *b, PMO_ENOTFOUND, or an error (PMO_ECORRUPT for a value of
 *  another length). */
static int
s_read (pmo_txn_t *txn, const pmo_key_t *k, s_block_t *b)
{
    pmo_val_t v;
    int rc = pmo_get (txn, DB_DEDUP_BLOCKS, k->buf, k->len, &v);
    if (rc)
        return rc;
    if (v.len != S_VALUE_LEN)
        return PMO_ECORRUPT;
    const uint8_t *p = v.data;
    b->block = pmo_be64_get (p);
    b->applied = (uint32_t) p[8] << 24 | (uint32_t) p[9] << 16 | (uint32_t) p[10] << 8 | p[11];
    for (unsigned i = 0; i < DEDUP_BLOCK_SEQS; i++)
        b->seqs[i] = pmo_be64_get (p + 12 + 8 * i);
    return PMO_OK;
}

static int
s_write (pmo_txn_t *txn, const pmo_key_t *k, const s_block_t *b)
{
    uint8_t v[S_VALUE_LEN];
    pmo_be64_put (v, b->block);
    for (unsigned i = 0; i < 4; i++)
        v[8 + i] = (uint8_t) (b->applied >> (24 - 8 * i));
    for (unsigned i = 0; i < DEDUP_BLOCK_SEQS; i++)
        pmo_be64_put (v + 12 + 8 * i, b->seqs[i]);
    return pmo_put (txn, DB_DEDUP_BLOCKS, k->buf, k->len, v, sizeof v, 0);
}

/*  The block that holds useq: the agent's current record when it is that
 *  block, else its history record.  *key is where it was found (or would
 *  go in the history). */
static int
s_read_block (pmo_txn_t *txn, const char *agent, uint64_t block, pmo_key_t *key, s_block_t *b)
{
    s_key (key, agent, true, 0);
    int rc = s_read (txn, key, b);
    if (rc == PMO_OK && b->block == block)
        return PMO_OK;
    if (rc && rc != PMO_ENOTFOUND)
        return rc;
    s_key (key, agent, false, block);
    return s_read (txn, key, b);
}

int
dedup_find (pmo_txn_t *txn, const char *agent, uint64_t useq, uint64_t *seq)
{
    pmo_key_t k;
    s_block_t b;
    unsigned slot = (unsigned) (useq % DEDUP_BLOCK_SEQS);
    int rc = s_read_block (txn, agent, useq / DEDUP_BLOCK_SEQS, &k, &b);
    if (rc)
        return rc;
    if (!(b.applied >> slot & 1))
        return PMO_ENOTFOUND;
    *seq = b.seqs[slot];
    return PMO_OK;
}

/*  The agent's history record of block in *b, or an empty block when it
 *  has none; its key in *k. */
static int
s_read_history (pmo_txn_t *txn, const char *agent, uint64_t block, pmo_key_t *k, s_block_t *b)
{
    s_key (k, agent, false, block);
    int rc = s_read (txn, k, b);
    if (rc == PMO_ENOTFOUND) {
        memset (b, 0, sizeof *b);
        b->block = block;
        rc = PMO_OK;
    }
    return rc;
}

int
dedup_add (pmo_txn_t *txn, const char *agent, uint64_t useq, uint64_t seq)
{
    uint64_t block = useq / DEDUP_BLOCK_SEQS;
    unsigned slot = (unsigned) (useq % DEDUP_BLOCK_SEQS);
    pmo_key_t ck, hk;
    s_block_t cur, b;
    s_key (&ck, agent, true, 0);
    int rc = s_read (txn, &ck, &cur);
    if (rc && rc != PMO_ENOTFOUND)
        return rc;
    bool has_current = rc == PMO_OK;
    rc = PMO_OK;
    const pmo_key_t *where = &ck;
    if (has_current && cur.block == block) {
        b = cur;
    } else if (!has_current || cur.block < block) {
        /*  A newer block: the current one moves to the history.  (A history
         *  record of the new block only exists if the current record was
         *  lost; it is started from rather than forgotten.) */
        if (has_current) {
            s_key (&hk, agent, false, cur.block);
            rc = s_write (txn, &hk, &cur);
        }
        if (!rc)
            rc = s_read_history (txn, agent, block, &hk, &b);
    } else {
        /*  An older block than the current one (an update applied late). */
        rc = s_read_history (txn, agent, block, &hk, &b);
        where = &hk;
    }
    if (rc)
        return rc;
    b.applied |= 1u << slot;
    b.seqs[slot] = seq;
    return s_write (txn, where, &b);
}

/*  One "agent \0 useq -> seq" record of the old table; in key order each
 *  agent's updates come ascending, so blocks fill and move to the history
 *  in order. */
static int
s_add_v4 (pmo_txn_t *txn, const char *agent, uint64_t useq, const pmo_val_t *value)
{
    if (value->len != 8)
        return PMO_ECORRUPT;
    return dedup_add (txn, agent, useq, pmo_be64_get (value->data));
}

int
dedup_upgrade (pmo_txn_t *txn, unsigned old_db)
{
    return tables_migrate (txn, old_db, 0, s_add_v4);
}
