/*  spool_jsonl: JSON lines, one object per line, into records.
 *
 *  Owns only syntax: a line must be one JSON object whose values are
 *  strings, numbers or null (null = absent).  What the fields mean is
 *  record.c's business.  Numbers keep the text they were written with
 *  (json-c keeps it for doubles), so 42.50 reaches pmo_decimal_parse as
 *  "42.50" and never passes through a double.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "spool.h"

static bool
s_is_blank (const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/*  The key as it should appear in a reason. */
static const char *
s_key_text (const char *key, char *buf, size_t n)
{
    size_t len = strlen (key);
    bool is_plain = len > 0 && len <= 32;
    for (size_t i = 0; is_plain && i < len; i++)
        is_plain = (key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9')
                   || key[i] == '_';
    return is_plain ? key : record_quote (key, len, buf, n);
}

static int
s_too_long (size_t len, pmo_reason_t *why)
{
    pmo_reason_set (why, PMO_EINVAL, NULL, "line is %zu bytes long; the limit is %d", len,
                    SPOOL_RECORD_MAX);
    return PMO_EINVAL;
}

int
spool_jsonl_parse (const char *text, size_t len, record_t *rec, pmo_reason_t *why)
{
    record_clear (rec);
    if (s_is_blank (text, len))
        return PMO_ENOTFOUND;
    if (len > SPOOL_RECORD_MAX)
        return s_too_long (len, why);
    int rc = PMO_OK;
    json_tokener *tok = json_tokener_new ();
    json_object *obj = json_tokener_parse_ex (tok, text, (int) len);
    enum json_tokener_error jerr = json_tokener_get_error (tok);
    size_t end = json_tokener_get_parse_end (tok);
    if (jerr == json_tokener_continue) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "not valid JSON: the line ends inside the object");
        rc = PMO_EINVAL;
        goto out;
    }
    if (jerr != json_tokener_success || !obj) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "not valid JSON: %s",
                        json_tokener_error_desc (jerr));
        rc = PMO_EINVAL;
        goto out;
    }
    if (!s_is_blank (text + end, len - end)) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "not valid JSON: text after the object");
        rc = PMO_EINVAL;
        goto out;
    }
    if (!json_object_is_type (obj, json_type_object)) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "not a JSON object");
        rc = PMO_EINVAL;
        goto out;
    }
    json_object_object_foreach (obj, key, val) {
        char kbuf[64];
        record_type_t type;
        switch (json_object_get_type (val)) {
        case json_type_null:
            continue;  /* absent */
        case json_type_string:
            type = RECORD_TEXT;
            break;
        case json_type_int:
            type = RECORD_INT;
            break;
        case json_type_double:
            type = RECORD_FLOAT;
            break;
        default:
            pmo_reason_set (why, PMO_EINVAL, NULL, "%s: must be a string or a number",
                            s_key_text (key, kbuf, sizeof kbuf));
            rc = PMO_EINVAL;
            goto out;
        }
        const char *s = json_object_get_string (val);
        if (type == RECORD_TEXT && (size_t) json_object_get_string_len (val) != strlen (s)) {
            pmo_reason_set (why, PMO_EINVAL, NULL, "%s: contains a NUL character",
                            s_key_text (key, kbuf, sizeof kbuf));
            rc = PMO_EINVAL;
            goto out;
        }
        rc = record_set (rec, key, s, type, why);
        if (rc)
            goto out;
    }
out:
    if (rc)
        record_clear (rec);
    json_object_put (obj);
    json_tokener_free (tok);
    return rc;
}

/*  Keeps the raw text of the current record, cut at SPOOL_RECORD_MAX. */
static void
s_keep_text (spool_reader_t *self, const char *s, size_t len)
{
    if (len > SPOOL_RECORD_MAX)
        len = SPOOL_RECORD_MAX;
    if (self->text_cap < len + 1) {
        self->text_cap = len + 1;
        self->text = pmo_realloc (self->text, self->text_cap);
    }
    memcpy (self->text, s, len);
    self->text[len] = '\0';
    self->text_len = len;
}

/*  One physical line, measured in full but kept only up to the limit. */
typedef struct {
    size_t len;                 /* bytes before the line end */
    bool is_blank;              /* spaces, tabs and CRs only */
} s_line_t;

/*  Reads one line into self->line, without its line end (LF or CRLF).
 *  Bytes past SPOOL_RECORD_MAX + 1 are counted, not kept, so a huge line
 *  costs no memory.  Returns PMO_OK, PMO_ENOTFOUND at the end of input, or
 *  an errno. */
static int
s_read_line (spool_reader_t *self, s_line_t *line)
{
    size_t n = 0;
    int c, last = EOF;
    line->is_blank = true;
    errno = 0;
    while ((c = getc (self->file)) != EOF && c != '\n') {
        if (n < SPOOL_RECORD_MAX + 1) {
            if (n + 1 > self->line_cap) {
                size_t cap = self->line_cap ? self->line_cap * 2 : 256;
                self->line_cap = cap < SPOOL_RECORD_MAX + 1 ? cap : SPOOL_RECORD_MAX + 1;
                self->line = pmo_realloc (self->line, self->line_cap);
            }
            self->line[n] = (char) c;
        }
        if (c != ' ' && c != '\t' && c != '\r')
            line->is_blank = false;
        last = c;
        n++;
    }
    if (c == EOF && ferror (self->file))
        return errno ? errno : EIO;
    if (c == EOF && n == 0)
        return PMO_ENOTFOUND;
    line->len = last == '\r' ? n - 1 : n;
    return PMO_OK;
}

int
spool_jsonl_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why)
{
    for (;;) {
        s_line_t line;
        int rc = s_read_line (self, &line);
        if (rc)
            return rc;
        self->line_no++;
        self->record_line = self->line_no;
        s_keep_text (self, self->line ? self->line : "", line.len);  /* cut at the limit */
        if (line.is_blank)
            continue;
        if (line.len > SPOOL_RECORD_MAX) {
            record_clear (rec);
            return s_too_long (line.len, why);
        }
        rc = spool_jsonl_parse (self->line, line.len, rec, why);
        if (rc != PMO_ENOTFOUND)
            return rc;
    }
}
