/*  test_iso_week: pmo_date_parse_iso_week and pmo_date_format_iso_week:
 *  known Mondays, week 53 only in the years that have one, strict syntax,
 *  and a round trip over every week of 1900..2100. */
#include "harness.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_prelude.h"

static int32_t
s_day (const char *s)
{
    int32_t d = INT32_MIN;
    CHECK_RC (pmo_date_parse (s, &d), PMO_OK);
    return d;
}

static void
s_test_known (void)
{
    int32_t monday = 0;
    CHECK_RC (pmo_date_parse_iso_week ("2026-W48", &monday), PMO_OK);
    CHECK_EQ_I64 (monday, s_day ("2026-11-23"));
    CHECK_RC (pmo_date_parse_iso_week ("2026-W01", &monday), PMO_OK);
    CHECK_EQ_I64 (monday, s_day ("2025-12-29"));  /* week 1 starts in the old year */
    CHECK_RC (pmo_date_parse_iso_week ("2026-W53", &monday), PMO_OK);  /* 2026 starts on a Thursday */
    CHECK_EQ_I64 (monday, s_day ("2026-12-28"));
    CHECK_RC (pmo_date_parse_iso_week ("2020-W53", &monday), PMO_OK);
    CHECK_EQ_I64 (monday, s_day ("2020-12-28"));
    CHECK_RC (pmo_date_parse_iso_week ("2021-W01", &monday), PMO_OK);
    CHECK_EQ_I64 (monday, s_day ("2021-01-04"));
    char out[9];
    pmo_date_format_iso_week (s_day ("2021-01-03"), out);
    CHECK_STR (out, "2020-W53");
    pmo_date_format_iso_week (s_day ("2026-11-29"), out);  /* a Sunday */
    CHECK_STR (out, "2026-W48");
}

static void
s_test_refused (void)
{
    const char *bad[] = {"2027-W53", "2026-W00", "2026-W54", "2026-48", "2026W48", "2026-w48", "2026-W4",
                         "2026-W480", "1899-W10", "", "abcd-W01", "2026-W4a"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        int32_t monday = 42;
        CHECK_RC (pmo_date_parse_iso_week (bad[i], &monday), PMO_EINVAL);
        CHECK_EQ_I64 (monday, 42);  /* untouched */
    }
    CHECK_RC (pmo_date_parse_iso_week (NULL, &(int32_t) {0}), PMO_EINVAL);
}

static void
s_test_round_trip (void)
{
    int32_t first = s_day ("1900-01-01"), last = s_day ("2100-12-27");
    int failures = 0;
    for (int32_t d = pmo_date_week_start (first) + 7; d <= last; d += 7) {
        char w[9];
        pmo_date_format_iso_week (d, w);
        int32_t monday = 0;
        if (pmo_date_parse_iso_week (w, &monday) != PMO_OK || monday != d)
            failures++;
    }
    CHECK_EQ_I64 (failures, 0);
}

int
main (void)
{
    s_test_known ();
    s_test_refused ();
    s_test_round_trip ();
    return harness_report ();
}
