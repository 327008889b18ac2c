/*  test_writeback: pmo_store's write-back databases on a scratch directory.
 *  Staged writes are seen by their txn and dropped by an abort; committed
 *  ones are seen by later gets before any fold, and journalled; a cursor
 *  in a read txn is refused until a fold, one in a write txn folds into
 *  it; deletes survive all of that; a store closed with values pending
 *  (memory lost, as in kill -9) gets them back from the journal on open;
 *  the upgrade hook runs once, in the open's txn, and its failure leaves
 *  the directory at its old version; a backlog of 10,000 values is folded
 *  whole over several txns; a reader that merges pending values itself
 *  (pmo_cursor_open_stored with pmo_pending_each) sees each key once,
 *  without a fold. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "pmo/pmo_store.h"

enum { DB_PLAIN, DB_AGG, DB_JOURNAL };
static const char *const s_dbs[] = {"plain", "agg", "journal"};

static pmo_store_opts_t
s_opts (void)
{
    pmo_store_opts_t o = {.kind = "wb", .version = 1, .dbs = s_dbs, .n_dbs = 3,
                          .deferred_dbs = 1u << DB_AGG, .journal_db = DB_JOURNAL};
    return o;
}

static pmo_store_t *
s_open (const char *dir)
{
    pmo_store_opts_t o = s_opts ();
    pmo_store_t *s = NULL;
    char why[256] = "";
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    if (!s)
        fprintf (stderr, "open: %s\n", why);
    return s;
}

static void
s_put_str (pmo_txn_t *t, unsigned db, const char *k, const char *v)
{
    CHECK_RC (pmo_put (t, db, k, strlen (k), v, strlen (v), 0), PMO_OK);
}

/*  The value at k as a string ("" when absent), read in a fresh txn of
 *  the given kind. */
static void
s_get (pmo_store_t *s, bool write, const char *k, char *out, size_t n)
{
    pmo_txn_t *t = NULL;
    out[0] = '\0';
    CHECK_RC (pmo_txn_begin (s, NULL, write, &t), PMO_OK);
    pmo_val_t v;
    if (t && pmo_get (t, DB_AGG, k, strlen (k), &v) == PMO_OK)
        snprintf (out, n, "%.*s", (int) v.len, (const char *) v.data);
    pmo_txn_abort (&t);
}

/*  Every key=value the cursor walks, in key order; closes it. */
static void
s_dump (pmo_cursor_t **c, char *out, size_t n)
{
    pmo_val_t k, v;
    size_t len = 0;
    out[0] = '\0';
    for (int r = pmo_cursor_get (*c, PMO_CURSOR_FIRST, &k, &v); r == PMO_OK;
         r = pmo_cursor_get (*c, PMO_CURSOR_NEXT, &k, &v))
        len += (size_t) snprintf (out + len, n - len, "%.*s=%.*s;", (int) k.len, (const char *) k.data,
                                  (int) v.len, (const char *) v.data);
    pmo_cursor_close (c);
}

/*  Every key=value of the agg table, read by cursor in txn.  Returns the
 *  cursor open's rc. */
static int
s_scan (pmo_txn_t *t, char *out, size_t n)
{
    out[0] = '\0';
    pmo_cursor_t *c = NULL;
    int rc = pmo_cursor_open (t, DB_AGG, &c);
    if (!rc)
        s_dump (&c, out, n);
    return rc;
}

static size_t
s_journal_records (pmo_store_t *s)
{
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    size_t n = t ? pmo_db_count (t, DB_JOURNAL) : 0;
    pmo_txn_abort (&t);
    return n;
}

static void
s_staged_and_committed (const char *dir)
{
    pmo_store_t *s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    char got[256];
    pmo_txn_t *t = NULL;

    /*  Staged: seen by the txn, gone with its abort. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "a", "1");
    pmo_val_t v;
    CHECK_RC (pmo_get (t, DB_AGG, "a", 1, &v), PMO_OK);
    CHECK (v.len == 1 && memcmp (v.data, "1", 1) == 0);
    CHECK_EQ_I64 (pmo_txn_writes (t), 1);
    CHECK_RC (pmo_put (t, DB_AGG, "a", 1, "x", 1, PMO_PUT_NOOVERWRITE), PMO_EEXIST);
    pmo_txn_abort (&t);
    s_get (s, false, "a", got, sizeof got);
    CHECK_STR (got, "");
    CHECK_EQ_I64 (pmo_store_pending (s), 0);

    /*  Committed: pending, journalled, seen by read and write txns. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "a", "1");
    s_put_str (t, DB_AGG, "b", "22");
    s_put_str (t, DB_AGG, "a", "111");  /* the newest value per key */
    s_put_str (t, DB_PLAIN, "p", "plain");
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_EQ_I64 (pmo_store_pending (s), 1 + 3 + 1 + 2);  /* keys and values */
    CHECK_EQ_I64 (s_journal_records (s), 1);
    s_get (s, false, "a", got, sizeof got);
    CHECK_STR (got, "111");
    s_get (s, true, "b", got, sizeof got);
    CHECK_STR (got, "22");

    /*  A second commit: a delete and an overwrite of pending values. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_RC (pmo_del (t, DB_AGG, "b", 1), PMO_OK);
    CHECK_RC (pmo_del (t, DB_AGG, "b", 1), PMO_ENOTFOUND);
    CHECK_RC (pmo_del (t, DB_AGG, "zz", 2), PMO_ENOTFOUND);
    s_put_str (t, DB_AGG, "c", "3");
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_EQ_I64 (s_journal_records (s), 2);
    s_get (s, false, "b", got, sizeof got);
    CHECK_STR (got, "");

    /*  A cursor in a read txn is refused while values are pending. */
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_RC (s_scan (t, got, sizeof got), PMO_EINTERNAL);
    pmo_txn_abort (&t);

    /*  The fold writes them into the table and empties the journal. */
    CHECK_RC (pmo_store_fold (s), PMO_OK);
    CHECK_EQ_I64 (pmo_store_pending (s), 0);
    CHECK_EQ_I64 (s_journal_records (s), 0);
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_RC (s_scan (t, got, sizeof got), PMO_OK);
    CHECK_STR (got, "a=111;c=3;");
    pmo_txn_abort (&t);
    CHECK_RC (pmo_store_fold (s), PMO_OK);  /* nothing pending: nothing to do */

    /*  A cursor in a write txn takes pending and staged values into it. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "d", "4");
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_RC (pmo_del (t, DB_AGG, "a", 1), PMO_OK);
    CHECK_RC (s_scan (t, got, sizeof got), PMO_OK);
    CHECK_STR (got, "c=3;d=4;");
    s_put_str (t, DB_AGG, "e", "5");  /* staged again after the fold */
    CHECK_RC (pmo_get (t, DB_AGG, "d", 1, &v), PMO_OK);
    CHECK (v.len == 1 && memcmp (v.data, "4", 1) == 0);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_EQ_I64 (s_journal_records (s), 1);  /* only the record of "e" */
    CHECK_EQ_I64 (pmo_store_pending (s), 2);
    s_get (s, false, "d", got, sizeof got);
    CHECK_STR (got, "4");

    /*  Such a fold is undone with its txn: the values stay pending. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_RC (s_scan (t, got, sizeof got), PMO_OK);
    CHECK_STR (got, "c=3;d=4;e=5;");
    pmo_txn_abort (&t);
    CHECK_EQ_I64 (pmo_store_pending (s), 2);
    CHECK_EQ_I64 (s_journal_records (s), 1);
    s_get (s, false, "e", got, sizeof got);
    CHECK_STR (got, "5");

    /*  Nested txns are refused on a store with write-back tables. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    pmo_txn_t *child = NULL;
    CHECK_RC (pmo_txn_begin (s, t, true, &child), PMO_EINVAL);
    pmo_txn_abort (&t);
    pmo_store_close (&s);
}

/*  Values pending when the store went away (kill -9: the memory is lost,
 *  the journal is not) are in the table after the next open. */
static void
s_replay (const char *dir)
{
    pmo_store_t *s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    pmo_txn_t *t = NULL;
    for (int i = 0; i < 50; i++) {
        CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
        char k[16], v[16];
        snprintf (k, sizeof k, "k%02d", i % 10);
        snprintf (v, sizeof v, "v%d", i);
        s_put_str (t, DB_AGG, k, v);
        if (i == 49)
            CHECK_RC (pmo_del (t, DB_AGG, "k03", 3), PMO_OK);
        CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    }
    CHECK_EQ_I64 (s_journal_records (s), 50);
    pmo_store_close (&s);  /* no fold */

    s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    CHECK_EQ_I64 (pmo_store_pending (s), 0);
    CHECK_EQ_I64 (s_journal_records (s), 0);
    char got[512];
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_RC (s_scan (t, got, sizeof got), PMO_OK);
    pmo_txn_abort (&t);
    CHECK_STR (got, "c=3;d=4;e=5;k00=v40;k01=v41;k02=v42;k04=v44;k05=v45;k06=v46;k07=v47;k08=v48;"
                    "k09=v49;");
    /*  New commits journal afresh after the replay. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "k00", "again");
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_EQ_I64 (s_journal_records (s), 1);
    pmo_store_close (&s);
    s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    char one[32];
    s_get (s, false, "k00", one, sizeof one);
    CHECK_STR (one, "again");
    pmo_store_close (&s);
}

/*  A backlog larger than one fold txn takes (4096 values) is folded in
 *  several, all of it, with the journal emptied at the end. */
static void
s_fold_in_chunks (const char *dir)
{
    pmo_store_t *s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    pmo_txn_t *t = NULL;
    for (int c = 0; c < 10; c++) {
        CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
        for (int i = 0; i < 1000; i++) {
            char k[16], v[16];
            snprintf (k, sizeof k, "n%05d", c * 1000 + i);
            snprintf (v, sizeof v, "%d", c * 1000 + i);
            s_put_str (t, DB_AGG, k, v);
        }
        CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    }
    CHECK_EQ_I64 (s_journal_records (s), 10);
    CHECK_RC (pmo_store_fold (s), PMO_OK);
    CHECK_EQ_I64 (pmo_store_pending (s), 0);
    CHECK_EQ_I64 (s_journal_records (s), 0);
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_EQ_I64 (t ? pmo_db_count (t, DB_AGG) : 0, 10000);
    pmo_val_t v;
    CHECK_RC (t ? pmo_get (t, DB_AGG, "n09999", 6, &v) : -1, PMO_OK);
    CHECK (t && v.len == 4 && memcmp (v.data, "9999", 4) == 0);
    pmo_txn_abort (&t);
    pmo_store_close (&s);
}

static int s_upgrades;

static int
s_upgrade (pmo_txn_t *txn, unsigned from, void *arg)
{
    s_upgrades++;
    CHECK_EQ_I64 (from, 1);
    if (arg)
        return PMO_ECORRUPT;  /* a failing upgrade */
    int rc = pmo_put (txn, DB_AGG, "upgraded", 8, "deferred", 8, 0);  /* into its table, no journal */
    return rc ? rc : pmo_put (txn, DB_PLAIN, "upgraded", 8, "yes", 3, 0);
}

static void
s_upgrade_runs_once (const char *dir)
{
    pmo_store_t *s = s_open (dir);  /* version 1 */
    REQUIRE_VOID (s != NULL);
    pmo_store_close (&s);
    pmo_store_opts_t o = s_opts ();
    o.version = 2;
    o.upgrade = s_upgrade;
    o.upgrade_arg = &o;  /* fails */
    char why[256] = "";
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_ECORRUPT);
    CHECK_STR (why, "cannot bring the data directory from schema version 1 to 2: stored data is damaged");
    o.upgrade_arg = NULL;
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (s ? pmo_store_found_version (s) : 0, 1);
    pmo_store_close (&s);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (s ? pmo_store_found_version (s) : 0, 2);
    pmo_txn_t *t = NULL;
    pmo_val_t v;
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_RC (t ? pmo_get (t, DB_PLAIN, "upgraded", 8, &v) : -1, PMO_OK);
    char got[64];
    CHECK_RC (t ? s_scan (t, got, sizeof got) : -1, PMO_OK);
    CHECK_STR (got, "upgraded=deferred;");
    pmo_txn_abort (&t);
    CHECK_EQ_I64 (pmo_store_pending (s), 0);
    CHECK_EQ_I64 (s_journal_records (s), 0);
    pmo_store_close (&s);
    CHECK_EQ_I64 (s_upgrades, 2);
}

/*  Collects pending key=value pairs (key=- for a delete), sorted. */
typedef struct {
    char items[8][32];
    size_t n;
} s_seen_t;

static void
s_seen_add (void *arg, const pmo_val_t *key, const pmo_val_t *val)
{
    s_seen_t *seen = arg;
    if (seen->n < 8)
        snprintf (seen->items[seen->n++], 32, "%.*s=%.*s", (int) key->len, (const char *) key->data,
                  val ? (int) val->len : 1, val ? (const char *) val->data : "-");
}

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (a, b);
}

static void
s_pending (pmo_txn_t *t, const char *prefix, char *out, size_t n)
{
    s_seen_t seen = {.n = 0};
    pmo_pending_each (t, DB_AGG, prefix, strlen (prefix), s_seen_add, &seen);
    qsort (seen.items, seen.n, sizeof *seen.items, s_cmp);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < seen.n; i++)
        len += (size_t) snprintf (out + len, n - len, "%s;", seen.items[i]);
}

/*  What the table holds, by a cursor that leaves pending values out. */
static void
s_stored (pmo_txn_t *t, char *out, size_t n)
{
    out[0] = '\0';
    pmo_cursor_t *c = NULL;
    CHECK_RC (pmo_cursor_open_stored (t, DB_AGG, &c), PMO_OK);
    if (c)
        s_dump (&c, out, n);
}

static void
s_stored_and_pending (const char *dir)
{
    pmo_store_t *s = s_open (dir);
    REQUIRE_VOID (s != NULL);
    char got[256];
    pmo_txn_t *t = NULL;
    /*  k1 folded into the table; k2, k3 and a delete of k1 pending. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "k1", "a");
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK_RC (pmo_store_fold (s), PMO_OK);
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "k2", "b");
    s_put_str (t, DB_AGG, "k3", "c");
    s_put_str (t, DB_AGG, "x9", "other prefix");
    CHECK_RC (pmo_del (t, DB_AGG, "k1", 2), PMO_OK);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);

    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    s_stored (t, got, sizeof got);
    CHECK_STR (got, "k1=a;");
    s_pending (t, "k", got, sizeof got);
    CHECK_STR (got, "k1=-;k2=b;k3=c;");
    CHECK (!pmo_txn_wants_fold (t));  /* nothing asked for a fold */
    pmo_txn_abort (&t);

    /*  In a write txn its own writes shadow the committed ones. */
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    s_put_str (t, DB_AGG, "k2", "B");
    s_put_str (t, DB_AGG, "k4", "d");
    s_pending (t, "k", got, sizeof got);
    CHECK_STR (got, "k1=-;k2=B;k3=c;k4=d;");
    /*  A plain cursor takes the pending values into the table in this
     *  txn: they are then stored, and only later writes are pending. */
    CHECK_RC (s_scan (t, got, sizeof got), PMO_OK);
    CHECK_STR (got, "k2=B;k3=c;k4=d;x9=other prefix;");
    s_put_str (t, DB_AGG, "k5", "e");
    s_pending (t, "k", got, sizeof got);
    CHECK_STR (got, "k5=e;");
    s_stored (t, got, sizeof got);
    CHECK_STR (got, "k2=B;k3=c;k4=d;x9=other prefix;");
    pmo_txn_abort (&t);
    pmo_store_close (&s);
}

int
main (void)
{
    char root[] = "/tmp/pmo-test-writeback-XXXXXX";
    REQUIRE (mkdtemp (root) != NULL);
    char dir[300];
    snprintf (dir, sizeof dir, "%s/a", root);
    s_staged_and_committed (dir);
    s_replay (dir);
    snprintf (dir, sizeof dir, "%s/b", root);
    s_upgrade_runs_once (dir);
    snprintf (dir, sizeof dir, "%s/c", root);
    s_fold_in_chunks (dir);
    snprintf (dir, sizeof dir, "%s/d", root);
    s_stored_and_pending (dir);
    harness_rm_rf (root);
    return harness_report ();
}
