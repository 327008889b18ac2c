/*  test_validate: UTF-8 edge cases, codes, text bounds and the exact wording
 *  of the reasons a reply carries. */
#include "harness.h"
#include "pmo/pmo_prelude.h"
#include "pmo/pmo_validate.h"

/*  sizeof - 1 keeps embedded NULs in the literal. */
#define S_UTF8(lit) pmo_utf8_valid ((lit), sizeof (lit) - 1)
#define S_TEXT(lit, nl) pmo_text_valid ((lit), sizeof (lit) - 1, (nl))

static void
s_test_utf8 (void)
{
    CHECK (S_UTF8 (""));
    CHECK (pmo_utf8_valid (NULL, 0));
    CHECK (S_UTF8 ("plain ASCII"));
    CHECK (S_UTF8 ("\xC3\xA9"));                 /* é, 2 bytes */
    CHECK (S_UTF8 ("\xC2\x80"));                 /* U+0080, smallest 2-byte */
    CHECK (S_UTF8 ("\xDF\xBF"));                 /* U+07FF */
    CHECK (S_UTF8 ("\xE2\x82\xAC"));             /* €, 3 bytes */
    CHECK (S_UTF8 ("\xE0\xA0\x80"));             /* U+0800, smallest 3-byte */
    CHECK (S_UTF8 ("\xED\x9F\xBF"));             /* U+D7FF, just below surrogates */
    CHECK (S_UTF8 ("\xEE\x80\x80"));             /* U+E000, just above */
    CHECK (S_UTF8 ("\xEF\xBF\xBF"));             /* U+FFFF */
    CHECK (S_UTF8 ("\xF0\x9F\x98\x80"));         /* emoji, 4 bytes */
    CHECK (S_UTF8 ("\xF0\x90\x80\x80"));         /* U+10000, smallest 4-byte */
    CHECK (S_UTF8 ("\xF4\x8F\xBF\xBF"));         /* U+10FFFF, the last */
    CHECK (S_UTF8 ("a\0b"));                     /* NUL is valid encoding */
    CHECK (S_UTF8 ("\x7F"));

    CHECK (!S_UTF8 ("\xC0\x80"));                /* overlong NUL */
    CHECK (!S_UTF8 ("\xC1\xBF"));                /* overlong U+007F */
    CHECK (!S_UTF8 ("\xE0\x80\x80"));            /* overlong 3-byte */
    CHECK (!S_UTF8 ("\xE0\x9F\xBF"));            /* overlong U+07FF */
    CHECK (!S_UTF8 ("\xF0\x80\x80\x80"));        /* overlong 4-byte */
    CHECK (!S_UTF8 ("\xF0\x8F\xBF\xBF"));        /* overlong U+FFFF */
    CHECK (!S_UTF8 ("\xED\xA0\x80"));            /* U+D800 surrogate */
    CHECK (!S_UTF8 ("\xED\xBF\xBF"));            /* U+DFFF surrogate */
    CHECK (!S_UTF8 ("\xF4\x90\x80\x80"));        /* U+110000 */
    CHECK (!S_UTF8 ("\xF5\x80\x80\x80"));
    CHECK (!S_UTF8 ("\xFF"));
    CHECK (!S_UTF8 ("\xFE"));
    CHECK (!S_UTF8 ("\xE2\x82"));                /* truncated € */
    CHECK (!S_UTF8 ("\xE2\x82" "a"));            /* truncated, then ASCII */
    CHECK (!S_UTF8 ("\xC3"));
    CHECK (!S_UTF8 ("\xF0\x9F\x98"));
    CHECK (!S_UTF8 ("\x80"));                    /* lone continuation */
    CHECK (!S_UTF8 ("a\xBF"));
    CHECK (!S_UTF8 ("\xC3\xA9\xA9"));            /* extra continuation */
    CHECK (!S_UTF8 ("\xC3\x28"));                /* bad continuation */
    CHECK (!S_UTF8 ("\xE2\x28\xA1"));
    CHECK (!S_UTF8 ("\xF0\x9F\x28\x80"));
    CHECK (!pmo_utf8_valid (NULL, 3));

    /* len bounds the scan: a truncated view of valid text is invalid. */
    CHECK (!pmo_utf8_valid ("\xE2\x82\xAC", 2));
    CHECK (pmo_utf8_valid ("ab\xE2\x82\xAC", 2));
}

static void
s_test_text (void)
{
    CHECK (S_TEXT ("Apollo \xE2\x80\x93 phase 2", false));
    CHECK (S_TEXT ("tab\there", false));
    CHECK (!S_TEXT ("line\nbreak", false));
    CHECK (S_TEXT ("line\nbreak", true));
    CHECK (!S_TEXT ("cr\r\n", true));
    CHECK (!S_TEXT ("a\0b", false));
    CHECK (!S_TEXT ("bell\a", true));
    CHECK (!S_TEXT ("esc\x1B[31m", true));
    CHECK (!S_TEXT ("del\x7F", true));
    CHECK (!S_TEXT ("c1 \xC2\x9B", true));       /* U+009B CSI */
    CHECK (S_TEXT ("nbsp\xC2\xA0", false));      /* U+00A0 is fine */
    CHECK (!S_TEXT ("\xED\xA0\x80", true));
    CHECK (S_TEXT ("", false));
}

static void
s_test_reason (void)
{
    pmo_reason_t r;
    pmo_reason_set (&r, PMO_EINVAL, "minutes", "%d exceeds %d in one day", 1500, 1440);
    CHECK_RC (r.rc, PMO_EINVAL);
    CHECK_STR (r.field, "minutes");
    CHECK_STR (r.text, "minutes: 1500 exceeds 1440 in one day");

    pmo_reason_set (&r, PMO_ENOTFOUND, NULL, "no project %s", "APOLLO");
    CHECK_STR (r.field, "");
    CHECK_STR (r.text, "no project APOLLO");

    /* Long field and text are truncated, never overrun. */
    char big[400];
    memset (big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    pmo_reason_set (&r, PMO_EINVAL, big, "%s", big);
    CHECK_EQ_I64 (strlen (r.field), sizeof r.field - 1);
    CHECK_EQ_I64 (strlen (r.text), sizeof r.text - 1);

    pmo_reason_clear (&r);
    CHECK_RC (r.rc, PMO_OK);
    CHECK_STR (r.field, "");
    CHECK_STR (r.text, "");

    pmo_reason_set (NULL, PMO_EINVAL, "x", "ignored");
    pmo_reason_clear (NULL);
}

static void
s_test_code (void)
{
    pmo_reason_t r;
    static const char *good[] = {"APOLLO", "a", "Z", "team-7", "prog_2025", "A1-b_C",
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (good); i++) {
        pmo_reason_clear (&r);
        CHECK_RC (pmo_check_code ("project", good[i], &r), PMO_OK);
        CHECK_RC (r.rc, PMO_OK);  /* untouched on success */
    }
    static const char *bad[] = {"", "1APOLLO", "-x", "_x", "APOLLO 11", "APO.LLO", "APOLLO!",
                                "\xC3\xA9t\xC3\xA9", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
                                "tab\t", "A/B"};
    for (size_t i = 0; i < PMO_ARRAY_LEN (bad); i++) {
        pmo_reason_clear (&r);
        CHECK_RC (pmo_check_code ("project", bad[i], &r), PMO_EINVAL);
        CHECK_RC (r.rc, PMO_EINVAL);
        CHECK_STR (r.field, "project");
    }
    CHECK_RC (pmo_check_code ("project", NULL, NULL), PMO_EINVAL);
    CHECK_RC (pmo_check_code ("project", "OK", NULL), PMO_OK);

    pmo_check_code ("project", "", &r);
    CHECK_STR (r.text, "project: must not be empty");
    pmo_check_code ("project", "APOLLO!", &r);
    CHECK_STR (r.text, "project: character 7 ('!') is not a letter, digit, '-' or '_'");
    pmo_check_code ("team", "7up", &r);
    CHECK_STR (r.text, "team: character 1 ('7') must be a letter");
    pmo_check_code ("team", "AB CD", &r);
    CHECK_STR (r.text, "team: character 3 (byte 0x20) is not a letter, digit, '-' or '_'");
    pmo_check_code ("team", "caf\xC3\xA9", &r);
    CHECK_STR (r.text, "team: character 4 (byte 0xC3) is not a letter, digit, '-' or '_'");
    pmo_check_code ("programme", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", &r);
    CHECK_STR (r.text, "programme: is 33 characters long; the limit is 32");
}

static void
s_test_check_text (void)
{
    pmo_reason_t r;
    pmo_reason_clear (&r);
    CHECK_RC (pmo_check_text ("title", NULL, 10, false, &r), PMO_OK);
    CHECK_RC (pmo_check_text ("title", "", 10, false, &r), PMO_OK);
    CHECK_RC (r.rc, PMO_OK);
    CHECK_RC (pmo_check_text ("title", "0123456789", 10, true, &r), PMO_OK);
    CHECK_RC (pmo_check_text ("title", "\xE2\x82\xAC\xE2\x82\xAC", 6, true, &r), PMO_OK);

    CHECK_RC (pmo_check_text ("title", NULL, 10, true, &r), PMO_EINVAL);
    CHECK_STR (r.text, "title: must not be empty");
    CHECK_RC (pmo_check_text ("title", "", 10, true, &r), PMO_EINVAL);

    CHECK_RC (pmo_check_text ("title", "01234567890", 10, true, &r), PMO_ETOOBIG);
    CHECK_RC (r.rc, PMO_ETOOBIG);
    CHECK_STR (r.text, "title: is 11 bytes long; the limit is 10");
    /* The bound is bytes, not characters: three euro signs are 9 bytes. */
    CHECK_RC (pmo_check_text ("title", "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 8, true, &r),
              PMO_ETOOBIG);

    CHECK_RC (pmo_check_text ("name", "Ana\xED\xA0\x80", 100, true, &r), PMO_EINVAL);
    CHECK_STR (r.text, "name: not valid UTF-8 text: bad encoding at byte 4");
    CHECK_RC (pmo_check_text ("name", "two\nlines", 100, true, &r), PMO_EINVAL);
    CHECK_STR (r.text, "name: not valid UTF-8 text: control character U+000A at byte 4");
    CHECK_RC (pmo_check_text ("name", "x\x7F", 100, false, &r), PMO_EINVAL);
    CHECK_STR (r.text, "name: not valid UTF-8 text: control character U+007F at byte 2");
    CHECK_RC (pmo_check_text ("name", "tab\tok", 100, true, NULL), PMO_OK);
    CHECK_RC (pmo_check_text ("name", "\xC3", 100, true, NULL), PMO_EINVAL);
}

static void
s_test_range (void)
{
    pmo_reason_t r;
    pmo_reason_clear (&r);
    CHECK_RC (pmo_check_range ("percent", 0, 0, 100, &r), PMO_OK);
    CHECK_RC (pmo_check_range ("percent", 100, 0, 100, &r), PMO_OK);
    CHECK_RC (r.rc, PMO_OK);
    CHECK_RC (pmo_check_range ("percent", 150, 0, 100, &r), PMO_EINVAL);
    CHECK_STR (r.field, "percent");
    CHECK_STR (r.text, "percent: 150 is outside 0..100");
    CHECK_RC (pmo_check_range ("minutes", -1, 0, 1440, &r), PMO_EINVAL);
    CHECK_STR (r.text, "minutes: -1 is outside 0..1440");
    CHECK_RC (pmo_check_range ("x", INT64_MIN, INT64_MIN, INT64_MAX, &r), PMO_OK);
    CHECK_RC (pmo_check_range ("x", INT64_MIN, INT64_MIN + 1, INT64_MAX, &r), PMO_EINVAL);
    CHECK_STR (r.text, "x: -9223372036854775808 is outside -9223372036854775807..9223372036854775807");
    CHECK_RC (pmo_check_range ("x", 5, 0, 1, NULL), PMO_EINVAL);
}

int
main (void)
{
    s_test_utf8 ();
    s_test_text ();
    s_test_reason ();
    s_test_code ();
    s_test_check_text ();
    s_test_range ();
    return harness_report ();
}
