/*  test_evm: hand-computed earned value cases, checked to the minor unit,
 *  with every index checked both as num/den and as printed text.  Each case
 *  carries its arithmetic in a comment; the figures were worked by hand and
 *  re-checked with exact fractions (never floating point). */
#include "harness.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_evm.h"
#include "pmo/pmo_prelude.h"

static int32_t
s_day (const char *iso)
{
    int32_t d = 0;
    if (pmo_date_parse (iso, &d) != PMO_OK)
        fprintf (stderr, "bad test date %s\n", iso);
    return d;
}

/*  Returns r printed with decimals, in a static buffer (one use per CHECK). */
static const char *
s_fmt (pmo_ratio_t r, int decimals)
{
    static char buf[64];
    if (pmo_ratio_format (r, decimals, buf, sizeof buf) != PMO_OK)
        return "(format failed)";
    return buf;
}

/*  Checks r is defined and equals num/den exactly, in lowest terms. */
#define CHECK_RATIO(r, n, d) do { \
    CHECK ((r).defined); \
    CHECK_EQ_I64 ((r).num, (n)); \
    CHECK_EQ_I64 ((r).den, (d)); \
} while (0)

static void
s_test_ratio (void)
{
    pmo_ratio_t r = pmo_ratio_make (6, -4);
    CHECK_RATIO (r, -3, 2);
    r = pmo_ratio_make (0, -5);
    CHECK_RATIO (r, 0, 1);
    r = pmo_ratio_make (-10, -4);
    CHECK_RATIO (r, 5, 2);
    CHECK (!pmo_ratio_make (1, 0).defined);
    CHECK_EQ_I64 (pmo_ratio_make (1, 0).den, 0);
    /* 2^63 fits neither num nor den: refuse rather than wrap. */
    CHECK (!pmo_ratio_make (INT64_MIN, -1).defined);
    CHECK (!pmo_ratio_make (1, INT64_MIN).defined);
    r = pmo_ratio_make (INT64_MIN, 2);
    CHECK_RATIO (r, INT64_MIN / 2, 1);
    r = pmo_ratio_make (INT64_MIN, INT64_MIN);
    CHECK_RATIO (r, 1, 1);

    /* Formatting: integer arithmetic, half away from zero. */
    CHECK_STR (s_fmt (pmo_ratio_make (8, 9), 3), "0.889");
    CHECK_STR (s_fmt (pmo_ratio_make (12, 11), 3), "1.091");
    CHECK_STR (s_fmt (pmo_ratio_make (3, 2), 0), "2");
    CHECK_STR (s_fmt (pmo_ratio_make (-3, 2), 0), "-2");
    CHECK_STR (s_fmt (pmo_ratio_make (1, 8), 2), "0.13");
    CHECK_STR (s_fmt (pmo_ratio_make (-1, 8), 2), "-0.13");
    CHECK_STR (s_fmt (pmo_ratio_make (-3, 2), 2), "-1.50");
    CHECK_STR (s_fmt (pmo_ratio_make (2, 3), 6), "0.666667");
    CHECK_STR (s_fmt (pmo_ratio_make (-1, 3000), 3), "0.000");  /* no "-0.000" */
    CHECK_STR (s_fmt (pmo_ratio_make (-1, 2000), 3), "-0.001");
    CHECK_STR (s_fmt (pmo_ratio_make (5, 1), 0), "5");
    CHECK_STR (s_fmt (pmo_ratio_make (0, 7), 3), "0.000");
    CHECK_STR (s_fmt (pmo_ratio_make (INT64_MAX, 1), 6), "9223372036854775807.000000");
    CHECK_STR (s_fmt (pmo_ratio_make (INT64_MIN, 1), 6), "-9223372036854775808.000000");
    CHECK_STR (s_fmt (pmo_ratio_make (INT64_MAX, INT64_MAX - 1), 6), "1.000000");
    CHECK_STR (s_fmt (pmo_ratio_make (1, 0), 3), "undefined");

    char buf[16] = "xxxxxxx";
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (8, 9), 7, buf, sizeof buf), PMO_EINVAL);
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (8, 9), -1, buf, sizeof buf), PMO_EINVAL);
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (8, 9), 3, NULL, 8), PMO_EINVAL);
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (8, 9), 3, buf, 5), PMO_ETOOBIG);  /* needs 6 */
    CHECK_STR (buf, "");
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (8, 9), 3, buf, 6), PMO_OK);
    CHECK_STR (buf, "0.889");
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (1, 0), 3, buf, 9), PMO_ETOOBIG);
    CHECK_RC (pmo_ratio_format (pmo_ratio_make (1, 0), 3, buf, 10), PMO_OK);
    CHECK_STR (buf, "undefined");

    /* Exact comparison: 8/9 against thresholds. */
    pmo_ratio_t cpi = pmo_ratio_make (8, 9);
    CHECK (pmo_ratio_cmp (cpi, 85, 100) > 0);
    CHECK (pmo_ratio_cmp (cpi, 9, 10) < 0);
    CHECK (pmo_ratio_cmp (cpi, 16, 18) == 0);
    CHECK (pmo_ratio_cmp (cpi, -8, -9) == 0);  /* negative den */
    CHECK (pmo_ratio_cmp (cpi, 9, -10) > 0);
    CHECK (pmo_ratio_cmp (pmo_ratio_make (-1, 3), 0, 1) < 0);
    CHECK (pmo_ratio_cmp (pmo_ratio_make (1, 0), 0, 1) == 0);  /* undefined */
    CHECK (pmo_ratio_cmp (cpi, 1, 0) == 0);
    /* Differ only past the 18th decimal: 64-bit floating point could not tell them apart. */
    CHECK (pmo_ratio_cmp (pmo_ratio_make (INT64_MAX - 1, INT64_MAX), 1, 1) < 0);
    CHECK (pmo_ratio_cmp (pmo_ratio_make (INT64_MAX - 1, INT64_MAX), INT64_MAX - 2,
                          INT64_MAX - 1) > 0);
}

/*  The worked example.
 *  Baseline 2026-01-01 .. 2026-04-10: Jan 31 + Feb 28 + Mar 31 + 10 = 100 days.
 *  BAC 100000.00 = 10,000,000 minor, so linear PV earns 100,000 a day:
 *  PV(k) = 10,000,000 * k / 100 = 100,000 * k.
 *  As of 2026-02-19 = day 31 + 19 = 50: PV = 5,000,000.
 *  EV = 10,000,000 * 4000 / 10000 = 4,000,000.  AC = 4,500,000.
 *  CV = 4,000,000 - 4,500,000 = -500,000.   SV = 4,000,000 - 5,000,000 = -1,000,000.
 *  CPI = 4.0M / 4.5M = 8/9 = 0.888.. -> "0.889".   SPI = 4M / 5M = 4/5 -> "0.800".
 *  EAC = BAC * AC / EV = 10M * 4.5M / 4M = 11,250,000.
 *  EAC atypical = 4.5M + (10M - 4M) = 10,500,000.
 *  EAC combined = 4.5M + 6M * 4.5M * 5M / (4M)^2 = 4.5M + 135e18 / 16e12
 *               = 4.5M + 8,437,500 = 12,937,500   (CPI*SPI = 32/45; 6M / (32/45) = 8,437,500).
 *  ETC = 11.25M - 4.5M = 6,750,000.   VAC = 10M - 11.25M = -1,250,000.
 *  TCPI = 6M / (10M - 4.5M) = 6/5.5 = 12/11 = 1.0909.. -> "1.091".
 *  TCPI(EAC) = 6M / (11.25M - 4.5M) = 6/6.75 = 8/9 -> "0.889".
 *  ES: PV(40) = 4,000,000 = EV and PV(41) = 4,100,000 > EV, so C = 40 and
 *  ES = 40 + (4.0M - 4.0M) / 100,000 = 40.  AT = 50.  SV(t) = -10 days.
 *  SPI(t) = 40/50 = 4/5 -> "0.800". */
static void
s_test_worked_example (void)
{
    pmo_evm_input_t in = {.start = s_day ("2026-01-01"), .finish = s_day ("2026-04-10"),
                          .bac_minor = 10000000, .percent_bp = 4000, .ac_minor = 4500000};
    CHECK_EQ_I64 (in.finish - in.start + 1, 100);
    CHECK_EQ_I64 (pmo_evm_method (&in), PMO_PV_LINEAR);
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.start - 1), 0);
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.start), 100000);       /* the start day earns its share */
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.finish - 1), 9900000);
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.finish), 10000000);    /* BAC exactly on the finish day */
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.finish + 30), 10000000);

    int32_t as_of = s_day ("2026-02-19");
    CHECK_EQ_I64 (as_of - in.start + 1, 50);
    pmo_evm_t e;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_EQ_I64 (e.method, PMO_PV_LINEAR);
    CHECK_EQ_I64 (e.bac, 10000000);
    CHECK_EQ_I64 (e.pv, 5000000);
    CHECK_EQ_I64 (e.ev, 4000000);
    CHECK_EQ_I64 (e.ac, 4500000);
    CHECK_EQ_I64 (e.cv, -500000);
    CHECK_EQ_I64 (e.sv, -1000000);
    CHECK_RATIO (e.cpi, 8, 9);
    CHECK_STR (s_fmt (e.cpi, 3), "0.889");
    CHECK_RATIO (e.spi, 4, 5);
    CHECK_STR (s_fmt (e.spi, 3), "0.800");
    CHECK (e.eac_defined && e.eac_atypical_defined && e.eac_combined_defined);
    CHECK_EQ_I64 (e.eac, 11250000);
    CHECK_EQ_I64 (e.eac_atypical, 10500000);
    CHECK_EQ_I64 (e.eac_combined, 12937500);
    CHECK_EQ_I64 (e.etc, 6750000);
    CHECK_EQ_I64 (e.vac, -1250000);
    CHECK_RATIO (e.tcpi, 12, 11);
    CHECK_STR (s_fmt (e.tcpi, 3), "1.091");
    CHECK_RATIO (e.tcpi_eac, 8, 9);
    CHECK_STR (s_fmt (e.tcpi_eac, 3), "0.889");
    CHECK_RATIO (e.es_days, 40, 1);
    CHECK_EQ_I64 (e.at_days, 50);
    CHECK_RATIO (e.sv_t_days, -10, 1);
    CHECK_STR (s_fmt (e.sv_t_days, 1), "-10.0");
    CHECK_RATIO (e.spi_t, 4, 5);
    CHECK_STR (s_fmt (e.spi_t, 3), "0.800");
}

/*  Rounding.  BAC 1000.00 = 100,000 minor over 3 days (2026-01-01..03):
 *  PV(1) = 100,000/3 = 33,333.33 -> 33,333;  PV(2) = 66,666.67 -> 66,667;  PV(3) = 100,000.
 *  As of day 2, 40%: EV = 40,000.  AC = 41,233.
 *  SV = 40,000 - 66,667 = -26,667.  CV = -1,233.
 *  CPI = 40,000/41,233 (gcd 1) = 0.97010.. -> "0.970".
 *  SPI = 40,000/66,667 (gcd 1) = 0.599997.. -> "0.600".
 *  EAC = 100,000 * 41,233 / 40,000 = 103,082.5 -> half away from zero -> 103,083.
 *  ETC = 61,850, VAC = -3,083; TCPI(EAC) = 60,000/61,850 = 1200/1237.
 *  TCPI = 60,000 / 58,767 = 20000/19589.
 *  EAC combined = 41,233 + 60,000 * 41,233 * 66,667 / 40,000^2
 *               = 41,233 + 103,083.0154.. -> 41,233 + 103,083 = 144,316.
 *  ES: PV(1) = 33,333 <= 40,000 < PV(2) = 66,667, so C = 1 and
 *  ES = 1 + (40,000 - 33,333) / (66,667 - 33,333) = 1 + 6,667/33,334
 *     = 40,001/33,334 (gcd 1) = 1.200006.. days.  AT = 2.
 *  SV(t) = 40,001/33,334 - 2 = -26,667/33,334 = -0.799994..
 *  SPI(t) = 40,001/66,668 = 0.600003.. */
static void
s_test_rounding (void)
{
    pmo_evm_input_t in = {.start = s_day ("2026-01-01"), .finish = s_day ("2026-01-03"),
                          .bac_minor = 100000, .percent_bp = 4000, .ac_minor = 41233};
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.start), 33333);
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.start + 1), 66667);
    CHECK_EQ_I64 (pmo_evm_pv (&in, in.start + 2), 100000);

    pmo_evm_t e;
    CHECK_RC (pmo_evm_compute (&in, in.start + 1, &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 66667);
    CHECK_EQ_I64 (e.ev, 40000);
    CHECK_EQ_I64 (e.cv, -1233);
    CHECK_EQ_I64 (e.sv, -26667);
    CHECK_RATIO (e.cpi, 40000, 41233);
    CHECK_STR (s_fmt (e.cpi, 3), "0.970");
    CHECK_RATIO (e.spi, 40000, 66667);
    CHECK_STR (s_fmt (e.spi, 3), "0.600");
    CHECK_STR (s_fmt (e.spi, 6), "0.599997");
    CHECK_EQ_I64 (e.eac, 103083);
    CHECK_EQ_I64 (e.etc, 61850);
    CHECK_EQ_I64 (e.vac, -3083);
    CHECK_EQ_I64 (e.eac_atypical, 101233);
    CHECK_EQ_I64 (e.eac_combined, 144316);
    CHECK_RATIO (e.tcpi, 20000, 19589);
    CHECK_RATIO (e.tcpi_eac, 1200, 1237);
    CHECK_RATIO (e.es_days, 40001, 33334);
    CHECK_STR (s_fmt (e.es_days, 3), "1.200");
    CHECK_STR (s_fmt (e.es_days, 6), "1.200006");
    CHECK_EQ_I64 (e.at_days, 2);
    CHECK_RATIO (e.sv_t_days, -26667, 33334);
    CHECK_STR (s_fmt (e.sv_t_days, 3), "-0.800");
    CHECK_STR (s_fmt (e.sv_t_days, 6), "-0.799994");
    CHECK_RATIO (e.spi_t, 40001, 66668);
    CHECK_STR (s_fmt (e.spi_t, 6), "0.600003");

    /* 50% lands halfway through day 2: 1 + 16,667/33,334 = 1 + 1/2 exactly. */
    in.percent_bp = 5000;
    CHECK_RC (pmo_evm_compute (&in, in.start + 1, &e), PMO_OK);
    CHECK_EQ_I64 (e.ev, 50000);
    CHECK_RATIO (e.es_days, 3, 2);
    CHECK_RATIO (e.spi_t, 3, 4);

    /* 100% complete: C reaches the duration and ES is the duration. */
    in.percent_bp = 10000;
    CHECK_RC (pmo_evm_compute (&in, in.start + 9, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 3, 1);
    CHECK_EQ_I64 (e.at_days, 10);
    CHECK_RATIO (e.spi_t, 3, 10);

    /* EV rounding: 1 minor at 50.00% is 0.5 -> 1 (half away from zero). */
    pmo_evm_input_t tiny = {.start = in.start, .finish = in.start, .bac_minor = 1,
                            .percent_bp = 5000, .ac_minor = 1};
    CHECK_RC (pmo_evm_compute (&tiny, in.start, &e), PMO_OK);
    CHECK_EQ_I64 (e.ev, 1);
    tiny.percent_bp = 4999;
    CHECK_RC (pmo_evm_compute (&tiny, in.start, &e), PMO_OK);
    CHECK_EQ_I64 (e.ev, 0);
}

static void
s_test_undefined (void)
{
    pmo_evm_input_t in = {.start = s_day ("2026-01-01"), .finish = s_day ("2026-04-10"),
                          .bac_minor = 10000000, .percent_bp = 4000, .ac_minor = 0};
    pmo_evm_t e;

    /* No cost booked: CPI and every EAC that divides by CPI are undefined;
       the atypical EAC is AC + (BAC - EV) = 0 + 6M. */
    CHECK_RC (pmo_evm_compute (&in, s_day ("2026-02-19"), &e), PMO_OK);
    CHECK (!e.cpi.defined);
    CHECK_STR (s_fmt (e.cpi, 3), "undefined");
    CHECK (!e.eac_defined);  /* BAC / CPI with CPI undefined, not BAC * 0 / EV = 0 */
    CHECK (!e.tcpi_eac.defined);
    CHECK (!e.eac_combined_defined);
    CHECK (e.eac_atypical_defined);
    CHECK_EQ_I64 (e.eac_atypical, 6000000);
    CHECK_RATIO (e.spi, 4, 5);

    /* Nothing earned: EAC (typical) undefined, so ETC, VAC and TCPI(EAC) too. */
    in.percent_bp = 0;
    in.ac_minor = 100;
    CHECK_RC (pmo_evm_compute (&in, s_day ("2026-02-19"), &e), PMO_OK);
    CHECK_RATIO (e.cpi, 0, 1);
    CHECK (!e.eac_defined);
    CHECK (!e.eac_combined_defined);
    CHECK (!e.tcpi_eac.defined);
    CHECK_EQ_I64 (e.eac_atypical, 10000100);
    CHECK_RATIO (e.es_days, 0, 1);  /* EV 0 < PV(1): C = 0, ES = 0 + 0/100,000 */

    /* Before the start: PV 0, SPI undefined, AT 0, SPI(t) undefined. */
    in.percent_bp = 0;
    in.ac_minor = 0;
    CHECK_RC (pmo_evm_compute (&in, s_day ("2025-12-15"), &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 0);
    CHECK_EQ_I64 (e.sv, 0);
    CHECK (!e.spi.defined);
    CHECK (!e.cpi.defined);
    CHECK_EQ_I64 (e.at_days, 0);
    CHECK (!e.spi_t.defined);
    CHECK_STR (s_fmt (e.spi_t, 3), "undefined");
    CHECK_RATIO (e.es_days, 0, 1);
    CHECK_RATIO (e.sv_t_days, 0, 1);
    CHECK_RATIO (e.tcpi, 1, 1);  /* 10M / 10M */
    /* The day before the start is still AT 0; the start day is AT 1. */
    CHECK_RC (pmo_evm_compute (&in, in.start - 1, &e), PMO_OK);
    CHECK_EQ_I64 (e.at_days, 0);
    CHECK_RC (pmo_evm_compute (&in, in.start, &e), PMO_OK);
    CHECK_EQ_I64 (e.at_days, 1);
    CHECK_EQ_I64 (e.pv, 100000);

    /* BAC == AC: TCPI = (BAC-EV)/0 is undefined (no budget left to finish on). */
    in.percent_bp = 8000;
    in.ac_minor = 10000000;
    CHECK_RC (pmo_evm_compute (&in, s_day ("2026-03-31"), &e), PMO_OK);
    CHECK (!e.tcpi.defined);
    CHECK_EQ_I64 (e.eac, 12500000);
    CHECK_RATIO (e.tcpi_eac, 4, 5);  /* 2M / (12.5M - 10M) */

    /* EAC == AC (finished exactly on budget): TCPI(EAC) undefined. */
    in.percent_bp = 10000;
    in.ac_minor = 10000000;
    CHECK_RC (pmo_evm_compute (&in, in.finish, &e), PMO_OK);
    CHECK_EQ_I64 (e.etc, 0);
    CHECK (!e.tcpi_eac.defined);

    /* BAC 0: nothing to earn, schedule in time is undefined. */
    pmo_evm_input_t zero = {.start = in.start, .finish = in.finish, .bac_minor = 0,
                            .percent_bp = 5000, .ac_minor = 0};
    CHECK_RC (pmo_evm_compute (&zero, s_day ("2026-02-19"), &e), PMO_OK);
    CHECK_EQ_I64 (e.ev, 0);
    CHECK (!e.es_days.defined && !e.sv_t_days.defined && !e.spi_t.defined);
    CHECK_EQ_I64 (e.at_days, 50);
    CHECK (!e.cpi.defined && !e.spi.defined && !e.tcpi.defined && !e.eac_defined);
}

/*  Milestone-weighted PV.  40 days 2026-01-01..2026-02-09, BAC 10,000,000;
 *  weights 1, 1, 2 (total 4) due on days 10, 20 and 40:
 *      days  1..9   PV 0
 *      days 10..19  PV 10M * 1/4 = 2,500,000
 *      days 20..39  PV 10M * 2/4 = 5,000,000
 *      day  40      PV 10M * 4/4 = 10,000,000
 *  As of day 25 (AT 25): PV = 5,000,000.
 *  60%: EV 6M.  PV(39) = 5M <= 6M < PV(40) = 10M: C = 39,
 *       ES = 39 + (6M - 5M)/(10M - 5M) = 39.2 = 196/5; SPI(t) = 39.2/25 = 196/125.
 *  25%: EV 2.5M.  PV(19) = 2.5M <= EV < PV(20) = 5M: C = 19, ES = 19 + 0 = 19.
 *  10%: EV 1M.  PV(9) = 0 <= EV < PV(10) = 2.5M: C = 9, ES = 9 + 1M/2.5M = 47/5. */
static void
s_test_milestones (void)
{
    int32_t start = s_day ("2026-01-01");
    pmo_evm_milestone_t ms[] = {{start + 9, 1}, {start + 19, 1}, {start + 39, 2}};
    pmo_evm_input_t in = {.start = start, .finish = start + 39, .bac_minor = 10000000,
                          .percent_bp = 6000, .ac_minor = 1000000, .milestones = ms,
                          .n_milestones = 3};
    CHECK_EQ_I64 (pmo_evm_method (&in), PMO_PV_MILESTONES);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start), 0);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 8), 0);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 9), 2500000);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 18), 2500000);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 19), 5000000);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 38), 5000000);
    CHECK_EQ_I64 (pmo_evm_pv (&in, start + 39), 10000000);

    pmo_evm_t e;
    int32_t as_of = start + 24;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_EQ_I64 (e.method, PMO_PV_MILESTONES);
    CHECK_EQ_I64 (e.pv, 5000000);
    CHECK_EQ_I64 (e.ev, 6000000);
    CHECK_EQ_I64 (e.sv, 1000000);
    CHECK_RATIO (e.spi, 6, 5);
    CHECK_RATIO (e.es_days, 196, 5);
    CHECK_STR (s_fmt (e.es_days, 1), "39.2");
    CHECK_EQ_I64 (e.at_days, 25);
    CHECK_RATIO (e.sv_t_days, 71, 5);
    CHECK_RATIO (e.spi_t, 196, 125);
    CHECK_STR (s_fmt (e.spi_t, 3), "1.568");

    /*  EV 2,500,000 is what was planned from day 10 (the first step)
     *  through day 19: PV is flat at EV there.  At day 25, past the
     *  stretch, ES is its last day, 19 (Lipke's C counts the days with PV
     *  <= EV), and the project is 6 days late: SV(t) = 19 - 25, SPI(t) =
     *  19/25.  (Taking the stretch's first day, 10, said 15 days.) */
    in.percent_bp = 2500;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 19, 1);
    CHECK_RATIO (e.sv_t_days, -6, 1);
    CHECK_RATIO (e.spi_t, 19, 25);
    /*  Inside the stretch the project is exactly on plan: ES = AT. */
    CHECK_RC (pmo_evm_compute (&in, start + 14, &e), PMO_OK);
    CHECK_EQ_I64 (e.at_days, 15);
    CHECK_RATIO (e.es_days, 15, 1);
    CHECK_RATIO (e.spi_t, 1, 1);
    /*  Before it (the step not yet due), ahead: ES is the step's day. */
    CHECK_RC (pmo_evm_compute (&in, start + 4, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 10, 1);
    CHECK_RATIO (e.spi_t, 2, 1);

    /*  Nothing earned: nothing was planned before day 10, so at day 25 ES
     *  is 9, the last day with PV 0; on day 5 the project is on plan. */
    in.percent_bp = 0;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 9, 1);
    CHECK_RATIO (e.spi_t, 9, 25);
    CHECK_RC (pmo_evm_compute (&in, start + 4, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 5, 1);
    CHECK_RATIO (e.spi_t, 1, 1);

    in.percent_bp = 1000;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 47, 5);
    CHECK_RATIO (e.spi_t, 47, 125);
    CHECK_STR (s_fmt (e.spi_t, 3), "0.376");

    /* Milestones outside the baseline still count by their due date. */
    pmo_evm_milestone_t out_of_range[] = {{start - 5, 1}, {start + 45, 1}};
    pmo_evm_input_t odd = in;
    odd.milestones = out_of_range;
    odd.n_milestones = 2;
    CHECK_EQ_I64 (pmo_evm_pv (&odd, start - 6), 0);
    CHECK_EQ_I64 (pmo_evm_pv (&odd, start - 5), 5000000);
    CHECK_EQ_I64 (pmo_evm_pv (&odd, start + 39), 5000000);
    CHECK_EQ_I64 (pmo_evm_pv (&odd, start + 45), 10000000);
    /* ES starts from PV(0) = 0 by definition; PV(k) = 5M for every day of
       the baseline, so with EV 1M: C = 0, ES = 0 + 1M/5M = 1/5. */
    CHECK_RC (pmo_evm_compute (&odd, as_of, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 1, 5);
    /* EV 6M beats every PV(k) of the baseline: ES is capped at the duration. */
    odd.percent_bp = 6000;
    CHECK_RC (pmo_evm_compute (&odd, as_of, &e), PMO_OK);
    CHECK_RATIO (e.es_days, 40, 1);

    /* Weights summing to 0 mean "no milestone plan": linear. */
    pmo_evm_milestone_t weightless[] = {{start + 9, 0}, {start + 19, 0}};
    odd.milestones = weightless;
    CHECK_EQ_I64 (pmo_evm_method (&odd), PMO_PV_LINEAR);
    CHECK_EQ_I64 (pmo_evm_pv (&odd, start), 250000);  /* 10M / 40 */

    /* Rounding in the step: weights 1 and 2, BAC 100 minor: 33.33 -> 33. */
    pmo_evm_milestone_t thirds[] = {{start, 1}, {start + 1, 2}};
    pmo_evm_input_t t = {.start = start, .finish = start + 1, .bac_minor = 100,
                         .milestones = thirds, .n_milestones = 2};
    CHECK_EQ_I64 (pmo_evm_pv (&t, start), 33);
    CHECK_EQ_I64 (pmo_evm_pv (&t, start + 1), 100);
}

/*  A late project.  Baseline 100 days (2026-01-01..2026-04-10), BAC 10M.
 *  As of 2026-05-20 (day 140, 40 days past the finish), 90% done:
 *    PV = BAC = 10M, EV = 9M: SPI = 0.900, which looks almost fine.
 *    ES: PV(90) = 9M = EV, so ES = 90 days; AT = 140;
 *    SV(t) = -50 days, SPI(t) = 90/140 = 9/14 = 0.643: plainly late.
 *  Finished on 2026-05-20: SPI = 10M/10M = 1.000, as if on time, while
 *    ES = 100 (the duration), SV(t) = -40 days and SPI(t) = 100/140 = 5/7 = 0.714. */
static void
s_test_late_project (void)
{
    pmo_evm_input_t in = {.start = s_day ("2026-01-01"), .finish = s_day ("2026-04-10"),
                          .bac_minor = 10000000, .percent_bp = 9000, .ac_minor = 9500000};
    int32_t as_of = s_day ("2026-05-20");
    CHECK_EQ_I64 (as_of - in.start + 1, 140);
    pmo_evm_t e;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 10000000);
    CHECK_EQ_I64 (e.ev, 9000000);
    CHECK_EQ_I64 (e.sv, -1000000);
    CHECK_RATIO (e.spi, 9, 10);
    CHECK_STR (s_fmt (e.spi, 3), "0.900");
    CHECK_RATIO (e.es_days, 90, 1);
    CHECK_EQ_I64 (e.at_days, 140);
    CHECK_RATIO (e.sv_t_days, -50, 1);
    CHECK_RATIO (e.spi_t, 9, 14);
    CHECK_STR (s_fmt (e.spi_t, 3), "0.643");
    CHECK_RATIO (e.cpi, 18, 19);
    CHECK_EQ_I64 (e.eac, 10555556);  /* 10M * 9.5M / 9M = 10,555,555.56 */
    CHECK_EQ_I64 (e.eac_combined, 10672840);  /* 9.5M + 1M*9.5M*10M/81e12 = 9.5M + 1,172,839.51 */

    in.percent_bp = 10000;
    in.ac_minor = 10500000;
    CHECK_RC (pmo_evm_compute (&in, as_of, &e), PMO_OK);
    CHECK_RATIO (e.spi, 1, 1);
    CHECK_STR (s_fmt (e.spi, 3), "1.000");
    CHECK_EQ_I64 (e.sv, 0);
    CHECK_RATIO (e.es_days, 100, 1);
    CHECK_RATIO (e.sv_t_days, -40, 1);
    CHECK_RATIO (e.spi_t, 5, 7);
    CHECK_STR (s_fmt (e.spi_t, 3), "0.714");
    CHECK_RATIO (e.tcpi, 0, 1);
    CHECK_EQ_I64 (e.eac, 10500000);
    CHECK_EQ_I64 (e.vac, -500000);
}

/*  Roll-up.  Both on the 100-day baseline as of day 50, 50% done:
 *    A (tiny): BAC 100,000, PV = EV = 50,000, AC 25,000: CPI = 2.
 *    B (huge): BAC 100,000,000, PV = EV = 50,000,000, AC 62,500,000: CPI = 0.8.
 *  Average of CPIs = (2 + 0.8)/2 = 1.4: "under budget", which is wrong.
 *  Sums: EV 50,050,000, AC 62,525,000: CPI = 2002/2501 = 0.80048 -> "0.800";
 *  PV 50,050,000: SPI = 1. */
static void
s_test_rollup (void)
{
    pmo_evm_input_t a = {.start = s_day ("2026-01-01"), .finish = s_day ("2026-04-10"),
                         .bac_minor = 100000, .percent_bp = 5000, .ac_minor = 25000};
    pmo_evm_input_t b = a;
    b.bac_minor = 100000000;
    b.ac_minor = 62500000;
    int32_t as_of = s_day ("2026-02-19");
    pmo_evm_t ea, eb;
    CHECK_RC (pmo_evm_compute (&a, as_of, &ea), PMO_OK);
    CHECK_RC (pmo_evm_compute (&b, as_of, &eb), PMO_OK);
    CHECK_RATIO (ea.cpi, 2, 1);
    CHECK_RATIO (eb.cpi, 4, 5);

    pmo_evm_sums_t s = {0, 0, 0, 0};
    CHECK_RC (pmo_evm_sums_add (&s, &ea), PMO_OK);
    CHECK_RC (pmo_evm_sums_add (&s, &eb), PMO_OK);
    CHECK_EQ_I64 (s.bac, 100100000);
    CHECK_EQ_I64 (s.pv, 50050000);
    CHECK_EQ_I64 (s.ev, 50050000);
    CHECK_EQ_I64 (s.ac, 62525000);
    pmo_ratio_t cpi, spi;
    pmo_evm_sums_indices (&s, &cpi, &spi);
    CHECK_RATIO (cpi, 2002, 2501);
    CHECK_STR (s_fmt (cpi, 3), "0.800");
    CHECK_RATIO (spi, 1, 1);
    CHECK (pmo_ratio_cmp (cpi, 7, 5) < 0);   /* far below the 1.4 an average claims */
    CHECK (pmo_ratio_cmp (cpi, 1, 1) < 0);   /* over budget overall */

    /* Empty sums: both undefined; NULL outputs are allowed. */
    pmo_evm_sums_t none = {0, 0, 0, 0};
    pmo_evm_sums_indices (&none, &cpi, &spi);
    CHECK (!cpi.defined && !spi.defined);
    pmo_evm_sums_indices (&s, NULL, &spi);
    CHECK_RATIO (spi, 1, 1);

    /* Overflow in a sum: refused, sums untouched. */
    pmo_evm_sums_t full = {INT64_MAX, 1, 2, 3};
    CHECK_RC (pmo_evm_sums_add (&full, &ea), PMO_EOVERFLOW);
    CHECK_EQ_I64 (full.bac, INT64_MAX);
    CHECK_EQ_I64 (full.pv, 1);
    CHECK_EQ_I64 (full.ev, 2);
    CHECK_EQ_I64 (full.ac, 3);
    CHECK_RC (pmo_evm_sums_add (NULL, &ea), PMO_EINVAL);
}

/*  Large values.  Products of two amounts go through 128 bits and EAC
 *  combined's product of three through 192, so a result that fits comes
 *  back exact, never a wrapped value, and an EAC that does not fit is
 *  undefined while every other figure stands (CPI still tells). */
static void
s_test_overflow (void)
{
    int32_t start = s_day ("2026-01-01");
    pmo_evm_t e, sentinel;
    memset (&sentinel, 0x5a, sizeof sentinel);

    /* PV near INT64_MAX: INT64_MAX / 3 = 3074457345618258602.33 -> ...602. */
    pmo_evm_input_t max3 = {.start = start, .finish = start + 2, .bac_minor = INT64_MAX};
    CHECK_EQ_I64 (pmo_evm_pv (&max3, start), 3074457345618258602LL);
    CHECK_EQ_I64 (pmo_evm_pv (&max3, start + 1), 6148914691236517205LL);
    CHECK_EQ_I64 (pmo_evm_pv (&max3, start + 2), INT64_MAX);

    /* EAC = BAC * AC / EV with BAC = INT64_MAX, EV = BAC/2: about 2 * AC. */
    pmo_evm_input_t in = {.start = start, .finish = start + 99, .bac_minor = INT64_MAX,
                          .percent_bp = 5000, .ac_minor = INT64_MAX - 10};
    CHECK_RC (pmo_evm_compute (&in, start + 49, &e), PMO_OK);
    CHECK (!e.eac_defined);
    CHECK (!e.tcpi_eac.defined);
    CHECK (!e.eac_atypical_defined);  /* AC + BAC/2: past INT64_MAX too */
    CHECK (!e.eac_combined_defined);
    CHECK_EQ_I64 (e.ev, 4611686018427387904LL);  /* INT64_MAX/2 rounded up */
    CHECK_RATIO (e.cpi, 4611686018427387904LL, INT64_MAX - 10);

    /* EAC atypical = AC + (BAC - EV) = 1 + INT64_MAX; EV 0: no typical. */
    in.percent_bp = 0;
    in.ac_minor = 1;
    CHECK_RC (pmo_evm_compute (&in, start + 49, &e), PMO_OK);
    CHECK (!e.eac_atypical_defined);
    CHECK (!e.eac_defined);
    CHECK_EQ_I64 (e.cv, -1);

    /* Everything at INT64_MAX but every result fits: BAC*AC/EV = BAC. */
    in.percent_bp = 10000;
    in.ac_minor = INT64_MAX;
    CHECK_RC (pmo_evm_compute (&in, start + 99, &e), PMO_OK);
    CHECK_EQ_I64 (e.ev, INT64_MAX);
    CHECK_EQ_I64 (e.eac, INT64_MAX);
    CHECK_EQ_I64 (e.eac_atypical, INT64_MAX);
    CHECK_EQ_I64 (e.eac_combined, INT64_MAX);
    CHECK_RATIO (e.cpi, 1, 1);
    CHECK_RATIO (e.es_days, 100, 1);

    /* BAC 4e18, 40% (EV 1.6e18), day 50 of 100 (PV 2e18), AC 2e18 + 7:
     *   EAC = 4e18 * (2e18 + 7) / 1.6e18 = 5e18 + 17.5 -> 5,000,000,000,000,000,018.
     *   EAC combined: (BAC-EV)*AC*PV = 2.4e18 * (2e18+7) * 2e18 ~ 9.6e54, far
     *   beyond 2^127; / EV^2 (2.56e36) = 3,750,000,000,000,000,013.125 -> ...013;
     *   + AC = 5,750,000,000,000,000,020. */
    pmo_evm_input_t big = {.start = start, .finish = start + 99,
                           .bac_minor = 4000000000000000000LL, .percent_bp = 4000,
                           .ac_minor = 2000000000000000007LL};
    CHECK_RC (pmo_evm_compute (&big, start + 49, &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 2000000000000000000LL);
    CHECK_EQ_I64 (e.ev, 1600000000000000000LL);
    CHECK_EQ_I64 (e.eac, 5000000000000000018LL);
    CHECK_EQ_I64 (e.eac_atypical, 4400000000000000007LL);
    CHECK_EQ_I64 (e.eac_combined, 5750000000000000020LL);
    CHECK_RATIO (e.cpi, 1600000000000000000LL, 2000000000000000007LL);
    CHECK_STR (s_fmt (e.cpi, 6), "0.800000");
    CHECK_RATIO (e.es_days, 40, 1);
    CHECK_RATIO (e.spi_t, 4, 5);

    /* EAC combined alone too big: BAC 4e18, 10% (EV 4e17 = AC), as of the
     * finish (PV = BAC): EAC = 4e18 fits, atypical = 4e18 fits, combined =
     * 4e17 + 3.6e18 * 4e17 * 4e18 / 1.6e35 = 4e17 + 3.6e19: overflow. */
    big.percent_bp = 1000;
    big.ac_minor = 400000000000000000LL;
    CHECK_RC (pmo_evm_compute (&big, start + 99, &e), PMO_OK);
    CHECK (!e.eac_combined_defined);
    CHECK (e.eac_defined);
    CHECK_EQ_I64 (e.eac, 4000000000000000000LL);
    CHECK (e.eac_atypical_defined);
    CHECK_EQ_I64 (e.eac_atypical, 4000000000000000000LL);

    /* An input rejected leaves *out untouched. */
    pmo_evm_t kept = sentinel;
    big.percent_bp = 10001;
    CHECK_RC (pmo_evm_compute (&big, start + 99, &kept), PMO_EINVAL);
    CHECK (memcmp (&kept, &sentinel, sizeof kept) == 0);
}

static void
s_test_invalid (void)
{
    int32_t start = s_day ("2026-01-01");
    pmo_evm_input_t ok = {.start = start, .finish = start + 9, .bac_minor = 1000,
                          .percent_bp = 100, .ac_minor = 10};
    pmo_evm_t e;
    CHECK_RC (pmo_evm_compute (&ok, start, &e), PMO_OK);
    CHECK_RC (pmo_evm_compute (NULL, start, &e), PMO_EINVAL);
    CHECK_RC (pmo_evm_compute (&ok, start, NULL), PMO_EINVAL);

    pmo_evm_input_t bad = ok;
    bad.finish = start - 1;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    bad = ok;
    bad.finish = start;  /* a one-day project is fine */
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 1000);
    bad = ok;
    bad.bac_minor = -1;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    bad = ok;
    bad.ac_minor = -1;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    bad = ok;
    bad.percent_bp = -1;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    bad.percent_bp = 10001;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    bad.percent_bp = 10000;
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_OK);
    bad = ok;
    bad.n_milestones = 2;  /* but no array */
    CHECK_RC (pmo_evm_compute (&bad, start, &e), PMO_EINVAL);
    CHECK_EQ_I64 (pmo_evm_pv (NULL, start), 0);
}

/*  The 64-bit shortcuts (GCD, rounded division, EAC combined's product in
 *  128 bits) against the definitions, on random values on both sides of
 *  2^63: a ratio is reduced and equal to num/den; PV is BAC x elapsed /
 *  duration rounded half up; EAC combined is AC + round ((BAC-EV) x AC x PV
 *  / EV^2), here with products that fit in 128 bits. */
static uint64_t
s_rand (uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static unsigned __int128
s_ref_gcd (unsigned __int128 a, unsigned __int128 b)
{
    while (b) {
        unsigned __int128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static void
s_test_fast_paths (void)
{
    uint64_t x = 88172645463325252ull;
    int bad_ratio = 0, bad_pv = 0, bad_eac = 0;
    for (int i = 0; i < 20000; i++) {
        int bits = 1 + (int) (s_rand (&x) % 63);
        int64_t num = (int64_t) (s_rand (&x) >> (64 - bits)) * ((i & 1) ? -1 : 1);
        int64_t den = (int64_t) (s_rand (&x) >> (64 - 1 - (int) (s_rand (&x) % 63))) + 1;
        pmo_ratio_t r = pmo_ratio_make (num, den);
        unsigned __int128 an = (unsigned __int128) (r.num < 0 ? -(__int128) r.num : r.num);
        if (!r.defined || r.den <= 0 || (__int128) r.num * den != (__int128) num * r.den
            || s_ref_gcd (an, (unsigned __int128) r.den) != 1)
            bad_ratio++;

        int32_t start = 20000, len = 1 + (int32_t) (s_rand (&x) % 4000);
        int64_t bac = (int64_t) (s_rand (&x) >> (1 + s_rand (&x) % 62));
        pmo_evm_input_t in = {.start = start, .finish = start + len - 1, .bac_minor = bac};
        int32_t day = start + (int32_t) (s_rand (&x) % (uint64_t) len);
        __int128 p = (__int128) bac * (day - start + 1), q = p / len;
        if (2 * (p % len) >= len)
            q++;
        if (pmo_evm_pv (&in, day) != (int64_t) q)
            bad_pv++;

        in.bac_minor = 1 + (int64_t) (s_rand (&x) % 2000000000000ull);
        in.percent_bp = 1000 + (int32_t) (s_rand (&x) % 9001);  /* EAC below 101 x AC */
        in.ac_minor = 1 + (int64_t) (s_rand (&x) % 2000000000000ull);
        pmo_evm_t e;
        if (pmo_evm_compute (&in, day, &e) != PMO_OK || e.eac_combined_defined != (e.pv > 0 && e.ev > 0)) {
            bad_eac++;
            continue;
        }
        if (!e.eac_combined_defined)
            continue;
        unsigned __int128 n = (unsigned __int128) (e.bac - e.ev) * (uint64_t) e.ac;
        unsigned __int128 ev2 = (unsigned __int128) e.ev * (uint64_t) e.ev;
        if (n > ((unsigned __int128) 1 << 126) / (uint64_t) e.pv)
            continue;  /* the product needs more than 128 bits: the long path */
        n *= (uint64_t) e.pv;
        unsigned __int128 rest = n / ev2;
        if (2 * (n % ev2) >= ev2)
            rest++;
        if (e.eac_combined != e.ac + (int64_t) rest)
            bad_eac++;
    }
    CHECK_EQ_I64 (bad_ratio, 0);
    CHECK_EQ_I64 (bad_pv, 0);
    CHECK_EQ_I64 (bad_eac, 0);

    /*  Exactly half rounds up: BAC 2,000 over 100 days, 50 % (EV 1,000), day
     *  25 (PV 500), AC 1: (BAC-EV) x AC x PV / EV^2 = 0.5 -> 1, EAC combined 2. */
    pmo_evm_input_t half = {.start = 20000, .finish = 20099, .bac_minor = 2000, .percent_bp = 5000, .ac_minor = 1};
    pmo_evm_t e;
    CHECK_RC (pmo_evm_compute (&half, 20024, &e), PMO_OK);
    CHECK_EQ_I64 (e.pv, 500);
    CHECK_EQ_I64 (e.eac_combined, 2);
}

int
main (void)
{
    s_test_ratio ();
    s_test_worked_example ();
    s_test_rounding ();
    s_test_undefined ();
    s_test_milestones ();
    s_test_late_project ();
    s_test_rollup ();
    s_test_overflow ();
    s_test_invalid ();
    s_test_fast_paths ();
    return harness_report ();
}
