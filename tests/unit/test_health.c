/*  test_health: RAG colours and their exact reason strings for each rule,
 *  alone and together, the undefined cases, and `policy set`.
 *
 *  Most cases use the 100-day baseline 2026-01-01..2026-04-10 with BAC
 *  10,000,000 minor, so PV earns 100,000 a day and day k has PV k * 100,000. */
#include "harness.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_evm.h"
#include "pmo/pmo_health.h"
#include "pmo/pmo_prelude.h"

/*  Computes the baseline project at percent_bp and ac_minor on day index
 *  day_k (1 = 2026-01-01). */
static pmo_evm_t
s_project (int32_t percent_bp, int64_t ac_minor, int32_t day_k)
{
    int32_t start = 0;
    pmo_date_parse ("2026-01-01", &start);
    pmo_evm_input_t in = {.start = start, .finish = start + 99, .bac_minor = 10000000,
                          .percent_bp = percent_bp, .ac_minor = ac_minor};
    pmo_evm_t e;
    memset (&e, 0, sizeof e);
    if (pmo_evm_compute (&in, start + day_k - 1, &e) != PMO_OK)
        fprintf (stderr, "compute failed for %d bp, %lld, day %d\n", (int) percent_bp,
                 (long long) ac_minor, (int) day_k);
    return e;
}

/*  Evaluates and checks colour and reason together. */
#define CHECK_HEALTH(policy, evm, missed, want_rag, want_reason) do { \
    pmo_health_t h_; \
    memset (&h_, 0x5a, sizeof h_); \
    pmo_health_eval ((policy), (evm), (missed), &h_); \
    CHECK_EQ_I64 (h_.rag, (want_rag)); \
    CHECK_STR (h_.reason, (want_reason)); \
} while (0)

static void
s_test_defaults (void)
{
    pmo_health_policy_t p;
    memset (&p, 0, sizeof p);
    pmo_health_policy_default (&p);
    CHECK_EQ_I64 (p.cpi_amber_bp, 9500);
    CHECK_EQ_I64 (p.cpi_red_bp, 8500);
    CHECK_EQ_I64 (p.spi_amber_bp, 9500);
    CHECK_EQ_I64 (p.spi_red_bp, 8500);
    CHECK_EQ_I64 (p.overspend_amber_bp, 1000);
    CHECK_EQ_I64 (p.overspend_red_bp, 2500);
    CHECK_EQ_I64 (p.missed_amber, 1);
    CHECK_EQ_I64 (p.missed_red, 1);

    CHECK_STR (pmo_rag_name (PMO_RAG_GREEN), "green");
    CHECK_STR (pmo_rag_name (PMO_RAG_AMBER), "amber");
    CHECK_STR (pmo_rag_name (PMO_RAG_RED), "red");
    CHECK_STR (pmo_rag_name ((pmo_rag_t) 7), "unknown");
    CHECK_EQ_I64 (pmo_rag_parse ("green"), PMO_RAG_GREEN);
    CHECK_EQ_I64 (pmo_rag_parse ("amber"), PMO_RAG_AMBER);
    CHECK_EQ_I64 (pmo_rag_parse ("RED"), PMO_RAG_RED);
    CHECK_EQ_I64 (pmo_rag_parse ("Amber"), PMO_RAG_AMBER);
    CHECK_EQ_I64 (pmo_rag_parse ("yellow"), -1);
    CHECK_EQ_I64 (pmo_rag_parse ("re"), -1);
    CHECK_EQ_I64 (pmo_rag_parse ("redd"), -1);
    CHECK_EQ_I64 (pmo_rag_parse (""), -1);
    CHECK_EQ_I64 (pmo_rag_parse (NULL), -1);
}

static void
s_test_single_rules (void)
{
    pmo_health_policy_t p;
    pmo_health_policy_default (&p);

    /* Day 50, 50% done, AC 5M: CPI 1, SPI(t) 50/50 = 1, overspend 0. */
    pmo_evm_t e = s_project (5000, 5000000, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_GREEN, "green: on track");

    /* AC 5,555,555: CPI = 5M/5,555,555 = 1,000,000/1,111,111 = 0.9000009:
       below 0.95, not below 0.85.  Overspend 5.6 points: quiet. */
    e = s_project (5000, 5555555, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: CPI 0.900 below 0.95");

    /* Day 50, 40% done, AC 4M: CPI 1; SPI(t) = ES 40 / AT 50 = 0.8 < 0.85. */
    e = s_project (4000, 4000000, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_RED, "red: SPI(t) 0.800 below 0.85");

    /* Indices fine, one milestone missed: red by default. */
    e = s_project (5000, 5000000, 50);
    CHECK_HEALTH (&p, &e, 1, PMO_RAG_RED, "red: 1 milestone missed");
    CHECK_HEALTH (&p, &e, 3, PMO_RAG_RED, "red: 3 milestones missed");

    /* Boundaries are not crossings: 47.5% at AC 5M gives CPI = 4.75M/5M =
       0.95 and SPI(t) = 47.5/50 = 0.95 exactly.  Green. */
    e = s_project (4750, 5000000, 50);
    CHECK (pmo_ratio_cmp (e.cpi, 95, 100) == 0);
    CHECK (pmo_ratio_cmp (e.spi_t, 95, 100) == 0);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_GREEN, "green: on track");
    /* 42.5% at AC 5M: CPI 0.85 exactly is amber, not red; SPI(t) 0.85 too. */
    e = s_project (4250, 5000000, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: CPI 0.850 below 0.95; SPI(t) 0.850 below 0.95");
}

static void
s_test_overspend (void)
{
    /* With default CPI thresholds overspend never fires alone (spending 10
       points more than earned already puts CPI under 0.91), so silence the
       index rules to see it. */
    pmo_health_policy_t p;
    pmo_health_policy_default (&p);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", "0"), PMO_OK);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "0"), PMO_OK);

    /* Day 40, 40% done (SPI(t) 1): AC 5.2M = 52% of budget: 12 points over. */
    pmo_evm_t e = s_project (4000, 5200000, 40);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: spent 52% of budget at 40% complete");
    /* AC 6.6M: 26 points over the 25 of red. */
    e = s_project (4000, 6600000, 40);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_RED, "red: spent 66% of budget at 40% complete");
    /* AC 5M: exactly 10 points over, not more: quiet. */
    e = s_project (4000, 5000000, 40);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_GREEN, "green: on track");
    /* One minor more: fires, and the shares print with enough decimals to
       show the crossing (50.00001 - 40 > 10), not "spent 50% at 40%". */
    e = s_project (4000, 5000001, 40);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: spent 50.00001% of budget at 40% complete");
    e = s_project (4250, 5555000, 40);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: spent 55.55% of budget at 42.5% complete");
}

static void
s_test_multiple (void)
{
    pmo_health_policy_t p;
    pmo_health_policy_default (&p);

    /* Day 50, 40% done, AC 6.2M: CPI = 4M/6.2M = 20/31 = 0.645 (red);
       SPI(t) 0.8 (red); spent 62% at 40% = 22 points (amber); 2 missed (red).
       Listed in rule order; the worst colour wins. */
    pmo_evm_t e = s_project (4000, 6200000, 50);
    CHECK_HEALTH (&p, &e, 2, PMO_RAG_RED,
                  "red: CPI 0.645 below 0.85; SPI(t) 0.800 below 0.85; "
                  "spent 62% of budget at 40% complete; 2 milestones missed");

    /* Two ambers: 45% at day 50 gives SPI(t) 45/50 = 0.9; AC 4.9M gives
       CPI 45/49 = 0.918; overspend 4 points is quiet. */
    e = s_project (4500, 4900000, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_AMBER, "amber: CPI 0.918 below 0.95; SPI(t) 0.900 below 0.95");

    /* Amber milestones with red at 3: one amber rule plus a red index. */
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "3"), PMO_OK);
    CHECK_RC (pmo_health_policy_set (&p, "missed_amber", "2"), PMO_OK);
    e = s_project (5000, 5000000, 50);
    CHECK_HEALTH (&p, &e, 1, PMO_RAG_GREEN, "green: on track");
    CHECK_HEALTH (&p, &e, 2, PMO_RAG_AMBER, "amber: 2 milestones missed");
    CHECK_HEALTH (&p, &e, 3, PMO_RAG_RED, "red: 3 milestones missed");
    e = s_project (4000, 4000000, 50);
    CHECK_HEALTH (&p, &e, 2, PMO_RAG_RED, "red: SPI(t) 0.800 below 0.85; 2 milestones missed");
}

static void
s_test_undefined (void)
{
    pmo_health_policy_t p;
    pmo_health_policy_default (&p);

    /* Before the start with nothing booked: CPI, SPI and SPI(t) undefined. */
    pmo_evm_t e = s_project (0, 0, -10);
    CHECK (!e.cpi.defined && !e.spi.defined && !e.spi_t.defined);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_GREEN, "green: on track");

    /* SPI(t) undefined: the rule falls back to SPI and says so. */
    pmo_evm_t h;
    memset (&h, 0, sizeof h);
    h.bac = 10000000;
    h.ev = h.ac = 4000000;
    h.pv = 5000000;
    h.cpi = pmo_ratio_make (1, 1);
    h.spi = pmo_ratio_make (4, 5);
    h.spi_t = pmo_ratio_make (0, 0);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_RED, "red: SPI 0.800 below 0.85");
    /* SPI(t) defined wins over SPI, even when SPI looks worse. */
    h.spi = pmo_ratio_make (1, 2);
    h.spi_t = pmo_ratio_make (1, 1);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_GREEN, "green: on track");

    /* BAC 0: no spent share, so the overspend rule stays quiet. */
    memset (&h, 0, sizeof h);
    h.ac = 100;
    h.cpi = h.spi = h.spi_t = pmo_ratio_make (0, 0);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_GREEN, "green: on track");

    /* A spent share beyond int64 basis points prints whole, never wrapped:
       AC INT64_MAX on a BAC of 1 minor is 922,337,203,685,477,580,700%. */
    memset (&h, 0, sizeof h);
    h.bac = 1;
    h.ac = INT64_MAX;
    h.cpi = pmo_ratio_make (0, INT64_MAX);
    h.spi = h.spi_t = pmo_ratio_make (0, 0);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_RED,
                  "red: CPI 0.000 below 0.85; spent 922337203685477580700% of budget at 0% complete");

    /* No EVM at all: only milestones count. */
    CHECK_HEALTH (&p, NULL, 0, PMO_RAG_GREEN, "green: on track");
    CHECK_HEALTH (&p, NULL, 1, PMO_RAG_RED, "red: 1 milestone missed");
    CHECK_HEALTH (&p, NULL, -1, PMO_RAG_GREEN, "green: on track");

    /* An index just under the threshold prints enough decimals to show it:
       0.9499 would round to "0.950" at 3 decimals. */
    memset (&h, 0, sizeof h);
    h.cpi = pmo_ratio_make (9499, 10000);
    h.spi = h.spi_t = pmo_ratio_make (0, 0);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_AMBER, "amber: CPI 0.9499 below 0.95");
    h.cpi = pmo_ratio_make (849999, 1000000);
    CHECK_HEALTH (&p, &h, 0, PMO_RAG_RED, "red: CPI 0.849999 below 0.85");
}

static void
s_test_policy_set (void)
{
    pmo_health_policy_t p, before;
    pmo_health_policy_default (&p);

    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "0.9"), PMO_OK);
    CHECK_EQ_I64 (p.cpi_amber_bp, 9000);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", "0.8125"), PMO_OK);
    CHECK_EQ_I64 (p.cpi_red_bp, 8125);
    CHECK_RC (pmo_health_policy_set (&p, "spi_amber", "1"), PMO_OK);
    CHECK_EQ_I64 (p.spi_amber_bp, 10000);
    CHECK_RC (pmo_health_policy_set (&p, "spi_red", "0.95"), PMO_OK);
    CHECK_EQ_I64 (p.spi_red_bp, 9500);
    CHECK_RC (pmo_health_policy_set (&p, "overspend_amber", "12.5"), PMO_OK);
    CHECK_EQ_I64 (p.overspend_amber_bp, 1250);
    CHECK_RC (pmo_health_policy_set (&p, "overspend_red", "30"), PMO_OK);
    CHECK_EQ_I64 (p.overspend_red_bp, 3000);
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "2"), PMO_OK);
    CHECK_EQ_I64 (p.missed_red, 2);
    CHECK_RC (pmo_health_policy_set (&p, "missed_amber", "2"), PMO_OK);  /* equal is allowed */
    CHECK_EQ_I64 (p.missed_amber, 2);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", "0.9"), PMO_OK);     /* equal: red-only */

    /* The new policy is what eval uses: CPI 0.9 no longer fires. */
    pmo_evm_t e = s_project (5000, 5555555, 50);
    CHECK_HEALTH (&p, &e, 0, PMO_RAG_GREEN, "green: on track");

    before = p;
    /* Unknown keys. */
    CHECK_RC (pmo_health_policy_set (&p, "cpi", "0.9"), PMO_ENOTFOUND);
    CHECK_RC (pmo_health_policy_set (&p, "CPI_AMBER", "0.9"), PMO_ENOTFOUND);
    CHECK_RC (pmo_health_policy_set (&p, "", "1"), PMO_ENOTFOUND);
    /* Bad values. */
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "abc"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", ""), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "-0.5"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "0.95001"), PMO_EINVAL);  /* > 4 decimals */
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "95%"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", " 0.9"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "10.0001"), PMO_EINVAL); /* over 10 */
    CHECK_RC (pmo_health_policy_set (&p, "overspend_amber", "12.555"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "overspend_amber", "-1"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "overspend_red", "1000.01"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "0"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "1.5"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "99999999999"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "x"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, NULL, "1"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", NULL), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (NULL, "cpi_red", "0.5"), PMO_EINVAL);
    /* Red looser than amber. */
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", "0.91"), PMO_EINVAL);      /* amber 0.9 */
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "0.89"), PMO_EINVAL);    /* red 0.9 */
    CHECK_RC (pmo_health_policy_set (&p, "spi_red", "1.01"), PMO_EINVAL);
    CHECK_RC (pmo_health_policy_set (&p, "overspend_red", "12"), PMO_EINVAL);  /* amber 12.5 */
    CHECK_RC (pmo_health_policy_set (&p, "overspend_amber", "31"), PMO_EINVAL); /* red 30 */
    CHECK_RC (pmo_health_policy_set (&p, "missed_red", "1"), PMO_EINVAL);      /* amber 2 */
    CHECK_RC (pmo_health_policy_set (&p, "missed_amber", "3"), PMO_EINVAL);    /* red 2 */
    CHECK (memcmp (&p, &before, sizeof p) == 0);  /* nothing changed */

    /* Loosening both in the right order works. */
    CHECK_RC (pmo_health_policy_set (&p, "cpi_red", "0.7"), PMO_OK);
    CHECK_RC (pmo_health_policy_set (&p, "cpi_amber", "0.8"), PMO_OK);
    CHECK_EQ_I64 (p.cpi_red_bp, 7000);
    CHECK_EQ_I64 (p.cpi_amber_bp, 8000);
}

int
main (void)
{
    s_test_defaults ();
    s_test_single_rules ();
    s_test_overspend ();
    s_test_multiple ();
    s_test_undefined ();
    s_test_policy_set ();
    return harness_report ();
}
