/*  test_project_index: pmod's per-project event index (broker/
 *  project_index.h) on a scratch store opened with pmod's own tables.
 *  Two projects' seqs interleaved over many commits and folds: every walk
 *  from every `since`, oldest first, is exactly the seqs after it; every
 *  newest-first page is the newest n; the tail keeps its size bounds and
 *  full blocks move out 32 at a time; a seq not above the newest is not
 *  indexed twice; a block of a wrong length is reported, not read. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "project_index.h"
#include "tables.h"

#define N_SEQS 300  /* seqs 1..N_SEQS: odd ones to "A", even ones to "B"  */

typedef struct {
    uint64_t seqs[N_SEQS + 1];
    size_t n, stop_after;
} collect_t;

static bool
s_collect (void *arg, uint64_t seq)
{
    collect_t *c = arg;
    if (c->n < N_SEQS + 1)
        c->seqs[c->n] = seq;
    c->n++;
    return c->n != c->stop_after;
}

static collect_t
s_walk (pmo_store_t *st, const char *project, uint64_t since, bool newest, size_t stop_after)
{
    collect_t c = {.stop_after = stop_after};
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (st, NULL, false, &t), PMO_OK);
    if (t)
        CHECK_RC (project_index_walk (t, project, since, newest, s_collect, &c), PMO_OK);
    pmo_txn_abort (&t);
    return c;
}

static size_t
s_tail_len (pmo_store_t *st, const char *project)
{
    pmo_txn_t *t = NULL;
    pmo_val_t v = {NULL, 0};
    CHECK_RC (pmo_txn_begin (st, NULL, false, &t), PMO_OK);
    if (t && pmo_get (t, DB_PROJECT_RECENT, project, strlen (project) + 1, &v) != PMO_OK)
        v.len = 0;
    pmo_txn_abort (&t);
    return v.len / 8;
}

/*  What the tail holds after n seqs of a project: all of them up to 48,
 *  then 17 to 48 (a full tail gives its oldest 32 to a block). */
static size_t
s_tail_want (size_t n)
{
    return n <= PROJECT_INDEX_TAIL_MAX
               ? n
               : PROJECT_INDEX_RECENT + 1 + (n - PROJECT_INDEX_TAIL_MAX - 1) % PROJECT_INDEX_BLOCK;
}

/*  A's seqs: the odd ones up to last, ascending. */
static size_t
s_odd_after (uint64_t since, uint64_t last, uint64_t *out)
{
    size_t n = 0;
    for (uint64_t s = 1; s <= last; s += 2)
        if (s > since)
            out[n++] = s;
    return n;
}

static void
s_check_walks (pmo_store_t *st, uint64_t last)
{
    static uint64_t want[N_SEQS + 1];
    for (uint64_t since = 0; since <= last + 1; since++) {
        size_t n = s_odd_after (since, last, want);
        collect_t c = s_walk (st, "A", since, false, 0);
        CHECK_EQ_I64 (c.n, n);
        for (size_t i = 0; i < n && i < c.n; i++)
            if (c.seqs[i] != want[i]) {
                CHECK_EQ_I64 (c.seqs[i], want[i]);
                break;
            }
        /*  Newest first, stopped after k: the k newest, descending. */
        size_t k = since % 61 + 1;
        c = s_walk (st, "A", since, true, k);
        CHECK_EQ_I64 (c.n, n < k ? n : k);
        for (size_t i = 0; i < c.n && i < n; i++)
            if (c.seqs[i] != want[n - 1 - i]) {
                CHECK_EQ_I64 (c.seqs[i], want[n - 1 - i]);
                break;
            }
    }
}

static void
s_interleaved (const char *dir)
{
    pmo_store_opts_t o;
    tables_store_opts (&o);
    pmo_store_t *st = NULL;
    char why[256] = "";
    CHECK_RC (pmo_store_open (dir, &o, &st, why, sizeof why), PMO_OK);
    REQUIRE_VOID (st != NULL);
    /*  Commits of 7 seqs, folded every third commit: the tail is read from
     *  the pending values and from its table. */
    uint64_t seq = 1;
    for (int commit = 0; seq <= N_SEQS; commit++) {
        pmo_txn_t *t = NULL;
        CHECK_RC (pmo_txn_begin (st, NULL, true, &t), PMO_OK);
        for (int i = 0; i < 7 && seq <= N_SEQS; i++, seq++)
            CHECK_RC (project_index_add (t, seq % 2 ? "A" : "B", seq), PMO_OK);
        CHECK_RC (pmo_txn_commit (&t), PMO_OK);
        if (commit % 3 == 2)
            CHECK_RC (pmo_store_fold (st), PMO_OK);
        CHECK_EQ_I64 (s_tail_len (st, "A"), s_tail_want (seq / 2));
        CHECK_EQ_I64 (s_tail_len (st, "B"), s_tail_want ((seq - 1) / 2));
        if (commit % 5 == 0)
            s_check_walks (st, seq - 1);
    }
    CHECK_RC (pmo_store_fold (st), PMO_OK);
    s_check_walks (st, N_SEQS);
    /*  B never sees A's seqs. */
    collect_t b = s_walk (st, "B", 0, false, 0);
    CHECK_EQ_I64 (b.n, N_SEQS / 2);
    CHECK_EQ_I64 (b.seqs[0], 2);
    CHECK_EQ_I64 (b.seqs[b.n - 1], N_SEQS);
    CHECK_EQ_I64 (s_walk (st, "C", 0, false, 0).n, 0);  /* a project without events */

    /*  A seq not above the newest is indexed already: nothing changes. */
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (st, NULL, true, &t), PMO_OK);
    CHECK_RC (project_index_add (t, "A", N_SEQS - 1), PMO_OK);
    CHECK_RC (project_index_add (t, "A", 3), PMO_OK);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_EQ_I64 (s_walk (st, "A", 0, false, 0).n, N_SEQS / 2);

    /*  Four blocks each (150 seqs: 4 x 32 moved out, 22 in the tail). */
    CHECK_RC (pmo_txn_begin (st, NULL, false, &t), PMO_OK);
    CHECK_EQ_I64 (t ? (long long) pmo_db_count (t, DB_PROJECT_BLOCKS) : -1, 4 + 4);
    pmo_txn_abort (&t);

    /*  A block of a wrong length is damage: the walk says so. */
    CHECK_RC (pmo_txn_begin (st, NULL, true, &t), PMO_OK);
    pmo_key_t k;
    tables_key_code (&k, "A");
    pmo_key_u64 (&k, 1);
    CHECK_RC (pmo_put (t, DB_PROJECT_BLOCKS, k.buf, k.len, "12345678", 8, 0), PMO_OK);
    collect_t c = {0};
    CHECK_RC (project_index_walk (t, "A", 0, false, s_collect, &c), PMO_ECORRUPT);
    pmo_txn_abort (&t);
    pmo_store_close (&st);
}

int
main (void)
{
    char root[] = "/tmp/pmo-test-project-index-XXXXXX";
    REQUIRE (mkdtemp (root) != NULL);
    s_interleaved (root);
    harness_rm_rf (root);
    return harness_report ();
}
