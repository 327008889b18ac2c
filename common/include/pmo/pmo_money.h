/*  pmo_money: exact money and fixed-point decimals in int64.
 *
 *  An amount is an int64 count of the currency's minor unit (cents for EUR,
 *  yen for JPY, fils for BHD) plus an ISO 4217 code.  A decimal such as a
 *  percentage or a number of hours is an int64 scaled by 10^scale.  Nothing
 *  here uses floating point: every operation is exact or reports
 *  PMO_EOVERFLOW.  Every function leaves its outputs untouched on error,
 *  except that a format function clears buf (when n > 0).
 */
#ifndef PMO_MONEY_H
#define PMO_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  Longest formatted amount, "-92233720368547758.08 EUR" plus NUL, rounded
 *  up: a buffer of this size never gets PMO_ETOOBIG from a format call. */
#define PMO_MONEY_FMT_MAX 32

/*  Largest scale pmo_decimal_parse and pmo_decimal_format accept. */
#define PMO_DECIMAL_SCALE_MAX 9

/*  Returns the minor-unit exponent (0..4) of an active ISO 4217 code, or -1
 *  when code is NULL, is not exactly three uppercase ASCII letters, or is
 *  not in the table.  Fund and metal codes with no minor unit (XAU, XDR,
 *  XXX...) are not in the table. */
int pmo_currency_exponent (const char *code);

/*  Returns true when pmo_currency_exponent (code) >= 0. */
bool pmo_currency_valid (const char *code);

/*  Parses an amount with an optional currency code before or after it,
 *  separated by blanks: "1234.50 EUR", "EUR 1234.50", "-12.00 USD",
 *  "+5 JPY", "1234.5" (with default_currency).  Surrounding blanks are
 *  ignored.  The number is [+-]digits[.digits] with no more fraction digits
 *  than the currency's exponent and no thousands separators.  A code in s
 *  wins over default_currency, which is used only when s has none.
 *  Sets *minor_out and, when currency_out is not NULL, currency_out (code +
 *  NUL).  Returns PMO_OK, PMO_EINVAL (malformed, unknown code, too many
 *  fraction digits, no code and default_currency NULL or unknown) or
 *  PMO_EOVERFLOW (outside int64 minor units). */
int pmo_money_parse (const char *s, const char *default_currency, int64_t *minor_out,
                     char currency_out[4]);

/*  Writes minor as "1234.50 EUR" / "-0.05 EUR" / "1234 JPY" into buf of size
 *  n.  Every int64 value works, INT64_MIN included.  Returns PMO_OK,
 *  PMO_EINVAL (unknown currency) or PMO_ETOOBIG (buf too small). */
int pmo_money_format (int64_t minor, const char *currency, char *buf, size_t n);

/*  As pmo_money_format without the code ("1234.50"), for CSV and JSON;
 *  exponent is 0..PMO_DECIMAL_SCALE_MAX.  Returns PMO_OK, PMO_EINVAL (bad
 *  exponent) or PMO_ETOOBIG. */
int pmo_money_format_plain (int64_t minor, int exponent, char *buf, size_t n);

/*  Checked int64 arithmetic: set *out = a + b, a - b or a * b and return
 *  PMO_OK, or return PMO_EOVERFLOW with *out untouched. */
int pmo_i64_add (int64_t a, int64_t b, int64_t *out);
int pmo_i64_sub (int64_t a, int64_t b, int64_t *out);
int pmo_i64_mul (int64_t a, int64_t b, int64_t *out);

/*  Sets *out = a * b / den rounded half away from zero, computed exactly in
 *  128 bits (labour cost = minutes * rate_minor / 60; EV = BAC * bp / 10000).
 *  Returns PMO_OK, PMO_EINVAL when den is 0, or PMO_EOVERFLOW when the
 *  result does not fit int64. */
int pmo_i64_muldiv (int64_t a, int64_t b, int64_t den, int64_t *out);

/*  Parses a plain decimal "[+-]digits[.digits]" ("42", "42.5", "-0.25",
 *  "+3"; no blanks, no exponent) into v * 10^scale, scale 0..9:
 *  ("42.5", 2) -> 4250.  Returns PMO_OK, PMO_EINVAL (malformed, bad scale,
 *  more fraction digits than scale) or PMO_EOVERFLOW. */
int pmo_decimal_parse (const char *s, int scale, int64_t *out);

/*  Writes v / 10^scale with exactly scale fraction digits: (4250, 2) ->
 *  "42.50", (-5, 2) -> "-0.05", (7, 0) -> "7".  Returns PMO_OK, PMO_EINVAL
 *  (scale outside 0..9) or PMO_ETOOBIG. */
int pmo_decimal_format (int64_t v, int scale, char *buf, size_t n);

/*  As pmo_decimal_format, then drops trailing fraction zeros and a bare
 *  point: (4250, 2) -> "42.5", (4200, 2) -> "42". */
int pmo_decimal_format_trim (int64_t v, int scale, char *buf, size_t n);

#endif
