/*  pmo_date: ISO 8601 calendar dates and UTC timestamps, as integers.
 *
 *  A date is int32 days since 1970-01-01 in the proleptic Gregorian calendar
 *  (1969-12-31 is -1).  A timestamp is int64 milliseconds since the Unix
 *  epoch, UTC.  Parsing accepts years 1900..9999 only; everything else about
 *  a date is plain arithmetic and never touches the C library's time zone.
 */
#ifndef PMO_DATE_H
#define PMO_DATE_H

#include <stdint.h>

#define PMO_DATE_MIN_YEAR 1900
#define PMO_DATE_MAX_YEAR 9999

/*  Parses a strict "YYYY-MM-DD" (exactly 10 characters, no sign, no spaces,
 *  year 1900..9999, a day that exists in that month).  Returns PMO_OK and sets
 *  *days_out, or PMO_EINVAL and leaves *days_out untouched. */
int pmo_date_parse (const char *s, int32_t *days_out);

/*  Writes "YYYY-MM-DD" and a NUL into out.  Days whose year falls outside
 *  0..9999 come out as "0000-00-00", which no parser accepts as a date. */
void pmo_date_format (int32_t days, char out[11]);

/*  Builds a date from year (1900..9999), month (1..12) and day.  Returns
 *  PMO_OK, or PMO_EINVAL for a date that does not exist or is out of range;
 *  *days_out is untouched on error. */
int pmo_date_from_ymd (int y, int m, int d, int32_t *days_out);

/*  Splits any date into year, month (1..12) and day (1..31).  Never fails. */
void pmo_date_to_ymd (int32_t days, int *y, int *m, int *d);

/*  Returns the ISO weekday: 1 = Monday .. 7 = Sunday. */
int pmo_date_weekday (int32_t days);

/*  Returns the Monday that starts the ISO week containing days. */
int32_t pmo_date_week_start (int32_t days);

/*  Sets the ISO 8601 week-numbering year and week (1..53) of days; around
 *  New Year the ISO year can differ from the calendar year (2021-01-03 is
 *  2020-W53). */
void pmo_date_iso_week (int32_t days, int *iso_year, int *iso_week);

/*  Parses a strict ISO 8601 week "YYYY-Www" (8 characters, year 1900..9999,
 *  week 01..52, or 53 in the years that have one) and sets *monday_out to
 *  the Monday that starts it.  Returns PMO_OK, or PMO_EINVAL with
 *  *monday_out untouched. */
int pmo_date_parse_iso_week (const char *s, int32_t *monday_out);

/*  Writes the ISO week of days as "YYYY-Www" and a NUL into out. */
void pmo_date_format_iso_week (int32_t days, char out[9]);

/*  Returns the number of days in month m (1..12) of year y, or 0 when m is
 *  out of range. */
int pmo_date_days_in_month (int y, int m);

/*  Returns the UTC date of a timestamp, rounding towards minus infinity so
 *  that -1 ms is 1969-12-31.  Saturates at the int32 range. */
int32_t pmo_date_from_ms (int64_t unix_ms);

/*  Parses an ISO 8601 timestamp into *unix_ms_out.  Accepts
 *      YYYY-MM-DDTHH:MM:SS[.f]Z
 *      YYYY-MM-DDTHH:MM:SS[.f]+HH:MM   (or -HH:MM)
 *      YYYYMMDDTHHMMSSZ                (basic form, as Timewarrior writes)
 *      YYYY-MM-DD                      (midnight UTC)
 *  where .f is 1..9 digits, truncated to milliseconds.  Hours 0..23, minutes
 *  and seconds 0..59 (no leap second).  Returns PMO_OK, or PMO_EINVAL with
 *  *unix_ms_out untouched. */
int pmo_datetime_parse (const char *s, int64_t *unix_ms_out);

/*  Writes "YYYY-MM-DDTHH:MM:SSZ" (milliseconds dropped, rounding down) and a
 *  NUL into out. */
void pmo_datetime_format (int64_t unix_ms, char out[25]);

/*  Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" and a NUL into out. */
void pmo_datetime_format_ms (int64_t unix_ms, char out[32]);

#endif
