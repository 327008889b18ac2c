/*  test_health_edges: an index less than 0.0000005 below its threshold.
 *  pmo_health.c promises that a reason's numbers "visibly cross the
 *  threshold they are said to cross"; rounded to its 6 decimals at most,
 *  such an index printed as the threshold itself ("CPI 0.950000 below
 *  0.95").  The last resort now truncates to 6 decimals. */
#include <string.h>

#include "harness.h"
#include "pmo/pmo_evm.h"
#include "pmo/pmo_health.h"

static void
s_reason (const pmo_evm_t *e, pmo_rag_t want_rag, const char *want)
{
    pmo_health_policy_t p;
    pmo_health_policy_default (&p);
    pmo_health_t h;
    pmo_health_eval (&p, e, 0, &h);
    CHECK_EQ_I64 (h.rag, want_rag);
    CHECK_STR (h.reason, want);
}

static void
s_index_a_hair_below (void)
{
    pmo_evm_t e;
    memset (&e, 0, sizeof e);
    e.spi = e.spi_t = pmo_ratio_make (0, 0);

    e.cpi = pmo_ratio_make (9499999, 10000000);   /* 0.9499999 */
    s_reason (&e, PMO_RAG_AMBER, "amber: CPI 0.949999 below 0.95");
    e.cpi = pmo_ratio_make (8499999999LL, 10000000000LL);
    s_reason (&e, PMO_RAG_RED, "red: CPI 0.849999 below 0.85");

    /*  The same through pmo_evm_compute: EV 500,000,000 over AC 526,315,790. */
    pmo_evm_input_t in = {.start = 0, .finish = 9, .bac_minor = 1000000000, .percent_bp = 5000,
                          .ac_minor = 526315790};
    CHECK_RC (pmo_evm_compute (&in, 9, &e), PMO_OK);
    e.spi = e.spi_t = pmo_ratio_make (0, 0);
    s_reason (&e, PMO_RAG_AMBER, "amber: CPI 0.949999 below 0.95");

    /*  Unchanged where 6 rounded decimals already show it. */
    e.cpi = pmo_ratio_make (849999, 1000000);
    s_reason (&e, PMO_RAG_RED, "red: CPI 0.849999 below 0.85");
    e.cpi = pmo_ratio_make (9499, 10000);
    s_reason (&e, PMO_RAG_AMBER, "amber: CPI 0.9499 below 0.95");
}

int
main (void)
{
    s_index_a_hair_below ();
    return harness_report ();
}
