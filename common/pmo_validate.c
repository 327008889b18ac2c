/*  pmo_validate: the generic input checks every handler and agent shares.
 *
 *  Owns strict UTF-8 decoding and the wording of the generic rejection
 *  reasons.  Must never trust a length it did not bound: every scan stops at
 *  len or at the first bad byte.  Checks never allocate, and they touch the
 *  reason only when they fail.
 */
#include "pmo/pmo_validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "pmo/pmo_error.h"

void
pmo_reason_set (pmo_reason_t *r, int rc, const char *field, const char *fmt, ...)
{
    if (!r)
        return;
    r->rc = rc;
    pmo_strlcpy (r->field, field ? field : "", sizeof r->field);
    size_t used = 0;
    if (r->field[0]) {
        int n = snprintf (r->text, sizeof r->text, "%s: ", r->field);
        used = n > 0 ? (size_t) n : 0;
    }
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (r->text + used, sizeof r->text - used, fmt, ap);
    va_end (ap);
}

void
pmo_reason_clear (pmo_reason_t *r)
{
    if (!r)
        return;
    r->rc = PMO_OK;
    r->field[0] = '\0';
    r->text[0] = '\0';
}

/*  Decodes one code point at s[i..len).  Returns its length in bytes and
 *  sets *cp, or returns 0 for any ill-formed sequence.  The second-byte
 *  ranges follow Unicode Table 3-7, which is what rules out overlongs,
 *  surrogates and values above U+10FFFF without any later arithmetic. */
static size_t
s_utf8_next (const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned char b0 = s[i];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  /* allowed range of the 2nd byte */

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF)
        n = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF)
        n = 3;
    else if (b0 >= 0xF0 && b0 <= 0xF4)
        n = 4;
    else
        return 0;  /* continuation byte, C0/C1 (always overlong) or F5..FF */
    if (b0 == 0xE0)
        lo = 0xA0;
    else if (b0 == 0xED)
        hi = 0x9F;
    else if (b0 == 0xF0)
        lo = 0x90;
    else if (b0 == 0xF4)
        hi = 0x8F;

    if (len - i < n)
        return 0;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    uint32_t v = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    *cp = v;
    return n;
}

static bool
s_is_control (uint32_t cp, bool allow_newline)
{
    if (cp == '\t' || (cp == '\n' && allow_newline))
        return false;
    /* C1 as well as C0: U+009B is CSI to some terminals. */
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*  Scans s[0..len).  Returns len when all is well, else the offset of the
 *  first bad sequence, with *is_control telling why. */
static size_t
s_text_scan (const char *s, size_t len, bool check_controls, bool allow_newline,
             bool *is_control, uint32_t *bad_cp)
{
    const unsigned char *u = (const unsigned char *) s;
    size_t i = 0;
    *is_control = false;
    while (i < len) {
        uint32_t cp;
        size_t n = s_utf8_next (u, len, i, &cp);
        if (n == 0)
            return i;
        if (check_controls && s_is_control (cp, allow_newline)) {
            *is_control = true;
            *bad_cp = cp;
            return i;
        }
        i += n;
    }
    return len;
}

bool
pmo_utf8_valid (const char *s, size_t len)
{
    bool is_control;
    uint32_t cp;
    if (len == 0)
        return true;
    return s && s_text_scan (s, len, false, false, &is_control, &cp) == len;
}

bool
pmo_text_valid (const char *s, size_t len, bool allow_newline)
{
    bool is_control;
    uint32_t cp;
    if (len == 0)
        return true;
    return s && s_text_scan (s, len, true, allow_newline, &is_control, &cp) == len;
}

static bool
s_is_alpha (char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int
pmo_check_code (const char *field, const char *s, pmo_reason_t *r)
{
    if (!s || !*s) {
        pmo_reason_set (r, PMO_EINVAL, field, "must not be empty");
        return PMO_EINVAL;
    }
    size_t len = strlen (s);
    if (len > PMO_MAX_CODE_LEN) {
        pmo_reason_set (r, PMO_EINVAL, field, "is %zu characters long; the limit is %d", len,
                        PMO_MAX_CODE_LEN);
        return PMO_EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = s_is_alpha (c) || (i > 0 && ((c >= '0' && c <= '9') || c == '-' || c == '_'));
        if (ok)
            continue;
        const char *rule = i == 0 ? "must be a letter" : "is not a letter, digit, '-' or '_'";
        /* Quote printable ASCII; show anything else as hex, never raw. */
        if (c > ' ' && c < 0x7F && c != '\'')
            pmo_reason_set (r, PMO_EINVAL, field, "character %zu ('%c') %s", i + 1, c, rule);
        else
            pmo_reason_set (r, PMO_EINVAL, field, "character %zu (byte 0x%02X) %s", i + 1,
                            (unsigned) (unsigned char) c, rule);
        return PMO_EINVAL;
    }
    return PMO_OK;
}

int
pmo_check_text (const char *field, const char *s, size_t max_bytes, bool required,
                pmo_reason_t *r)
{
    if (!s || !*s) {
        if (!required)
            return PMO_OK;
        pmo_reason_set (r, PMO_EINVAL, field, "must not be empty");
        return PMO_EINVAL;
    }
    size_t len = strlen (s);
    if (len > max_bytes) {
        pmo_reason_set (r, PMO_ETOOBIG, field, "is %zu bytes long; the limit is %zu", len,
                        max_bytes);
        return PMO_ETOOBIG;
    }
    bool is_control;
    uint32_t cp = 0;
    size_t bad = s_text_scan (s, len, true, false, &is_control, &cp);
    if (bad == len)
        return PMO_OK;
    if (is_control)
        pmo_reason_set (r, PMO_EINVAL, field,
                        "not valid UTF-8 text: control character U+%04" PRIX32 " at byte %zu",
                        cp, bad + 1);
    else
        pmo_reason_set (r, PMO_EINVAL, field, "not valid UTF-8 text: bad encoding at byte %zu",
                        bad + 1);
    return PMO_EINVAL;
}

int
pmo_check_range (const char *field, int64_t v, int64_t min, int64_t max, pmo_reason_t *r)
{
    if (v >= min && v <= max)
        return PMO_OK;
    pmo_reason_set (r, PMO_EINVAL, field, "%" PRId64 " is outside %" PRId64 "..%" PRId64, v, min,
                    max);
    return PMO_EINVAL;
}
