/*  test_money: exact values for every accepted money and decimal form, each
 *  rejection, the int64 boundaries and muldiv's rounding. */
#include "harness.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_prelude.h"

/*  Parses s and checks it gives want_minor in want_code. */
static void
s_parse_ok (const char *s, const char *dflt, int64_t want_minor, const char *want_code)
{
    int64_t minor = -777;
    char code[4] = "???";
    int rc = pmo_money_parse (s, dflt, &minor, code);
    if (rc != PMO_OK)
        fprintf (stderr, "rejected good money \"%s\"\n", s);
    CHECK_RC (rc, PMO_OK);
    CHECK_EQ_I64 (minor, want_minor);
    CHECK_STR (code, want_code);
}

/*  Parses s, expects want_rc, and checks both outputs were left alone. */
static void
s_parse_bad (const char *s, const char *dflt, int want_rc)
{
    int64_t minor = -777;
    char code[4] = "QQQ";
    int rc = pmo_money_parse (s, dflt, &minor, code);
    if (rc != want_rc)
        fprintf (stderr, "money \"%s\" gave %d\n", s ? s : "(null)", rc);
    CHECK_RC (rc, want_rc);
    CHECK_EQ_I64 (minor, -777);
    CHECK_STR (code, "QQQ");
}

static void
s_test_currency (void)
{
    CHECK_EQ_I64 (pmo_currency_exponent ("JPY"), 0);
    CHECK_EQ_I64 (pmo_currency_exponent ("KRW"), 0);
    CHECK_EQ_I64 (pmo_currency_exponent ("EUR"), 2);
    CHECK_EQ_I64 (pmo_currency_exponent ("USD"), 2);
    CHECK_EQ_I64 (pmo_currency_exponent ("GBP"), 2);
    CHECK_EQ_I64 (pmo_currency_exponent ("CHF"), 2);
    CHECK_EQ_I64 (pmo_currency_exponent ("BHD"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("KWD"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("JOD"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("OMR"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("TND"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("IQD"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("LYD"), 3);
    CHECK_EQ_I64 (pmo_currency_exponent ("CLF"), 4);
    CHECK_EQ_I64 (pmo_currency_exponent ("UYW"), 4);
    CHECK_EQ_I64 (pmo_currency_exponent ("ISK"), 0);
    CHECK_EQ_I64 (pmo_currency_exponent ("AED"), 2);  /* first in the table */
    CHECK_EQ_I64 (pmo_currency_exponent ("ZWG"), 2);  /* last in the table */

    static const char *bad[] = {"eur", "Eur", "EU", "EURO", "", "E1R", "XAU", "XXX", "XTS",
                                "ABC", "EUR ", " EUR", "HRK"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        CHECK_EQ_I64 (pmo_currency_exponent (bad[i]), -1);
        CHECK (!pmo_currency_valid (bad[i]));
    }
    CHECK_EQ_I64 (pmo_currency_exponent (NULL), -1);
    CHECK (pmo_currency_valid ("EUR"));

    /* Every code AAA..ZZZ: the count proves the table is sorted (a binary
     * search over an unsorted table misses entries) and big enough. */
    int n_valid = 0;
    char code[4] = "AAA";
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++) {
                code[0] = a;
                code[1] = b;
                code[2] = c;
                int e = pmo_currency_exponent (code);
                CHECK (e >= -1 && e <= 4);
                n_valid += e >= 0;
            }
    CHECK_EQ_I64 (n_valid, 167);
}

static void
s_test_parse (void)
{
    s_parse_ok ("1234.50 EUR", NULL, 123450, "EUR");
    s_parse_ok ("1234.5 EUR", NULL, 123450, "EUR");
    s_parse_ok ("-12.00 USD", NULL, -1200, "USD");
    s_parse_ok ("1234 JPY", NULL, 1234, "JPY");
    s_parse_ok ("EUR 1234.50", NULL, 123450, "EUR");
    s_parse_ok ("EUR -0.05", NULL, -5, "EUR");
    s_parse_ok ("+5 EUR", NULL, 500, "EUR");
    s_parse_ok ("1234.5", "EUR", 123450, "EUR");
    s_parse_ok ("7", "JPY", 7, "JPY");
    s_parse_ok ("1.5 USD", "EUR", 150, "USD");  /* the code in s wins */
    s_parse_ok ("  12.34 \t GBP  ", NULL, 1234, "GBP");
    s_parse_ok ("0.001 BHD", NULL, 1, "BHD");
    s_parse_ok ("1.2345 CLF", NULL, 12345, "CLF");
    s_parse_ok ("-0 EUR", NULL, 0, "EUR");
    s_parse_ok ("007.10 EUR", NULL, 710, "EUR");
    s_parse_ok ("92233720368547758.07 USD", NULL, INT64_MAX, "USD");
    s_parse_ok ("-92233720368547758.08 USD", NULL, INT64_MIN, "USD");
    s_parse_ok ("9223372036854775807 JPY", NULL, INT64_MAX, "JPY");

    /* currency_out may be NULL. */
    int64_t minor = 0;
    CHECK_RC (pmo_money_parse ("2.50 EUR", NULL, &minor, NULL), PMO_OK);
    CHECK_EQ_I64 (minor, 250);

    s_parse_bad ("1,234.50 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1.234 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1.5 JPY", NULL, PMO_EINVAL);
    s_parse_bad ("1.0 JPY", NULL, PMO_EINVAL);
    s_parse_bad ("0.0001 BHD", NULL, PMO_EINVAL);
    s_parse_bad ("", "EUR", PMO_EINVAL);
    s_parse_bad ("   ", "EUR", PMO_EINVAL);
    s_parse_bad ("abc", "EUR", PMO_EINVAL);
    s_parse_bad ("1.2.3", "EUR", PMO_EINVAL);
    s_parse_bad ("1.2.3 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("--1 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("+-1 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1e5 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1e5", "EUR", PMO_EINVAL);
    s_parse_bad ("nan EUR", NULL, PMO_EINVAL);
    s_parse_bad ("inf", "EUR", PMO_EINVAL);
    s_parse_bad ("0x10 EUR", NULL, PMO_EINVAL);
    s_parse_bad (".5 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("5. EUR", NULL, PMO_EINVAL);
    s_parse_bad ("- 5 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1 000 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("1234.50", NULL, PMO_EINVAL);        /* no currency */
    s_parse_bad ("1234.50", "eur", PMO_EINVAL);       /* bad default */
    s_parse_bad ("1234.50 eur", NULL, PMO_EINVAL);
    s_parse_bad ("1234.50 XXX", NULL, PMO_EINVAL);
    s_parse_bad ("1234.50 XAU", NULL, PMO_EINVAL);
    s_parse_bad ("1234.50 EURO", NULL, PMO_EINVAL);
    s_parse_bad ("1234.50EUR", NULL, PMO_EINVAL);
    s_parse_bad ("EUR1234.50", NULL, PMO_EINVAL);
    s_parse_bad ("EUR", "EUR", PMO_EINVAL);
    s_parse_bad ("EUR USD", NULL, PMO_EINVAL);
    s_parse_bad ("1 EUR USD", NULL, PMO_EINVAL);
    s_parse_bad ("EUR 1 EUR", NULL, PMO_EINVAL);
    s_parse_bad ("\xd9\xa1\xd9\xa2 EUR", NULL, PMO_EINVAL);  /* Arabic-Indic digits */
    s_parse_bad ("1234.50\nEUR", NULL, PMO_EINVAL);
    s_parse_bad (NULL, "EUR", PMO_EINVAL);

    s_parse_bad ("92233720368547758.08 USD", NULL, PMO_EOVERFLOW);
    s_parse_bad ("-92233720368547758.09 USD", NULL, PMO_EOVERFLOW);
    s_parse_bad ("9223372036854775808 JPY", NULL, PMO_EOVERFLOW);
    s_parse_bad ("99999999999999999999999999 EUR", NULL, PMO_EOVERFLOW);
    s_parse_bad ("92233720368547758.071 USD", NULL, PMO_EINVAL);  /* syntax before size */
}

/*  Formats minor in currency and checks the text, then parses it back. */
static void
s_format_ok (int64_t minor, const char *currency, const char *want)
{
    char buf[PMO_MONEY_FMT_MAX];
    CHECK_RC (pmo_money_format (minor, currency, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, want);
    int64_t back = 0;
    char code[4] = "";
    CHECK_RC (pmo_money_parse (buf, NULL, &back, code), PMO_OK);
    CHECK_EQ_I64 (back, minor);
    CHECK_STR (code, currency);
}

static void
s_test_format (void)
{
    s_format_ok (123450, "EUR", "1234.50 EUR");
    s_format_ok (-5, "EUR", "-0.05 EUR");
    s_format_ok (-100, "EUR", "-1.00 EUR");
    s_format_ok (0, "EUR", "0.00 EUR");
    s_format_ok (1234, "JPY", "1234 JPY");
    s_format_ok (-1234, "JPY", "-1234 JPY");
    s_format_ok (1, "BHD", "0.001 BHD");
    s_format_ok (12345, "CLF", "1.2345 CLF");
    s_format_ok (INT64_MIN, "EUR", "-92233720368547758.08 EUR");
    s_format_ok (INT64_MAX, "USD", "92233720368547758.07 USD");
    s_format_ok (INT64_MIN, "JPY", "-9223372036854775808 JPY");

    char buf[PMO_MONEY_FMT_MAX] = "junk";
    CHECK_RC (pmo_money_format (100, "XXX", buf, sizeof buf), PMO_EINVAL);
    CHECK_STR (buf, "");
    CHECK_RC (pmo_money_format (100, NULL, buf, sizeof buf), PMO_EINVAL);

    /* "1234.50 EUR" is 11 bytes: 12 fit, 11 do not. */
    char small[12];
    CHECK_RC (pmo_money_format (123450, "EUR", small, 12), PMO_OK);
    CHECK_STR (small, "1234.50 EUR");
    CHECK_RC (pmo_money_format (123450, "EUR", small, 11), PMO_ETOOBIG);
    CHECK_STR (small, "");
    CHECK_RC (pmo_money_format (123450, "EUR", small, 0), PMO_ETOOBIG);

    CHECK_RC (pmo_money_format_plain (123450, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "1234.50");
    CHECK_RC (pmo_money_format_plain (-1, 3, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-0.001");
    CHECK_RC (pmo_money_format_plain (5, 0, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "5");
    CHECK_RC (pmo_money_format_plain (INT64_MIN, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-92233720368547758.08");
    CHECK_RC (pmo_money_format_plain (5, -1, buf, sizeof buf), PMO_EINVAL);
    CHECK_RC (pmo_money_format_plain (5, 10, buf, sizeof buf), PMO_EINVAL);
    CHECK_RC (pmo_money_format_plain (123450, 2, small, 7), PMO_ETOOBIG);
}

static void
s_test_checked (void)
{
    int64_t r = 42;
    CHECK_RC (pmo_i64_add (INT64_MAX - 1, 1, &r), PMO_OK);
    CHECK_EQ_I64 (r, INT64_MAX);
    r = 42;
    CHECK_RC (pmo_i64_add (INT64_MAX, 1, &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_add (INT64_MIN, -1, &r), PMO_EOVERFLOW);
    CHECK_EQ_I64 (r, 42);
    CHECK_RC (pmo_i64_sub (INT64_MIN, 1, &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_sub (0, INT64_MIN, &r), PMO_EOVERFLOW);
    CHECK_EQ_I64 (r, 42);
    CHECK_RC (pmo_i64_sub (-1, INT64_MAX, &r), PMO_OK);
    CHECK_EQ_I64 (r, INT64_MIN);
    CHECK_RC (pmo_i64_mul (INT64_C (3037000499), INT64_C (3037000499), &r), PMO_OK);
    CHECK_EQ_I64 (r, INT64_C (9223372030926249001));
    r = 42;
    CHECK_RC (pmo_i64_mul (INT64_C (3037000500), INT64_C (3037000500), &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_mul (INT64_MIN, -1, &r), PMO_EOVERFLOW);
    CHECK_EQ_I64 (r, 42);
    CHECK_RC (pmo_i64_mul (INT64_MIN, 1, &r), PMO_OK);
    CHECK_EQ_I64 (r, INT64_MIN);
}

static int64_t
s_muldiv (int64_t a, int64_t b, int64_t den)
{
    int64_t r = -777;
    CHECK_RC (pmo_i64_muldiv (a, b, den, &r), PMO_OK);
    return r;
}

static void
s_test_muldiv (void)
{
    CHECK_EQ_I64 (s_muldiv (90, 8550, 60), 12825);     /* 90 min at 85.50/h */
    CHECK_EQ_I64 (s_muldiv (1, 1, 2), 1);              /* 0.5 -> 1 */
    CHECK_EQ_I64 (s_muldiv (-1, 1, 2), -1);            /* -0.5 -> -1 */
    CHECK_EQ_I64 (s_muldiv (1, 1, -2), -1);
    CHECK_EQ_I64 (s_muldiv (-1, -1, 2), 1);
    CHECK_EQ_I64 (s_muldiv (-1, 1, -2), 1);
    CHECK_EQ_I64 (s_muldiv (7, 3, 4), 5);              /* 5.25 -> 5 */
    CHECK_EQ_I64 (s_muldiv (-7, 3, 4), -5);
    CHECK_EQ_I64 (s_muldiv (3, 1, 4), 1);              /* 0.75 -> 1 */
    CHECK_EQ_I64 (s_muldiv (1, 1, 4), 0);              /* 0.25 -> 0 */
    CHECK_EQ_I64 (s_muldiv (-1, 1, 4), 0);
    CHECK_EQ_I64 (s_muldiv (0, 5, 3), 0);
    CHECK_EQ_I64 (s_muldiv (1000000, 3333, 10000), 333300);  /* EV = BAC * bp */
    CHECK_EQ_I64 (s_muldiv (1, 1, 3), 0);
    CHECK_EQ_I64 (s_muldiv (2, 1, 3), 1);
    CHECK_EQ_I64 (s_muldiv (INT64_MAX, INT64_MAX, INT64_MAX), INT64_MAX);
    CHECK_EQ_I64 (s_muldiv (INT64_MIN, INT64_MIN, INT64_MIN), INT64_MIN);
    CHECK_EQ_I64 (s_muldiv (INT64_MIN, 1, INT64_MIN), 1);
    CHECK_EQ_I64 (s_muldiv (INT64_MAX, 2, 2), INT64_MAX);
    CHECK_EQ_I64 (s_muldiv (INT64_MAX, 1, 2), INT64_C (4611686018427387904));
    CHECK_EQ_I64 (s_muldiv (INT64_MIN, 1, 2), INT64_C (-4611686018427387904));
    CHECK_EQ_I64 (s_muldiv (1, 1, INT64_MIN), 0);
    CHECK_EQ_I64 (s_muldiv (INT64_MIN, -1, -1), INT64_MIN);
    /* A product far past int64 whose quotient fits. */
    CHECK_EQ_I64 (s_muldiv (INT64_C (4000000000000000000), 10000, 20000),
                  INT64_C (2000000000000000000));

    int64_t r = 42;
    CHECK_RC (pmo_i64_muldiv (1, 1, 0, &r), PMO_EINVAL);
    CHECK_RC (pmo_i64_muldiv (INT64_MIN, -1, 1, &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_muldiv (INT64_MIN, 1, -1, &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_muldiv (INT64_MAX, 3, 2, &r), PMO_EOVERFLOW);
    CHECK_RC (pmo_i64_muldiv (INT64_MAX, INT64_MAX, 1, &r), PMO_EOVERFLOW);
    CHECK_EQ_I64 (r, 42);
}

static void
s_test_decimal (void)
{
    int64_t v = -777;
    CHECK_RC (pmo_decimal_parse ("42.5", 2, &v), PMO_OK);
    CHECK_EQ_I64 (v, 4250);
    CHECK_RC (pmo_decimal_parse ("42", 2, &v), PMO_OK);
    CHECK_EQ_I64 (v, 4200);
    CHECK_RC (pmo_decimal_parse ("-0.25", 2, &v), PMO_OK);
    CHECK_EQ_I64 (v, -25);
    CHECK_RC (pmo_decimal_parse ("+3", 0, &v), PMO_OK);
    CHECK_EQ_I64 (v, 3);
    CHECK_RC (pmo_decimal_parse ("100", 2, &v), PMO_OK);
    CHECK_EQ_I64 (v, 10000);
    CHECK_RC (pmo_decimal_parse ("7.5", 9, &v), PMO_OK);
    CHECK_EQ_I64 (v, 7500000000);
    CHECK_RC (pmo_decimal_parse ("9223372036854775807", 0, &v), PMO_OK);
    CHECK_EQ_I64 (v, INT64_MAX);
    CHECK_RC (pmo_decimal_parse ("-9223372036854775808", 0, &v), PMO_OK);
    CHECK_EQ_I64 (v, INT64_MIN);
    CHECK_RC (pmo_decimal_parse ("9223372036.854775807", 9, &v), PMO_OK);
    CHECK_EQ_I64 (v, INT64_MAX);

    static const char *bad[] = {"0.125", " 42", "42 ", "", "-", "+", ".", "1.", ".5",
                                "1e2", "nan", "1,5", "--1", "0x1", "4 2"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        v = -777;
        CHECK_RC (pmo_decimal_parse (bad[i], 2, &v), PMO_EINVAL);
        CHECK_EQ_I64 (v, -777);
    }
    CHECK_RC (pmo_decimal_parse ("1.5", 0, &v), PMO_EINVAL);
    CHECK_RC (pmo_decimal_parse ("1", 10, &v), PMO_EINVAL);
    CHECK_RC (pmo_decimal_parse ("1", -1, &v), PMO_EINVAL);
    CHECK_RC (pmo_decimal_parse (NULL, 2, &v), PMO_EINVAL);
    CHECK_RC (pmo_decimal_parse ("9223372036854775808", 0, &v), PMO_EOVERFLOW);
    CHECK_RC (pmo_decimal_parse ("-9223372036854775809", 0, &v), PMO_EOVERFLOW);
    CHECK_RC (pmo_decimal_parse ("9223372036.854775808", 9, &v), PMO_EOVERFLOW);
    CHECK_RC (pmo_decimal_parse ("9223372037", 9, &v), PMO_EOVERFLOW);
    CHECK_EQ_I64 (v, -777);

    char buf[PMO_MONEY_FMT_MAX];
    CHECK_RC (pmo_decimal_format (4250, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "42.50");
    CHECK_RC (pmo_decimal_format_trim (4250, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "42.5");
    CHECK_RC (pmo_decimal_format_trim (4200, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "42");
    CHECK_RC (pmo_decimal_format_trim (10000, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "100");
    CHECK_RC (pmo_decimal_format (0, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "0.00");
    CHECK_RC (pmo_decimal_format_trim (0, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "0");
    CHECK_RC (pmo_decimal_format (-5, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-0.05");
    CHECK_RC (pmo_decimal_format_trim (-50, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-0.5");
    CHECK_RC (pmo_decimal_format_trim (-1005, 2, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-10.05");
    CHECK_RC (pmo_decimal_format (7, 0, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "7");
    CHECK_RC (pmo_decimal_format (INT64_MIN, 9, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "-9223372036.854775808");
    CHECK_RC (pmo_decimal_format (INT64_MAX, 0, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "9223372036854775807");
    CHECK_RC (pmo_decimal_format (1, 9, buf, sizeof buf), PMO_OK);
    CHECK_STR (buf, "0.000000001");
    CHECK_RC (pmo_decimal_format (1, 10, buf, sizeof buf), PMO_EINVAL);
    CHECK_RC (pmo_decimal_format (4250, 2, buf, 5), PMO_ETOOBIG);
    CHECK_RC (pmo_decimal_format (4250, 2, buf, 6), PMO_OK);

    /* format then parse is the identity, at every scale. */
    static const int64_t values[] = {0, 1, -1, 99, -100, 123456789, INT64_MAX, INT64_MIN};
    int n_bad = 0;
    for (int scale = 0; scale <= PMO_DECIMAL_SCALE_MAX; scale++)
        for (size_t i = 0; i < PMO_ARRAY_LEN (values); i++) {
            int64_t back = 0;
            if (pmo_decimal_format (values[i], scale, buf, sizeof buf) != PMO_OK
                || pmo_decimal_parse (buf, scale, &back) != PMO_OK || back != values[i])
                n_bad++;
            if (pmo_decimal_format_trim (values[i], scale, buf, sizeof buf) != PMO_OK
                || pmo_decimal_parse (buf, scale, &back) != PMO_OK || back != values[i])
                n_bad++;
        }
    CHECK_EQ_I64 (n_bad, 0);
}

int
main (void)
{
    s_test_currency ();
    s_test_parse ();
    s_test_format ();
    s_test_checked ();
    s_test_muldiv ();
    s_test_decimal ();
    return harness_report ();
}
