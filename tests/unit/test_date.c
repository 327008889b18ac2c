/*  test_date: pmo_date against known values, every day of 1900..2100, and
 *  glibc's own ISO week numbers (used here only as an independent oracle). */
#include <time.h>

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

static int64_t
s_ms (const char *s)
{
    int64_t ms = INT64_MIN;
    CHECK_RC (pmo_datetime_parse (s, &ms), PMO_OK);
    return ms;
}

static void
s_test_known_values (void)
{
    /* Checked with: echo $(( $(date -u -d 2026-11-22 +%s) / 86400 )) */
    CHECK_EQ_I64 (s_day ("1970-01-01"), 0);
    CHECK_EQ_I64 (s_day ("1969-12-31"), -1);
    CHECK_EQ_I64 (s_day ("2000-03-01"), 11017);
    CHECK_EQ_I64 (s_day ("2026-11-22"), 20779);
    CHECK_EQ_I64 (s_day ("1900-01-01"), -25567);
    CHECK_EQ_I64 (s_day ("2100-12-31"), 47846);
    CHECK_EQ_I64 (s_day ("2024-02-29"), 19782);
    CHECK_EQ_I64 (s_day ("9999-12-31"), 2932896);

    char out[11];
    pmo_date_format (20779, out);
    CHECK_STR (out, "2026-11-22");
    pmo_date_format (-25567, out);
    CHECK_STR (out, "1900-01-01");
    pmo_date_format (INT32_MAX, out);
    CHECK_STR (out, "0000-00-00");
    pmo_date_format (INT32_MIN, out);
    CHECK_STR (out, "0000-00-00");

    int y, m, d;
    pmo_date_to_ymd (11017, &y, &m, &d);
    CHECK_EQ_I64 (y, 2000);
    CHECK_EQ_I64 (m, 3);
    CHECK_EQ_I64 (d, 1);
    pmo_date_to_ymd (-1, &y, &m, &d);
    CHECK_EQ_I64 (y, 1969);
    CHECK_EQ_I64 (m, 12);
    CHECK_EQ_I64 (d, 31);

    int32_t days = 0;
    CHECK_RC (pmo_date_from_ymd (2026, 11, 22, &days), PMO_OK);
    CHECK_EQ_I64 (days, 20779);
    days = 42;
    CHECK_RC (pmo_date_from_ymd (2025, 2, 29, &days), PMO_EINVAL);
    CHECK_RC (pmo_date_from_ymd (2025, 0, 1, &days), PMO_EINVAL);
    CHECK_RC (pmo_date_from_ymd (2025, 1, 0, &days), PMO_EINVAL);
    CHECK_RC (pmo_date_from_ymd (1899, 12, 31, &days), PMO_EINVAL);
    CHECK_RC (pmo_date_from_ymd (10000, 1, 1, &days), PMO_EINVAL);
    CHECK_EQ_I64 (days, 42);

    CHECK_EQ_I64 (pmo_date_days_in_month (2024, 2), 29);
    CHECK_EQ_I64 (pmo_date_days_in_month (2023, 2), 28);
    CHECK_EQ_I64 (pmo_date_days_in_month (1900, 2), 28);
    CHECK_EQ_I64 (pmo_date_days_in_month (2000, 2), 29);
    CHECK_EQ_I64 (pmo_date_days_in_month (2025, 4), 30);
    CHECK_EQ_I64 (pmo_date_days_in_month (2025, 12), 31);
    CHECK_EQ_I64 (pmo_date_days_in_month (2025, 13), 0);
    CHECK_EQ_I64 (pmo_date_days_in_month (2025, 0), 0);
}

static void
s_test_rejects (void)
{
    static const char *bad[] = {
        "2025-02-30", "2025-13-01", "2023-02-29", "2025-00-10", "2025-01-00", "2025-04-31",
        "1899-12-31", "2025-01-011", "2025-01-01 ", " 2025-01-01", "2025-1-01", "2025/01/01",
        "+025-01-01", "-025-01-01", "2025-+1-01", "2025-01-+1", "20250101", "", "abcd-ef-gh",
        "2025-01-01T00:00:00Z", "0000-01-01", "2025-01- 1",
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        int32_t d = 777;
        int rc = pmo_date_parse (bad[i], &d);
        if (rc != PMO_EINVAL)
            fprintf (stderr, "accepted bad date \"%s\"\n", bad[i]);
        CHECK_RC (rc, PMO_EINVAL);
        CHECK_EQ_I64 (d, 777);
    }
    int32_t d = 777;
    CHECK_RC (pmo_date_parse (NULL, &d), PMO_EINVAL);
    CHECK_RC (pmo_date_parse ("2024-02-29", &d), PMO_OK);
}

/*  Every day 1900-01-01 .. 2100-12-31: format/parse and ymd round-trip, the
 *  day count is contiguous, and weekday/ISO week agree with glibc. */
static void
s_test_every_day (void)
{
    int32_t first = s_day ("1900-01-01");
    int32_t last = s_day ("2100-12-31");
    int n_bad = 0;
    int prev_y = 1899, prev_m = 12, prev_d = 31;

    for (int32_t days = first; days <= last; days++) {
        char out[11];
        int32_t back = 0;
        int y, m, d;
        pmo_date_format (days, out);
        if (pmo_date_parse (out, &back) != PMO_OK || back != days)
            n_bad++;
        pmo_date_to_ymd (days, &y, &m, &d);
        int32_t from = 0;
        if (pmo_date_from_ymd (y, m, d, &from) != PMO_OK || from != days)
            n_bad++;

        /* Successor of the previous day. */
        bool next_day = y == prev_y && m == prev_m && d == prev_d + 1;
        bool next_month = y == prev_y && m == prev_m + 1 && d == 1
                          && prev_d == pmo_date_days_in_month (prev_y, prev_m);
        bool next_year = y == prev_y + 1 && m == 1 && d == 1 && prev_m == 12 && prev_d == 31;
        if (!next_day && !next_month && !next_year)
            n_bad++;
        prev_y = y;
        prev_m = m;
        prev_d = d;

        struct tm tm;
        time_t t = (time_t) days * 86400;
        char oracle[16], mine[16];
        int iso_y, iso_w;
        gmtime_r (&t, &tm);
        strftime (oracle, sizeof oracle, "%G %V %u", &tm);
        pmo_date_iso_week (days, &iso_y, &iso_w);
        snprintf (mine, sizeof mine, "%d %02d %d", iso_y, iso_w, pmo_date_weekday (days));
        if (strcmp (oracle, mine) != 0) {
            if (n_bad < 10)
                fprintf (stderr, "%s: glibc says %s, pmo says %s\n", out, oracle, mine);
            n_bad++;
        }
        int32_t monday = pmo_date_week_start (days);
        if (pmo_date_weekday (monday) != 1 || days - monday < 0 || days - monday > 6)
            n_bad++;
    }
    CHECK_EQ_I64 (n_bad, 0);
}

static void
s_test_weeks (void)
{
    int iso_y = 0, iso_w = 0;
    CHECK_EQ_I64 (pmo_date_weekday (s_day ("2026-11-22")), 7);
    CHECK_EQ_I64 (pmo_date_weekday (s_day ("1970-01-01")), 4);
    CHECK_EQ_I64 (pmo_date_weekday (s_day ("1969-12-29")), 1);
    CHECK_EQ_I64 (pmo_date_week_start (s_day ("2026-11-22")), s_day ("2026-11-16"));
    CHECK_EQ_I64 (pmo_date_week_start (s_day ("2026-11-16")), s_day ("2026-11-16"));
    CHECK_EQ_I64 (pmo_date_week_start (s_day ("1970-01-01")), s_day ("1969-12-29"));

    pmo_date_iso_week (s_day ("2021-01-03"), &iso_y, &iso_w);
    CHECK_EQ_I64 (iso_y, 2020);
    CHECK_EQ_I64 (iso_w, 53);
    pmo_date_iso_week (s_day ("2021-01-04"), &iso_y, &iso_w);
    CHECK_EQ_I64 (iso_y, 2021);
    CHECK_EQ_I64 (iso_w, 1);
    pmo_date_iso_week (s_day ("2024-12-30"), &iso_y, &iso_w);
    CHECK_EQ_I64 (iso_y, 2025);
    CHECK_EQ_I64 (iso_w, 1);
    pmo_date_iso_week (s_day ("2026-11-22"), &iso_y, &iso_w);
    CHECK_EQ_I64 (iso_y, 2026);
    CHECK_EQ_I64 (iso_w, 47);

    /* Extremes must not trap under UBSan. */
    CHECK_EQ_I64 (pmo_date_week_start (INT32_MIN), INT32_MIN);
    CHECK (pmo_date_weekday (INT32_MIN) >= 1 && pmo_date_weekday (INT32_MAX) <= 7);
}

static void
s_test_from_ms (void)
{
    CHECK_EQ_I64 (pmo_date_from_ms (0), 0);
    CHECK_EQ_I64 (pmo_date_from_ms (86399999), 0);
    CHECK_EQ_I64 (pmo_date_from_ms (86400000), 1);
    CHECK_EQ_I64 (pmo_date_from_ms (-1), -1);
    CHECK_EQ_I64 (pmo_date_from_ms (-86400000), -1);
    CHECK_EQ_I64 (pmo_date_from_ms (-86400001), -2);
    CHECK_EQ_I64 (pmo_date_from_ms (INT64_C (20779) * 86400000 + 36000000), 20779);
    CHECK_EQ_I64 (pmo_date_from_ms (INT64_MAX), INT32_MAX);
    CHECK_EQ_I64 (pmo_date_from_ms (INT64_MIN), INT32_MIN);
}

static void
s_test_datetime (void)
{
    int64_t base = INT64_C (20779) * 86400000;  /* 2026-11-22T00:00:00Z */
    int64_t ten = base + INT64_C (10) * 3600000;

    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00Z"), ten);
    CHECK_EQ_I64 (s_ms ("2026-11-22"), base);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00+02:00"), s_ms ("2026-11-22T08:00:00Z"));
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00-05:30"), s_ms ("2026-11-22T15:30:00Z"));
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00+00:00"), ten);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00-00:00"), ten);
    CHECK_EQ_I64 (s_ms ("2026-11-22T01:00:00+02:00"), s_ms ("2026-11-21T23:00:00Z"));
    CHECK_EQ_I64 (s_ms ("20261122T100000Z"), ten);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00.123Z"), ten + 123);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00.5Z"), ten + 500);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00.12Z"), ten + 120);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00.999999999Z"), ten + 999);
    CHECK_EQ_I64 (s_ms ("2026-11-22T10:00:00.1239+01:00"), ten - 3600000 + 123);
    CHECK_EQ_I64 (s_ms ("1970-01-01T00:00:00Z"), 0);
    CHECK_EQ_I64 (s_ms ("1969-12-31T23:59:59.999Z"), -1);
    CHECK_EQ_I64 (s_ms ("2026-11-22T23:59:59Z"), base + 86399000);

    static const char *bad[] = {
        "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z",
        "2026-11-22T10:00:00", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00.1234567890Z",
        "2026-11-22T10:00:00+02:0", "2026-11-22T10:00:00+0200", "2026-11-22T10:00:00+24:00",
        "2026-11-22T10:00:00+02:60", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00z",
        "2026-11-22T10:00:00Zjunk", "2026-11-22T10:00Z", "2026-11-22T1:00:00Z",
        "20261122T100000", "20261122T100000+0200", "2026-02-30T00:00:00Z", "20250230T000000Z",
        "20261122T240000Z", "2026-11-22T", "", "2026-11-22t10:00:00Z", "2026-11-22T10:00:00.12a4Z",
        "1899-12-31T23:00:00Z", "2026-11-22T-1:00:00Z",
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        int64_t ms = 777;
        int rc = pmo_datetime_parse (bad[i], &ms);
        if (rc != PMO_EINVAL)
            fprintf (stderr, "accepted bad datetime \"%s\"\n", bad[i]);
        CHECK_RC (rc, PMO_EINVAL);
        CHECK_EQ_I64 (ms, 777);
    }
    int64_t ms = 777;
    CHECK_RC (pmo_datetime_parse (NULL, &ms), PMO_EINVAL);
    CHECK_EQ_I64 (ms, 777);
}

static void
s_test_datetime_format (void)
{
    char out[25];
    char out_ms[32];
    int64_t t = INT64_C (20779) * 86400000 + INT64_C (10) * 3600000 + 123;

    pmo_datetime_format (t, out);
    CHECK_STR (out, "2026-11-22T10:00:00Z");
    pmo_datetime_format_ms (t, out_ms);
    CHECK_STR (out_ms, "2026-11-22T10:00:00.123Z");
    pmo_datetime_format (0, out);
    CHECK_STR (out, "1970-01-01T00:00:00Z");
    pmo_datetime_format (-1, out);
    CHECK_STR (out, "1969-12-31T23:59:59Z");
    pmo_datetime_format_ms (-1, out_ms);
    CHECK_STR (out_ms, "1969-12-31T23:59:59.999Z");

    /* Round trip through the parser, including the ms form. */
    int64_t back = 0;
    pmo_datetime_format_ms (t, out_ms);
    CHECK_RC (pmo_datetime_parse (out_ms, &back), PMO_OK);
    CHECK_EQ_I64 (back, t);

    /* Extremes format without overflow; the date part is marked unknown. */
    pmo_datetime_format_ms (INT64_MIN, out_ms);
    CHECK_EQ_I64 (strlen (out_ms), 24);
    CHECK (strncmp (out_ms, "0000-00-00T", 11) == 0);
    pmo_datetime_format (INT64_MAX, out);
    CHECK_EQ_I64 (strlen (out), 20);
}

int
main (void)
{
    s_test_known_values ();
    s_test_rejects ();
    s_test_every_day ();
    s_test_weeks ();
    s_test_from_ms ();
    s_test_datetime ();
    s_test_datetime_format ();
    return harness_report ();
}
