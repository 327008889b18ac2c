/*  pmo_money: exact amounts, checked int64 arithmetic and fixed-point text.
 *
 *  Owns the ISO 4217 table and every conversion between money text and int64
 *  minor units.  Must never use float or double: 0.1 has no binary form, and
 *  a cost that is off by a cent after a million bookings is a bug report.
 *  Parsers check the syntax of the whole input before doing any arithmetic,
 *  so a malformed input is always PMO_EINVAL even when it is also huge, and
 *  they write their outputs only on success.
 */
#include "pmo/pmo_money.h"

#include "pmo/pmo_error.h"
#include "pmo/pmo_prelude.h"

/*  __extension__ keeps -std=c11 -Wpedantic quiet about the GCC/Clang type. */
__extension__ typedef __int128 s_i128_t;

/*  ISO 4217 list one as published on 2026-01-01 (SIX), sorted by code, minus
 *  the fund, metal and testing codes whose minor unit is "N.A." (XAU, XAG,
 *  XPD, XPT, XBA..XBD, XDR, XSU, XUA, XTS, XXX).  ANG and BGN were withdrawn
 *  in 2025/2026 and are kept so that existing records still parse. */
static const struct {
    char code[4];
    int exponent;
} s_currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
    {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
    {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2},
    {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2},
    {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
    {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2},
    {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2},
    {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
    {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2},
    {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2},
    {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAD", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2},
    {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

static bool
s_is_upper (char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
s_is_digit (char c)
{
    return c >= '0' && c <= '9';
}

static bool
s_is_blank (char c)
{
    return c == ' ' || c == '\t';
}

/*  strnlen, without needing POSIX feature macros: reads at most max bytes,
 *  so a long string is not scanned just to learn it is not a code. */
static size_t
s_len_upto (const char *p, size_t max)
{
    size_t n = 0;
    while (n < max && p[n])
        n++;
    return n;
}

/*  Looks up the len bytes at p as a code; -1 unless exactly three uppercase
 *  letters that are in the table. */
static int
s_exponent_of (const char *p, size_t len)
{
    if (len != 3 || !s_is_upper (p[0]) || !s_is_upper (p[1]) || !s_is_upper (p[2]))
        return -1;
    size_t lo = 0, hi = PMO_ARRAY_LEN (s_currencies);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = memcmp (p, s_currencies[mid].code, 3);
        if (cmp == 0)
            return s_currencies[mid].exponent;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

int
pmo_currency_exponent (const char *code)
{
    if (!code)
        return -1;
    return s_exponent_of (code, s_len_upto (code, 4));
}

bool
pmo_currency_valid (const char *code)
{
    return pmo_currency_exponent (code) >= 0;
}

/*  Converts the len bytes at p, "[+-]digits[.digits]", to v * 10^scale.
 *  The whole token is checked for syntax first, then accumulated as an
 *  unsigned magnitude so that INT64_MIN itself is reachable. */
static int
s_decimal_scan (const char *p, size_t len, int scale, int64_t *out)
{
    size_t i = 0;
    bool is_neg = false;
    if (scale < 0 || scale > PMO_DECIMAL_SCALE_MAX)
        return PMO_EINVAL;
    if (i < len && (p[i] == '+' || p[i] == '-'))
        is_neg = p[i++] == '-';

    size_t int_start = i;
    while (i < len && s_is_digit (p[i]))
        i++;
    size_t int_end = i;
    size_t frac_start = i, frac_end = i;
    if (i < len && p[i] == '.') {
        frac_start = ++i;
        while (i < len && s_is_digit (p[i]))
            i++;
        frac_end = i;
        if (frac_end == frac_start)
            return PMO_EINVAL;  /* "1." is not a number we write */
    }
    if (i != len || int_end == int_start)
        return PMO_EINVAL;      /* trailing junk, or ".5" */
    if (frac_end - frac_start > (size_t) scale)
        return PMO_EINVAL;      /* would need rounding: refuse, don't guess */

    uint64_t limit = is_neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
    uint64_t mag = 0;
    size_t n_total = (int_end - int_start) + (size_t) scale;
    for (size_t k = 0; k < n_total; k++) {
        size_t pos = int_start + k;
        unsigned digit;
        if (pos < int_end)
            digit = (unsigned) (p[pos] - '0');
        else if (frac_start + (pos - int_end) < frac_end)
            digit = (unsigned) (p[frac_start + (pos - int_end)] - '0');
        else
            digit = 0;          /* pad the fraction out to scale digits */
        if (mag > (limit - digit) / 10)
            return PMO_EOVERFLOW;
        mag = mag * 10 + digit;
    }
    if (!is_neg)
        *out = (int64_t) mag;
    else if (mag == (uint64_t) INT64_MAX + 1)
        *out = INT64_MIN;
    else
        *out = -(int64_t) mag;
    return PMO_OK;
}

int
pmo_decimal_parse (const char *s, int scale, int64_t *out)
{
    if (!s)
        return PMO_EINVAL;
    return s_decimal_scan (s, strlen (s), scale, out);
}

int
pmo_money_parse (const char *s, const char *default_currency, int64_t *minor_out,
                 char currency_out[4])
{
    if (!s)
        return PMO_EINVAL;

    /* Split into at most two blank-separated tokens. */
    const char *tok[3];
    size_t tok_len[3];
    int n_tok = 0;
    const char *p = s;
    while (*p) {
        while (s_is_blank (*p))
            p++;
        if (!*p)
            break;
        if (n_tok == 2)
            return PMO_EINVAL;
        tok[n_tok] = p;
        while (*p && !s_is_blank (*p))
            p++;
        tok_len[n_tok] = (size_t) (p - tok[n_tok]);
        n_tok++;
    }
    if (n_tok == 0)
        return PMO_EINVAL;

    const char *num = tok[0];
    size_t num_len = tok_len[0];
    const char *code;
    size_t code_len;
    if (n_tok == 1) {
        if (!default_currency)
            return PMO_EINVAL;  /* no currency */
        code = default_currency;
        code_len = s_len_upto (default_currency, 4);
    } else if (tok_len[0] == 3 && s_is_upper (tok[0][0])) {
        code = tok[0];          /* "EUR 1234.50" */
        code_len = tok_len[0];
        num = tok[1];
        num_len = tok_len[1];
    } else {
        code = tok[1];          /* "1234.50 EUR" */
        code_len = tok_len[1];
    }

    int exponent = s_exponent_of (code, code_len);
    if (exponent < 0)
        return PMO_EINVAL;
    int64_t minor;
    int rc = s_decimal_scan (num, num_len, exponent, &minor);
    if (rc != PMO_OK)
        return rc;
    *minor_out = minor;
    if (currency_out) {
        memcpy (currency_out, code, 3);
        currency_out[3] = '\0';
    }
    return PMO_OK;
}

/*  Renders v / 10^scale into tmp (size PMO_MONEY_FMT_MAX) and returns its
 *  length.  Works on the unsigned magnitude so INT64_MIN needs no special
 *  case beyond the negation. */
static size_t
s_render (int64_t v, int scale, bool trim, char *tmp)
{
    char digits[24];
    size_t n_digits = 0;
    uint64_t mag = v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v;
    do {
        digits[n_digits++] = (char) ('0' + mag % 10);
        mag /= 10;
    } while (mag > 0);
    while (n_digits < (size_t) scale + 1)
        digits[n_digits++] = '0';  /* at least "0." before the fraction */

    size_t len = 0;
    if (v < 0)
        tmp[len++] = '-';
    for (size_t k = n_digits; k > (size_t) scale; k--)
        tmp[len++] = digits[k - 1];
    size_t frac = (size_t) scale;
    if (trim)
        while (frac > 0 && digits[(size_t) scale - frac] == '0')
            frac--;             /* digits[0] is the last fraction digit */
    if (frac > 0) {
        tmp[len++] = '.';
        for (size_t k = (size_t) scale; k > (size_t) scale - frac; k--)
            tmp[len++] = digits[k - 1];
    }
    tmp[len] = '\0';
    return len;
}

/*  Copies tmp to buf when it fits; otherwise clears buf and says so. */
static int
s_emit (const char *tmp, size_t len, char *buf, size_t n)
{
    if (!buf || len + 1 > n) {
        if (buf && n > 0)
            buf[0] = '\0';
        return PMO_ETOOBIG;
    }
    memcpy (buf, tmp, len + 1);
    return PMO_OK;
}

static int
s_format (int64_t v, int scale, bool trim, char *buf, size_t n)
{
    char tmp[PMO_MONEY_FMT_MAX];
    if (scale < 0 || scale > PMO_DECIMAL_SCALE_MAX) {
        if (buf && n > 0)
            buf[0] = '\0';
        return PMO_EINVAL;
    }
    size_t len = s_render (v, scale, trim, tmp);
    return s_emit (tmp, len, buf, n);
}

int
pmo_decimal_format (int64_t v, int scale, char *buf, size_t n)
{
    return s_format (v, scale, false, buf, n);
}

int
pmo_decimal_format_trim (int64_t v, int scale, char *buf, size_t n)
{
    return s_format (v, scale, true, buf, n);
}

int
pmo_money_format_plain (int64_t minor, int exponent, char *buf, size_t n)
{
    return s_format (minor, exponent, false, buf, n);
}

int
pmo_money_format (int64_t minor, const char *currency, char *buf, size_t n)
{
    char tmp[PMO_MONEY_FMT_MAX];
    int exponent = pmo_currency_exponent (currency);
    if (exponent < 0) {
        if (buf && n > 0)
            buf[0] = '\0';
        return PMO_EINVAL;
    }
    /* Longest case: '-' + 19 digits + '.' + ' ' + code = 25 bytes + NUL. */
    size_t len = s_render (minor, exponent, false, tmp);
    tmp[len++] = ' ';
    memcpy (tmp + len, currency, 3);
    len += 3;
    tmp[len] = '\0';
    return s_emit (tmp, len, buf, n);
}

int
pmo_i64_add (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow (a, b, &r))
        return PMO_EOVERFLOW;
    *out = r;
    return PMO_OK;
}

int
pmo_i64_sub (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow (a, b, &r))
        return PMO_EOVERFLOW;
    *out = r;
    return PMO_OK;
}

int
pmo_i64_mul (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow (a, b, &r))
        return PMO_EOVERFLOW;
    *out = r;
    return PMO_OK;
}

int
pmo_i64_muldiv (int64_t a, int64_t b, int64_t den, int64_t *out)
{
    if (den == 0)
        return PMO_EINVAL;
    /* |a * b| <= 2^126, so the product and everything below fit 128 bits. */
    s_i128_t prod = (s_i128_t) a * b;
    s_i128_t q = prod / den;    /* truncates towards zero */
    s_i128_t r = prod % den;
    s_i128_t abs_r = r < 0 ? -r : r;
    s_i128_t abs_den = den < 0 ? -(s_i128_t) den : (s_i128_t) den;
    if (2 * abs_r >= abs_den)   /* half or more: away from zero */
        q += ((prod < 0) != (den < 0)) ? -1 : 1;
    if (q < INT64_MIN || q > INT64_MAX)
        return PMO_EOVERFLOW;
    *out = (int64_t) q;
    return PMO_OK;
}
