/*  test_describe_edges: pmo_describe's cut when a quoted string is cut short
 *  and a later field holds another string that needs quotes.  The header
 *  promises that "a quoted string cut short is closed"; the later string's
 *  opening quote, which no longer fit, used to clear the flag that the
 *  first one was still open, so the output ended inside a quote.
 *  Also DEL, a control character like C0, which the header says is quoted
 *  (and it is escaped like C0), went out raw and unquoted. */
#include <string.h>

#include "harness.h"
#include "pmo/pmo_describe.h"
#include "pmo/pmo_validate.h"

/*  True when the quotes of text balance (a backslash escapes the next byte). */
static bool
s_quotes_balance (const char *text)
{
    bool is_open = false;
    for (const char *c = text; *c; c++) {
        if (*c == '\\' && c[1]) {
            c++;
            continue;
        }
        if (*c == '"')
            is_open = !is_open;
    }
    return !is_open;
}

static void
s_cut_inside_first_of_two_quoted (void)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = (char *) "a b";     /* needs quotes */
    t.note = (char *) "c d";       /* needs quotes too, after it */
    Pmo__Event ev = PMO__EVENT__INIT;
    ev.actor = (char *) "x y";
    ev.body_case = PMO__EVENT__BODY_TIME;
    ev.time = &t;

    char full[256];
    pmo_describe (&ev.base, full, sizeof full);
    CHECK_STR (full, "actor=\"x y\" time={person=\"a b\" note=\"c d\"}");

    /*  Room for 'actor="' and the tail only: the quote is closed before "…". */
    char buf[16];
    CHECK_STR (pmo_describe (&ev.base, buf, 12), "actor=\"\"\xe2\x80\xa6");
    CHECK_STR (pmo_describe (&ev.base, buf, 14), "actor=\"x \"\xe2\x80\xa6");

    /*  Every buffer size: within the buffer, valid UTF-8, quotes closed. */
    size_t full_len = strlen (full);
    for (size_t n = 1; n <= full_len + 1; n++) {
        char out[256];
        pmo_describe (&ev.base, out, n);
        size_t len = strlen (out);
        CHECK (len < n);
        CHECK (pmo_utf8_valid (out, len));
        if (!s_quotes_balance (out))
            fprintf (stderr, "n=%zu: unbalanced quotes in [%s]\n", n, out);
        CHECK (s_quotes_balance (out));
    }
}

static void
s_del_is_a_control_character (void)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.note = (char *) "a\x7f" "b";
    char buf[64];
    CHECK_STR (pmo_describe (&t.base, buf, sizeof buf), "note=\"a\\x7fb\"");
    t.note = (char *) "a\x01" "b";
    CHECK_STR (pmo_describe (&t.base, buf, sizeof buf), "note=\"a\\x01b\"");
}

int
main (void)
{
    s_cut_inside_first_of_two_quoted ();
    s_del_is_a_control_character ();
    return harness_report ();
}
