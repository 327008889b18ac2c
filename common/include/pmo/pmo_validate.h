/*  pmo_validate: generic input rules and the reason a rejection carries.
 *
 *  Each pmo_check_* returns PMO_OK or an error code and, on error, fills a
 *  pmo_reason_t with the field name and one human sentence that a reply can
 *  carry unchanged ("percent: 150 is outside 0..100").  On success the
 *  reason is left untouched, so several checks can share one reason and the
 *  first failure is what the caller reports.  Domain rules (minutes per day,
 *  milestone states) live with their handlers and use pmo_reason_set.
 */
#ifndef PMO_VALIDATE_H
#define PMO_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmo/pmo_limits.h"
#include "pmo/pmo_prelude.h"

typedef struct {
    int rc;          /* PMO_OK, or the PMO_E* code that was returned */
    char field[32];  /* the input field at fault, "" when none */
    char text[200];  /* one human sentence, starting with "field: " */
} pmo_reason_t;

/*  Records rc, field (truncated to 31 bytes; NULL means "") and a sentence
 *  formatted from fmt.  When field is not empty the text is prefixed with
 *  "field: ", so pmo_reason_set (r, PMO_EINVAL, "minutes", "%d exceeds 1440
 *  in one day", 1500) gives "minutes: 1500 exceeds 1440 in one day".  Text is
 *  truncated to fit.  r may be NULL, which makes this a no-op. */
void pmo_reason_set (pmo_reason_t *r, int rc, const char *field, const char *fmt, ...)
    PMO_PRINTF (4, 5);

/*  Resets r to rc PMO_OK with empty field and text.  r may be NULL. */
void pmo_reason_clear (pmo_reason_t *r);

/*  Returns true when the len bytes at s are well-formed UTF-8: no overlong
 *  forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no
 *  truncated sequence.  Checks the encoding only, so an embedded NUL or a
 *  control character passes.  s may be NULL when len is 0. */
bool pmo_utf8_valid (const char *s, size_t len);

/*  Returns true when the len bytes at s are pmo_utf8_valid and contain no
 *  control character: C0 (U+0000..U+001F) other than tab, and newline when
 *  allow_newline; DEL (U+007F); and C1 (U+0080..U+009F).  CR is always
 *  rejected; text that must hold line breaks uses "\n" alone. */
bool pmo_text_valid (const char *s, size_t len, bool allow_newline);

/*  Checks an identifier such as a project, team or programme code: 1 to
 *  PMO_MAX_CODE_LEN (pmo_limits.h) bytes, an ASCII letter first, then ASCII
 *  letters, digits, '-' or '_'.  Case is kept and matters.  Returns PMO_OK,
 *  or PMO_EINVAL with r saying why (empty, too long, or which character,
 *  1-based, is wrong).  s may be NULL (treated as empty); r may be NULL. */
int pmo_check_code (const char *field, const char *s, pmo_reason_t *r);

/*  Checks a single-line text such as a name or title.  NULL or "" is
 *  PMO_OK unless required (then PMO_EINVAL); more than max_bytes bytes is
 *  PMO_ETOOBIG; text that is not pmo_text_valid without newlines is
 *  PMO_EINVAL ("not valid UTF-8 text: ...").  r may be NULL. */
int pmo_check_text (const char *field, const char *s, size_t max_bytes, bool required,
                    pmo_reason_t *r);

/*  Checks min <= v <= max.  Returns PMO_OK, or PMO_EINVAL with r set to
 *  "field: v is outside min..max".  r may be NULL. */
int pmo_check_range (const char *field, int64_t v, int64_t min, int64_t max, pmo_reason_t *r);

#endif
