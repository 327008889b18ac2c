/*  spool_csv: RFC 4180 CSV into records.
 *
 *  The first non-blank record is the header; it names columns from the
 *  record fields (record_known_field) and must have a "type" column.  Each
 *  later record becomes a record_t with one field per non-empty cell.
 *  Quoted cells may hold commas, line breaks and doubled quotes; records end
 *  at LF or CRLF.  A malformed record is reported and skipped: reading
 *  always resynchronises at the end of the record, so one bad line never
 *  hides the good ones after it.  Line numbers are physical lines, the
 *  record's first.
 */
#include <errno.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "spool.h"

/*  More cells than this in one record is malformed. */
#define S_MAX_CELLS 64

typedef enum {
    S_FIELD_START,
    S_UNQUOTED,
    S_QUOTED,
    S_AFTER_QUOTE,
    S_SKIP                      /* bad field: skip to the next separator */
} s_state_t;

/*  One physical record as cells. */
typedef struct {
    char *buf;                  /* cells, each NUL-terminated */
    size_t len, cap;
    size_t starts[S_MAX_CELLS];
    size_t n_cells;
    bool is_too_long;
    bool is_too_many;
    bool is_eof;                /* nothing read: end of input */
} s_row_t;

static void
s_row_byte (s_row_t *row, char c)
{
    if (row->len + 2 > SPOOL_RECORD_MAX) {
        row->is_too_long = true;
        return;
    }
    if (row->len + 2 > row->cap) {
        row->cap = row->cap ? row->cap * 2 : 256;
        row->buf = pmo_realloc (row->buf, row->cap);
    }
    row->buf[row->len++] = c;
}

static void
s_row_end_cell (s_row_t *row)
{
    s_row_byte (row, '\0');
    /*  starts[] holds where the *next* cell begins. */
    if (row->n_cells + 1 >= S_MAX_CELLS) {
        row->is_too_many = true;
        return;
    }
    row->starts[++row->n_cells] = row->len;
}

static const char *
s_row_cell (const s_row_t *row, size_t i)
{
    return row->is_too_long ? "" : row->buf + row->starts[i];
}

static void
s_text_byte (spool_reader_t *self, char c)
{
    if (self->text_len + 1 >= SPOOL_RECORD_MAX)
        return;
    if (self->text_len + 2 > self->text_cap) {
        self->text_cap = self->text_cap ? self->text_cap * 2 : 256;
        self->text = pmo_realloc (self->text, self->text_cap);
    }
    self->text[self->text_len++] = c;
    self->text[self->text_len] = '\0';
}

/*  Reads one record's cells.  Sets why (first problem only) and returns
 *  PMO_EINVAL for a malformed record, PMO_OK otherwise; row->is_eof when
 *  the input had nothing left. */
static int
s_read_row (spool_reader_t *self, s_row_t *row, pmo_reason_t *why)
{
    s_state_t state = S_FIELD_START;
    int rc = PMO_OK;
    bool has_any = false;
    row->len = 0;
    row->n_cells = 0;
    row->starts[0] = 0;
    row->is_too_long = row->is_too_many = row->is_eof = false;
    self->text_len = 0;
    if (self->text)
        self->text[0] = '\0';
    self->record_line = self->line_no + 1;

    for (;;) {
        int c = getc (self->file);
        if (c == EOF) {
            if (ferror (self->file))
                return errno ? errno : EIO;
            if (!has_any) {
                row->is_eof = true;
                return PMO_OK;
            }
            if (state == S_QUOTED && !rc) {
                pmo_reason_set (why, PMO_EINVAL, NULL,
                                "column %zu: quoted field not closed before the end of the file",
                                row->n_cells + 1);
                rc = PMO_EINVAL;
            }
            s_row_end_cell (row);
            self->line_no++;  /* the last line had no line end */
            break;
        }
        has_any = true;
        if (c == '\r') {
            int next = getc (self->file);
            if (next == '\n')
                c = '\n';  /* CRLF is a line end */
            else if (next != EOF)
                ungetc (next, self->file);
        }
        if (c == '\n' && state != S_QUOTED) {
            s_row_end_cell (row);
            self->line_no++;
            break;
        }
        s_text_byte (self, (char) c);
        if (c == '\0' && !rc) {
            pmo_reason_set (why, PMO_EINVAL, NULL, "column %zu: contains a NUL byte",
                            row->n_cells + 1);
            rc = PMO_EINVAL;
        }
        switch (state) {
        case S_FIELD_START:
            if (c == '"')
                state = S_QUOTED;
            else if (c == ',')
                s_row_end_cell (row);
            else {
                s_row_byte (row, (char) c);
                state = S_UNQUOTED;
            }
            break;
        case S_UNQUOTED:
            if (c == ',') {
                s_row_end_cell (row);
                state = S_FIELD_START;
            } else if (c == '"') {
                if (!rc) {
                    pmo_reason_set (why, PMO_EINVAL, NULL,
                                    "column %zu: a quote inside an unquoted field "
                                    "(quote the whole field and double the quote)",
                                    row->n_cells + 1);
                    rc = PMO_EINVAL;
                }
                state = S_SKIP;
            } else
                s_row_byte (row, (char) c);
            break;
        case S_QUOTED:
            if (c == '"')
                state = S_AFTER_QUOTE;
            else {
                if (c == '\n')
                    self->line_no++;
                s_row_byte (row, (char) c);
            }
            break;
        case S_AFTER_QUOTE:
            if (c == '"') {
                s_row_byte (row, '"');
                state = S_QUOTED;
            } else if (c == ',') {
                s_row_end_cell (row);
                state = S_FIELD_START;
            } else {
                if (!rc) {
                    pmo_reason_set (why, PMO_EINVAL, NULL,
                                    "column %zu: text after the closing quote",
                                    row->n_cells + 1);
                    rc = PMO_EINVAL;
                }
                state = S_SKIP;
            }
            break;
        case S_SKIP:
            if (c == ',') {
                s_row_end_cell (row);
                state = S_FIELD_START;
            }
            break;
        }
    }
    if (!rc && row->is_too_long) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "record is longer than %d bytes", SPOOL_RECORD_MAX);
        rc = PMO_EINVAL;
    }
    if (!rc && row->is_too_many) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "more than %d fields", S_MAX_CELLS - 1);
        rc = PMO_EINVAL;
    }
    return rc;
}

static bool
s_row_is_blank (const spool_reader_t *self)
{
    for (size_t i = 0; i < self->text_len; i++)
        if (self->text[i] != ' ' && self->text[i] != '\t' && self->text[i] != '\r')
            return false;
    return true;
}

void
spool_csv_free (spool_reader_t *self)
{
    for (size_t i = 0; i < self->n_columns; i++)
        free (self->columns[i]);
    free (self->columns);
    self->columns = NULL;
    self->n_columns = 0;
}

/*  Takes the header row.  Returns PMO_OK or PMO_EPROTO with why. */
static int
s_header (spool_reader_t *self, const s_row_t *row, pmo_reason_t *why)
{
    char q[64];
    self->columns = pmo_calloc (row->n_cells, sizeof *self->columns);
    self->n_columns = row->n_cells;
    bool has_type = false;
    for (size_t i = 0; i < row->n_cells; i++) {
        const char *name = s_row_cell (row, i);
        /*  Spreadsheets pad header cells; the names themselves have no
         *  blanks. */
        while (*name == ' ')
            name++;
        size_t len = strlen (name);
        while (len && name[len - 1] == ' ')
            len--;
        char *col = pmo_malloc (len + 1);
        memcpy (col, name, len);
        col[len] = '\0';
        self->columns[i] = col;
        if (!len) {
            pmo_reason_set (why, PMO_EPROTO, "header", "column %zu has no name", i + 1);
            return PMO_EPROTO;
        }
        if (!record_known_field (col)) {
            pmo_reason_set (why, PMO_EPROTO, "header", "unknown column %s",
                            record_quote (col, len, q, sizeof q));
            return PMO_EPROTO;
        }
        for (size_t k = 0; k < i; k++) {
            if (streq (self->columns[k], col)) {
                pmo_reason_set (why, PMO_EPROTO, "header", "column %s appears twice",
                                record_quote (col, len, q, sizeof q));
                return PMO_EPROTO;
            }
        }
        if (streq (col, "type"))
            has_type = true;
    }
    if (!has_type) {
        pmo_reason_set (why, PMO_EPROTO, "header", "no \"type\" column");
        return PMO_EPROTO;
    }
    self->is_header_read = true;
    return PMO_OK;
}

int
spool_csv_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why)
{
    s_row_t row = {0};
    int rc;
    record_clear (rec);
    for (;;) {
        rc = s_read_row (self, &row, why);
        if (rc > 0)
            goto out;  /* errno */
        if (row.is_eof) {
            rc = PMO_ENOTFOUND;
            goto out;
        }
        if (rc == PMO_OK && s_row_is_blank (self))
            continue;
        if (!self->is_header_read) {
            if (rc == PMO_EINVAL) {
                /*  A header we cannot even split: the file is unreadable. */
                char sentence[sizeof why->text];
                pmo_strlcpy (sentence, why->text, sizeof sentence);
                pmo_reason_set (why, PMO_EPROTO, "header", "%s", sentence);
                rc = PMO_EPROTO;
                goto out;
            }
            rc = s_header (self, &row, why);
            if (rc)
                goto out;
            continue;
        }
        break;
    }
    if (rc)
        goto out;
    if (row.n_cells != self->n_columns) {
        pmo_reason_set (why, PMO_EINVAL, NULL, "has %zu fields; the header has %zu", row.n_cells,
                        self->n_columns);
        rc = PMO_EINVAL;
        goto out;
    }
    for (size_t i = 0; i < row.n_cells; i++) {
        const char *cell = s_row_cell (&row, i);
        if (!*cell)
            continue;  /* empty cell: absent */
        rc = record_set (rec, self->columns[i], cell, RECORD_TEXT, why);
        if (rc)
            goto out;
    }
out:
    if (rc)
        record_clear (rec);
    free (row.buf);
    return rc;
}
