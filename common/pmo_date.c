/*  pmo_date: calendar arithmetic on plain integers.
 *
 *  Owns the conversion between days-since-epoch and (year, month, day), using
 *  Howard Hinnant's era-based civil algorithms, which are exact for every
 *  int32 day count.  Must never call mktime/localtime or read TZ: a date in
 *  pmo means the same day on every machine.  Parsers are strict (a wrong
 *  character anywhere is PMO_EINVAL) and leave their outputs untouched on
 *  error.
 */
#include <ctype.h>
#include <stdio.h>

#include "pmo/pmo_date.h"

#include "pmo/pmo_error.h"
#include "pmo/pmo_prelude.h"

#define S_MS_PER_SEC INT64_C (1000)
#define S_MS_PER_MIN INT64_C (60000)
#define S_MS_PER_HOUR INT64_C (3600000)
#define S_MS_PER_DAY INT64_C (86400000)

static int64_t
s_floor_div (int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/*  For b > 0 only.  Computed from the remainder, not from floor_div * b,
 *  which would overflow near INT64_MIN. */
static int64_t
s_floor_mod (int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

static bool
s_is_leap (int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*  Days from 1970-01-01 to y-m-d; m and d must already be valid. */
static int64_t
s_days_from_civil (int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
s_civil_from_days (int64_t z, int64_t *y_out, int *m_out, int *d_out)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y_out = yoe + era * 400 + (m <= 2);
    *m_out = m;
    *d_out = d;
}

/*  Reads exactly n ASCII digits; false on anything else (sign, space, NUL). */
static bool
s_digits (const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static void
s_put_digits (char *out, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char) ('0' + v % 10);
        v /= 10;
    }
}

/*  Writes the 10 characters of YYYY-MM-DD (no NUL). */
static void
s_put_date (char *out, int64_t days)
{
    int64_t y;
    int m, d;
    s_civil_from_days (days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy (out, "0000-00-00", 10);
        return;
    }
    s_put_digits (out, y, 4);
    out[4] = '-';
    s_put_digits (out + 5, m, 2);
    out[7] = '-';
    s_put_digits (out + 8, d, 2);
}

/*  Writes the 19 characters of YYYY-MM-DDTHH:MM:SS (no NUL). */
static void
s_put_datetime (char *out, int64_t unix_ms)
{
    int64_t days = s_floor_div (unix_ms, S_MS_PER_DAY);
    int64_t ms_of_day = s_floor_mod (unix_ms, S_MS_PER_DAY);
    s_put_date (out, days);
    out[10] = 'T';
    s_put_digits (out + 11, ms_of_day / S_MS_PER_HOUR, 2);
    out[13] = ':';
    s_put_digits (out + 14, ms_of_day / S_MS_PER_MIN % 60, 2);
    out[16] = ':';
    s_put_digits (out + 17, ms_of_day / S_MS_PER_SEC % 60, 2);
}

int
pmo_date_days_in_month (int y, int m)
{
    static const int s_len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && s_is_leap (y))
        return 29;
    return s_len[m - 1];
}

int
pmo_date_from_ymd (int y, int m, int d, int32_t *days_out)
{
    if (y < PMO_DATE_MIN_YEAR || y > PMO_DATE_MAX_YEAR)
        return PMO_EINVAL;
    if (d < 1 || d > pmo_date_days_in_month (y, m))
        return PMO_EINVAL;
    *days_out = (int32_t) s_days_from_civil (y, m, d);
    return PMO_OK;
}

void
pmo_date_to_ymd (int32_t days, int *y, int *m, int *d)
{
    int64_t year;
    s_civil_from_days (days, &year, m, d);
    *y = (int) year;  /* |year| < 6 million for any int32 day count */
}

int
pmo_date_parse (const char *s, int32_t *days_out)
{
    int y, m, d;
    if (!s || strlen (s) != 10 || s[4] != '-' || s[7] != '-')
        return PMO_EINVAL;
    if (!s_digits (s, 4, &y) || !s_digits (s + 5, 2, &m) || !s_digits (s + 8, 2, &d))
        return PMO_EINVAL;
    return pmo_date_from_ymd (y, m, d, days_out);
}

void
pmo_date_format (int32_t days, char out[11])
{
    s_put_date (out, days);
    out[10] = '\0';
}

int
pmo_date_weekday (int32_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    return (int) s_floor_mod ((int64_t) days + 3, 7) + 1;
}

int32_t
pmo_date_week_start (int32_t days)
{
    int64_t monday = (int64_t) days - (pmo_date_weekday (days) - 1);
    return monday < INT32_MIN ? INT32_MIN : (int32_t) monday;
}

void
pmo_date_iso_week (int32_t days, int *iso_year, int *iso_week)
{
    /* The ISO week belongs to the year that holds its Thursday. */
    int64_t thursday = (int64_t) days - pmo_date_weekday (days) + 4;
    int64_t y;
    int m, d;
    s_civil_from_days (thursday, &y, &m, &d);
    int64_t jan1 = s_days_from_civil (y, 1, 1);
    *iso_year = (int) y;
    *iso_week = (int) ((thursday - jan1) / 7 + 1);
}

int
pmo_date_parse_iso_week (const char *s, int32_t *monday_out)
{
    if (!s || strlen (s) != 8 || s[4] != '-' || s[5] != 'W')
        return PMO_EINVAL;
    for (int i = 0; i < 8; i++)
        if (i != 4 && i != 5 && !isdigit ((unsigned char) s[i]))
            return PMO_EINVAL;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int w = (s[6] - '0') * 10 + (s[7] - '0');
    int32_t jan4;
    if (w < 1 || w > 53 || pmo_date_from_ymd (y, 1, 4, &jan4) != PMO_OK)
        return PMO_EINVAL;
    /*  Week 1 is the week holding 4 January; a week 53 that lands in the
     *  next ISO year does not exist. */
    int32_t monday = pmo_date_week_start (jan4) + (w - 1) * 7;
    int iso_y, iso_w;
    pmo_date_iso_week (monday, &iso_y, &iso_w);
    if (iso_y != y || iso_w != w)
        return PMO_EINVAL;
    *monday_out = monday;
    return PMO_OK;
}

void
pmo_date_format_iso_week (int32_t days, char out[9])
{
    int y, w;
    pmo_date_iso_week (days, &y, &w);
    if (y < 0 || y > 9999)
        y = 0;
    snprintf (out, 9, "%04d-W%02d", y, w);
}

int32_t
pmo_date_from_ms (int64_t unix_ms)
{
    int64_t days = s_floor_div (unix_ms, S_MS_PER_DAY);
    if (days < INT32_MIN)
        return INT32_MIN;
    if (days > INT32_MAX)
        return INT32_MAX;
    return (int32_t) days;
}

/*  Parses "HH:MM:SS" (extended) or "HHMMSS" (basic) at s into ms of day and
 *  sets *end past it; false when a field is not digits or out of range. */
static bool
s_parse_time (const char *s, bool basic, int64_t *ms_out, const char **end)
{
    int h, mi, se;
    int step = basic ? 2 : 3;
    if (!basic && (s[2] != ':' || s[5] != ':'))
        return false;
    if (!s_digits (s, 2, &h) || !s_digits (s + step, 2, &mi) || !s_digits (s + 2 * step, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 59)
        return false;
    *ms_out = h * S_MS_PER_HOUR + mi * S_MS_PER_MIN + se * S_MS_PER_SEC;
    *end = s + 2 * step + 2;
    return true;
}

int
pmo_datetime_parse (const char *s, int64_t *unix_ms_out)
{
    if (!s)
        return PMO_EINVAL;
    size_t len = strlen (s);
    int32_t days;
    int64_t ms_of_day = 0;
    int64_t offset_ms = 0;
    const char *p;

    if (len == 10) {
        if (pmo_date_parse (s, &days) != PMO_OK)
            return PMO_EINVAL;
        *unix_ms_out = days * S_MS_PER_DAY;
        return PMO_OK;
    }
    if (len == 16 && s[8] == 'T' && s[15] == 'Z') {
        /* Basic form, YYYYMMDDTHHMMSSZ: Timewarrior's data files use it. */
        int y, m, d;
        if (!s_digits (s, 4, &y) || !s_digits (s + 4, 2, &m) || !s_digits (s + 6, 2, &d))
            return PMO_EINVAL;
        if (pmo_date_from_ymd (y, m, d, &days) != PMO_OK)
            return PMO_EINVAL;
        if (!s_parse_time (s + 9, true, &ms_of_day, &p) || *p != 'Z')
            return PMO_EINVAL;
        *unix_ms_out = days * S_MS_PER_DAY + ms_of_day;
        return PMO_OK;
    }

    /* Extended form: the date part goes through the strict date parser. */
    char date[11];
    if (len < 20 || s[10] != 'T')
        return PMO_EINVAL;
    memcpy (date, s, 10);
    date[10] = '\0';
    if (pmo_date_parse (date, &days) != PMO_OK)
        return PMO_EINVAL;
    if (!s_parse_time (s + 11, false, &ms_of_day, &p))
        return PMO_EINVAL;

    if (*p == '.') {
        int n_digits = 0;
        int64_t frac_ms = 0;
        /* Stops at the 10th digit so a long run cannot count past int. */
        for (p++; *p >= '0' && *p <= '9' && n_digits <= 9; p++, n_digits++)
            if (n_digits < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
        if (n_digits < 1 || n_digits > 9)
            return PMO_EINVAL;
        for (int i = n_digits; i < 3; i++)
            frac_ms *= 10;
        ms_of_day += frac_ms;
    }

    if (p[0] == 'Z' && p[1] == '\0') {
        offset_ms = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen (p) == 6 && p[3] == ':') {
        int oh, om;
        if (!s_digits (p + 1, 2, &oh) || !s_digits (p + 4, 2, &om) || oh > 23 || om > 59)
            return PMO_EINVAL;
        offset_ms = oh * S_MS_PER_HOUR + om * S_MS_PER_MIN;
        if (p[0] == '-')
            offset_ms = -offset_ms;
    } else {
        return PMO_EINVAL;
    }
    /* Local time minus its offset from UTC is UTC. */
    *unix_ms_out = days * S_MS_PER_DAY + ms_of_day - offset_ms;
    return PMO_OK;
}

void
pmo_datetime_format (int64_t unix_ms, char out[25])
{
    s_put_datetime (out, unix_ms);
    out[19] = 'Z';
    out[20] = '\0';
}

void
pmo_datetime_format_ms (int64_t unix_ms, char out[32])
{
    s_put_datetime (out, unix_ms);
    out[19] = '.';
    s_put_digits (out + 20, s_floor_mod (unix_ms, S_MS_PER_SEC), 3);
    out[23] = 'Z';
    out[24] = '\0';
}
