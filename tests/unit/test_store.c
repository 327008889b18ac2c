/*  test_store: pmo_store on a scratch directory.  Put, get, delete and
 *  cursors; key order of composite keys; the schema line (new, same, older,
 *  newer, other kind); the exclusive lock; the map filling up (PMO_EFULL)
 *  with reads still working and a larger map recovering; the write count;
 *  a lazy commit (meta page not waited for) seen like any commit;
 *  permissions of what it creates. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pmo/pmo_store.h"

static const char *const s_dbs[] = {"a", "b"};

static pmo_store_opts_t
s_opts (const char *kind, unsigned version, size_t map)
{
    pmo_store_opts_t o = {.kind = kind, .version = version, .dbs = s_dbs, .n_dbs = 2, .map_size = map};
    return o;
}

static void
s_basic (const char *dir)
{
    pmo_store_opts_t o = s_opts ("test", 1, 0);
    pmo_store_t *s = NULL;
    char why[256];
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    REQUIRE_VOID (s != NULL);
    CHECK_EQ_I64 (pmo_store_found_version (s), 0);  /* new */
    struct stat st;
    CHECK (stat (dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    char path[600];
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);

    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_EQ_I64 (pmo_txn_writes (t), 0);
    CHECK_RC (pmo_put (t, 0, "k1", 2, "v1", 2, 0), PMO_OK);
    CHECK_RC (pmo_put (t, 0, "k1", 2, "v2", 2, PMO_PUT_NOOVERWRITE), PMO_EEXIST);
    CHECK_EQ_I64 (pmo_txn_writes (t), 1);  /* the refused put did not count */
    CHECK_RC (pmo_put (t, 0, "", 0, "v", 1, 0), PMO_ETOOBIG);
    /*  Appends must sort after the last key. */
    uint8_t key[8];
    for (uint64_t i = 1; i <= 100; i++) {
        pmo_be64_put (key, i);
        CHECK_RC (pmo_put (t, 1, key, 8, &i, sizeof i, PMO_PUT_APPEND), PMO_OK);
    }
    pmo_be64_put (key, 50);
    CHECK (pmo_put (t, 1, key, 8, "x", 1, PMO_PUT_APPEND) != PMO_OK);
    CHECK_RC (pmo_put (t, 1, "k1", 2, "other db", 8, 0), PMO_OK);
    CHECK_EQ_I64 (pmo_txn_writes (t), 102);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    CHECK (t == NULL);

    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    pmo_val_t v;
    CHECK_RC (pmo_get (t, 0, "k1", 2, &v), PMO_OK);
    CHECK (v.len == 2 && memcmp (v.data, "v1", 2) == 0);
    CHECK_RC (pmo_get (t, 0, "nope", 4, &v), PMO_ENOTFOUND);
    CHECK_EQ_I64 (pmo_db_count (t, 1), 101);
    pmo_cursor_t *c = NULL;
    CHECK_RC (pmo_cursor_open (t, 1, &c), PMO_OK);
    pmo_val_t k;
    CHECK_RC (pmo_cursor_get (c, PMO_CURSOR_LAST, &k, &v), PMO_OK);
    CHECK (k.len == 2);  /* "k1" sorts after the 8-byte big-endian keys */
    pmo_be64_put (key, 42);
    k.data = key;
    k.len = 8;
    CHECK_RC (pmo_cursor_get (c, PMO_CURSOR_SEEK, &k, &v), PMO_OK);
    CHECK_EQ_I64 (pmo_be64_get (k.data), 42);
    CHECK_RC (pmo_cursor_get (c, PMO_CURSOR_NEXT, &k, &v), PMO_OK);
    CHECK_EQ_I64 (pmo_be64_get (k.data), 43);
    pmo_cursor_close (&c);
    pmo_txn_abort (&t);
    CHECK (t == NULL);

    /*  Exclusive opens: the second refuses while the first holds the lock. */
    pmo_store_close (&s);
    o.exclusive = true;
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    pmo_store_t *s2 = NULL;
    CHECK_RC (pmo_store_open (dir, &o, &s2, why, sizeof why), PMO_ELOCKED);
    CHECK (s2 == NULL && strstr (why, "in use by another test") != NULL);
    pmo_store_close (&s);
    CHECK_RC (pmo_store_open (dir, &o, &s2, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (pmo_store_found_version (s2), 1);
    pmo_store_close (&s2);
    pmo_store_close (&s2);  /* NULL is fine */
}

static void
s_schema (const char *dir)
{
    char why[256];
    pmo_store_t *s = NULL;
    pmo_store_opts_t o = s_opts ("test", 3, 0);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    pmo_store_close (&s);
    o.version = 4;  /* an older directory opens in a newer program, and is upgraded */
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (s ? pmo_store_found_version (s) : 0, 3);
    pmo_store_close (&s);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    CHECK_EQ_I64 (s ? pmo_store_found_version (s) : 0, 4);
    pmo_store_close (&s);
    o.version = 3;  /* a newer directory is refused */
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_ESCHEMA);
    CHECK_STR (why, "data directory has schema version 4, newer than this test (version 3); use a newer build");
    o = s_opts ("other", 9, 0);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_ESCHEMA);
    CHECK_STR (why, "this is a test data directory, not other");
}

static void
s_full (const char *dir)
{
    char why[256];
    pmo_store_t *s = NULL;
    pmo_store_opts_t o = s_opts ("test", 1, 1 << 20);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    REQUIRE_VOID (s != NULL);
    char value[900];
    memset (value, 'v', sizeof value);
    int rc = PMO_OK;
    uint64_t committed = 0;
    for (uint64_t i = 0; rc == PMO_OK && i < 10000; i++) {
        pmo_txn_t *t = NULL;
        rc = pmo_txn_begin (s, NULL, true, &t);
        uint8_t key[8];
        pmo_be64_put (key, i);
        if (!rc)
            rc = pmo_put (t, 0, key, 8, value, sizeof value, PMO_PUT_APPEND);
        if (!rc)
            rc = pmo_txn_commit (&t);
        pmo_txn_abort (&t);
        committed += rc == PMO_OK;
    }
    CHECK_RC (rc, PMO_EFULL);
    CHECK (committed > 100);
    /*  Reads still work and see exactly what was committed. */
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_EQ_I64 (t ? pmo_db_count (t, 0) : 0, committed);
    pmo_txn_abort (&t);
    pmo_store_close (&s);
    /*  A larger map on reopen takes more. */
    o.map_size = 8 << 20;
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    uint8_t key[8];
    pmo_be64_put (key, committed);
    CHECK_RC (pmo_put (t, 0, key, 8, value, sizeof value, PMO_PUT_APPEND), PMO_OK);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    pmo_store_close (&s);
}

/*  A lazy commit is a commit: visible at once and after a reopen, and the
 *  commits after it are ordinary ones. */
static void
s_lazy (const char *dir)
{
    pmo_store_opts_t o = s_opts ("test", 1, 0);
    pmo_store_t *s = NULL;
    char why[256];
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    REQUIRE_VOID (s != NULL);
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_RC (pmo_put (t, 0, "lazy", 4, "1", 1, 0), PMO_OK);
    CHECK_RC (pmo_txn_commit_lazy (&t), PMO_OK);
    CHECK (t == NULL);
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    CHECK_RC (pmo_put (t, 0, "eager", 5, "2", 1, 0), PMO_OK);
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    pmo_store_close (&s);
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    REQUIRE_VOID (s != NULL);
    pmo_val_t v;
    CHECK_RC (pmo_txn_begin (s, NULL, false, &t), PMO_OK);
    CHECK_RC (t ? pmo_get (t, 0, "lazy", 4, &v) : -1, PMO_OK);
    CHECK_RC (t ? pmo_get (t, 0, "eager", 5, &v) : -1, PMO_OK);
    pmo_txn_abort (&t);
    pmo_store_close (&s);
}

static void
s_keys (void)
{
    /*  Composite keys sort like their parts: ("A", 2) < ("A", 10) < ("AB", 1),
     *  and negative days before positive. */
    pmo_key_t a, b, c;
    pmo_key_init (&a);
    pmo_key_str (&a, "A");
    pmo_key_u64 (&a, 2);
    pmo_key_init (&b);
    pmo_key_str (&b, "A");
    pmo_key_u64 (&b, 10);
    pmo_key_init (&c);
    pmo_key_str (&c, "AB");
    pmo_key_u64 (&c, 1);
    CHECK (memcmp (a.buf, b.buf, a.len) < 0);
    CHECK (memcmp (b.buf, c.buf, b.len < c.len ? b.len : c.len) < 0);
    pmo_key_t n, p;
    pmo_key_init (&n);
    pmo_key_i32 (&n, -5);
    pmo_key_init (&p);
    pmo_key_i32 (&p, 3);
    CHECK (memcmp (n.buf, p.buf, 4) < 0);
    CHECK_EQ_I64 (pmo_bei32_get (n.buf), -5);
    pmo_key_t big;
    pmo_key_init (&big);
    char s[400];
    memset (s, 'x', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    pmo_key_str (&big, s);
    CHECK (!big.overflow);
    pmo_key_str (&big, s);
    CHECK (big.overflow);
}

int
main (void)
{
    char root[] = "/tmp/pmo-test-store-XXXXXX";
    REQUIRE (mkdtemp (root) != NULL);
    char dir[300];
    snprintf (dir, sizeof dir, "%s/basic/nested", root);
    s_basic (dir);
    snprintf (dir, sizeof dir, "%s/schema", root);
    s_schema (dir);
    snprintf (dir, sizeof dir, "%s/full", root);
    s_full (dir);
    snprintf (dir, sizeof dir, "%s/lazy", root);
    s_lazy (dir);
    s_keys ();
    if (harness_failures == 0)
        harness_rm_rf (root);
    return harness_report ();
}
