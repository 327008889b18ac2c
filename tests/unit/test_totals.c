/*  test_totals: pmod's ProjectTotals codec (broker/totals.h) against
 *  protobuf-c itself.  On 20,000 random records (each field present or
 *  not, values of every size and sign, a project or none): encode writes
 *  the bytes protobuf_c_message_pack writes; decode reads from them what
 *  protobuf-c's unpack reads; every cut of the bytes decodes exactly when
 *  protobuf-c's unpack accepts it; a known field of the wrong wire type is
 *  refused by both; unknown fields are skipped; and the get/put pair
 *  round-trips through a scratch store. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "tables.h"
#include "totals.h"

static uint64_t
s_rand (uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/*  A value of 1 to 64 significant bits, negative half the time. */
static uint64_t
s_value (uint64_t *x)
{
    uint64_t v = s_rand (x) >> (s_rand (x) % 64);
    return (s_rand (x) & 1) ? 0 - v : v;  /* unsigned: no overflow */
}

static void
s_random (uint64_t *x, Pmo__ProjectTotals *t, char *project)
{
    pmo__project_totals__init (t);
    if (s_rand (x) % 4) {
        size_t n = s_rand (x) % 33;
        for (size_t i = 0; i < n; i++)
            project[i] = (char) ('A' + s_rand (x) % 26);
        project[n] = '\0';
        t->project = project;
    }
#define S_MAYBE(name, type) \
    if (s_rand (x) % 3) { t->has_##name = 1; t->name = (type) s_value (x); }
    S_MAYBE (minutes, int64_t) S_MAYBE (labour_minor, int64_t) S_MAYBE (cost_minor, int64_t)
    S_MAYBE (material_minor, int64_t) S_MAYBE (travel_minor, int64_t) S_MAYBE (contractor_minor, int64_t)
    S_MAYBE (other_minor, int64_t) S_MAYBE (labour_cost_minor, int64_t) S_MAYBE (time_entries, uint64_t)
    S_MAYBE (cost_entries, uint64_t) S_MAYBE (progress_updates, uint64_t) S_MAYBE (last_update_ms, int64_t)
    S_MAYBE (percent_bp, int32_t)
#undef S_MAYBE
}

/*  Every field but the project, which decode leaves to the key. */
static bool
s_same (const Pmo__ProjectTotals *a, const Pmo__ProjectTotals *b)
{
#define S_EQ(name) (a->has_##name == b->has_##name && (!a->has_##name || a->name == b->name))
    return S_EQ (minutes) && S_EQ (labour_minor) && S_EQ (cost_minor) && S_EQ (material_minor)
           && S_EQ (travel_minor) && S_EQ (contractor_minor) && S_EQ (other_minor)
           && S_EQ (labour_cost_minor) && S_EQ (time_entries) && S_EQ (cost_entries)
           && S_EQ (progress_updates) && S_EQ (last_update_ms) && S_EQ (percent_bp);
#undef S_EQ
}

static void
s_test_against_protobuf_c (void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int same_bytes = 0, same_fields = 0, cuts_agree = 0, cuts = 0;
    for (int i = 0; i < 20000; i++) {
        Pmo__ProjectTotals t, got;
        char project[40];
        s_random (&x, &t, project);
        uint8_t mine[TOTALS_MAX_BYTES + 40], theirs[TOTALS_MAX_BYTES + 40];
        size_t n = totals_encode (&t, mine);
        size_t m = protobuf_c_message_get_packed_size (&t.base);
        if (m > sizeof theirs) {
            CHECK (m <= sizeof theirs);
            continue;
        }
        protobuf_c_message_pack (&t.base, theirs);
        same_bytes += n == m && memcmp (mine, theirs, n) == 0;

        Pmo__ProjectTotals *ref = pmo__project_totals__unpack (NULL, m, theirs);
        CHECK (ref != NULL);
        if (ref && totals_decode (theirs, m, &got) == PMO_OK && s_same (&got, ref) && got.project == NULL)
            same_fields++;
        pmo__project_totals__free_unpacked (ref, NULL);

        /*  A few cuts per record: accepted exactly when protobuf-c accepts. */
        for (int c = 0; c < 3 && m > 0; c++, cuts++) {
            size_t len = (size_t) (s_rand (&x) % m);
            Pmo__ProjectTotals *cut = pmo__project_totals__unpack (NULL, len, theirs);
            bool ours = totals_decode (theirs, len, &got) == PMO_OK;
            cuts_agree += ours == (cut != NULL) && (!cut || s_same (&got, cut));
            pmo__project_totals__free_unpacked (cut, NULL);
        }
    }
    CHECK_EQ_I64 (same_bytes, 20000);
    CHECK_EQ_I64 (same_fields, 20000);
    CHECK_EQ_I64 (cuts_agree, cuts);
    CHECK (cuts > 50000);
}

static void
s_test_wire_shapes (void)
{
    Pmo__ProjectTotals t;
    /*  minutes (2) as a length-delimited field: both refuse. */
    static const uint8_t wrong_type[] = {2 << 3 | 2, 1, 0x05};
    CHECK (pmo__project_totals__unpack (NULL, sizeof wrong_type, wrong_type) == NULL);
    CHECK_RC (totals_decode (wrong_type, sizeof wrong_type, &t), PMO_ECORRUPT);
    /*  The project (1) as a varint: both refuse. */
    static const uint8_t wrong_project[] = {1 << 3 | 0, 7};
    CHECK (pmo__project_totals__unpack (NULL, sizeof wrong_project, wrong_project) == NULL);
    CHECK_RC (totals_decode (wrong_project, sizeof wrong_project, &t), PMO_ECORRUPT);
    /*  An unknown field 15 between two known ones is skipped; a repeated
     *  field takes its last value, as protobuf-c does. */
    static const uint8_t unknown[] = {2 << 3, 10, 15 << 3 | 2, 2, 'h', 'i', 2 << 3, 0x96, 0x01, 14 << 3, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    CHECK_RC (totals_decode (unknown, sizeof unknown, &t), PMO_OK);
    CHECK (t.has_minutes && t.minutes == 150);
    CHECK (t.has_percent_bp && t.percent_bp == -1);
    CHECK (!t.has_labour_minor && t.project == NULL);
    /*  Empty bytes: an empty record. */
    CHECK_RC (totals_decode (unknown, 0, &t), PMO_OK);
    CHECK (!t.has_minutes);
}

/*  totals_put then totals_get, and a get of a key never put. */
static int
s_test_store (void)
{
    char dir[] = "/tmp/pmo-test-totals-XXXXXX";
    REQUIRE (mkdtemp (dir) != NULL);
    pmo_store_opts_t o;
    tables_store_opts (&o);
    pmo_store_t *st = NULL;
    char why[256];
    REQUIRE (pmo_store_open (dir, &o, &st, why, sizeof why) == PMO_OK);
    pmo_txn_t *txn = NULL;
    REQUIRE (pmo_txn_begin (st, NULL, true, &txn) == PMO_OK);
    Pmo__ProjectTotals t = PMO__PROJECT_TOTALS__INIT, got;
    t.project = "ALPHA";
    t.has_minutes = 1;
    t.minutes = -42;
    t.has_percent_bp = 1;
    t.percent_bp = 6250;
    pmo_key_t k, absent;
    tables_key_code (&k, "ALPHA");
    tables_key_code (&absent, "BETA");
    CHECK_RC (totals_put (txn, DB_TOTALS, &k, &t), PMO_OK);
    CHECK_RC (pmo_txn_commit (&txn), PMO_OK);
    REQUIRE (pmo_txn_begin (st, NULL, false, &txn) == PMO_OK);
    CHECK_RC (totals_get (txn, DB_TOTALS, &k, &got), PMO_OK);
    CHECK (s_same (&got, &t));
    CHECK_RC (totals_get (txn, DB_TOTALS, &absent, &got), PMO_ENOTFOUND);
    CHECK (!got.has_minutes);
    pmo_txn_abort (&txn);
    pmo_store_close (&st);
    harness_rm_rf (dir);
    return 0;
}

int
main (void)
{
    s_test_against_protobuf_c ();
    s_test_wire_shapes ();
    if (s_test_store ())
        return 1;
    return harness_report ();
}
