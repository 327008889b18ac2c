/*  output: tables, CSV and JSON for pmoctl.
 *
 *  This file is the only place that escapes or quotes anything pmoctl
 *  prints: text cells lose their control characters (a name can never break
 *  a line of a table), CSV fields are quoted by RFC 4180, and JSON goes
 *  through json-c.  A table keeps copies of its cells, so callers may pass
 *  stack buffers and free the reply before printing.
 */
#include "output.h"

#include <stdarg.h>
#include <stdlib.h>

#include "pmo/pmo_json.h"

typedef struct {
    char *header;
    char *csv_name;
    unsigned flags;
    size_t width;       /* widest text cell or heading, in code points */
} s_column_t;

struct out_table {
    s_column_t *cols;
    size_t n_cols;
    char **cells;       /* n_rows x n_cols, row-major; NULL is "" */
    size_t n_rows;
    size_t cap_rows;
    size_t next_col;    /* cell the next out_table_cell fills */
    bool is_header_hidden;
};

out_table_t *
out_table_new (void)
{
    return pmo_calloc (1, sizeof (out_table_t));
}

void
out_table_destroy (out_table_t **self_p)
{
    out_table_t *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; i < self->n_rows * self->n_cols; i++)
        free (self->cells[i]);
    for (size_t c = 0; c < self->n_cols; c++) {
        free (self->cols[c].header);
        free (self->cols[c].csv_name);
    }
    free (self->cells);
    free (self->cols);
    free (self);
    *self_p = NULL;
}

void
out_table_column (out_table_t *self, const char *header, const char *csv_name, unsigned flags)
{
    if (self->n_rows > 0)
        abort ();  /* programmer error: columns are fixed once rows exist */
    self->cols = pmo_realloc (self->cols, (self->n_cols + 1) * sizeof *self->cols);
    s_column_t *col = &self->cols[self->n_cols++];
    col->header = pmo_strdup (header ? header : "");
    col->csv_name = pmo_strdup (csv_name ? csv_name : "");
    col->flags = flags;
    col->width = 0;
}

void
out_table_hide_header (out_table_t *self)
{
    self->is_header_hidden = true;
}

void
out_table_row (out_table_t *self)
{
    if (self->n_rows == self->cap_rows) {
        self->cap_rows = self->cap_rows ? self->cap_rows * 2 : 16;
        self->cells = pmo_realloc (self->cells, self->cap_rows * self->n_cols * sizeof (char *));
    }
    memset (self->cells + self->n_rows * self->n_cols, 0, self->n_cols * sizeof (char *));
    self->n_rows++;
    self->next_col = 0;
}

void
out_table_cell (out_table_t *self, const char *s)
{
    if (self->n_rows == 0 || self->next_col >= self->n_cols)
        abort ();  /* programmer error: more cells than columns */
    self->cells[(self->n_rows - 1) * self->n_cols + self->next_col++] = pmo_strdup (s ? s : "");
}

void
out_table_cellf (out_table_t *self, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (buf, sizeof buf, fmt, ap);
    va_end (ap);
    out_table_cell (self, buf);
}

size_t
out_table_n_rows (const out_table_t *self)
{
    return self->n_rows;
}

/*  Display width of UTF-8 text: one per code point (continuation bytes do
 *  not count).  Wide East Asian characters come out one short; good enough
 *  for an operator's terminal. */
static size_t
s_width (const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char) *s & 0xC0) != 0x80)
            w++;
    return w;
}

static void
s_pad (FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc (' ', f);
}

/*  Writes s with every control character (C0, DEL) shown as a blank. */
static void
s_text (FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        fputc (c < 0x20 || c == 0x7F ? ' ' : c, f);
    }
}

static const char *
s_cell (const out_table_t *self, size_t r, size_t c)
{
    const char *s = self->cells[r * self->n_cols + c];
    return s ? s : "";
}

/*  In text, an empty cell shows as "-" so every line has the same number of
 *  blank-separated words in the columns before a free-text one. */
static const char *
s_text_cell (const out_table_t *self, size_t r, size_t c)
{
    const char *s = s_cell (self, r, c);
    return *s ? s : "-";
}

/*  Writes one text line: cells (or headings when r is SIZE_MAX) padded to
 *  their columns' widths, without trailing blanks. */
static void
s_text_line (const out_table_t *self, const size_t *width, size_t r, FILE *f)
{
    /*  The last text column is not padded on the right. */
    size_t last = 0;
    for (size_t c = 0; c < self->n_cols; c++)
        if (!(self->cols[c].flags & OUT_CSV_ONLY))
            last = c;
    bool is_first = true;
    for (size_t c = 0; c < self->n_cols; c++) {
        const s_column_t *col = &self->cols[c];
        if (col->flags & OUT_CSV_ONLY)
            continue;
        const char *s = r == SIZE_MAX ? col->header : s_text_cell (self, r, c);
        size_t gap = width[c] - s_width (s);
        if (!is_first)
            fputs ("  ", f);
        is_first = false;
        if (col->flags & OUT_RIGHT)
            s_pad (f, gap);
        s_text (f, s);
        if (!(col->flags & OUT_RIGHT) && c != last)
            s_pad (f, gap);
    }
    fputc ('\n', f);
}

static void
s_print_text (const out_table_t *self, FILE *f)
{
    size_t *width = pmo_calloc (self->n_cols ? self->n_cols : 1, sizeof *width);
    for (size_t c = 0; c < self->n_cols; c++) {
        width[c] = self->is_header_hidden ? 0 : s_width (self->cols[c].header);
        for (size_t r = 0; r < self->n_rows; r++) {
            size_t w = s_width (s_text_cell (self, r, c));
            if (w > width[c])
                width[c] = w;
        }
    }
    if (!self->is_header_hidden)
        s_text_line (self, width, SIZE_MAX, f);
    for (size_t r = 0; r < self->n_rows; r++)
        s_text_line (self, width, r, f);
    free (width);
}

void
out_csv_field (FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk (s, ",\"\r\n")) {
        fputs (s, f);
        return;
    }
    fputc ('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc ('"', f);
        fputc (*s, f);
    }
    fputc ('"', f);
}

static void
s_csv_line (const out_table_t *self, size_t r, FILE *f)
{
    bool is_first = true;
    for (size_t c = 0; c < self->n_cols; c++) {
        const s_column_t *col = &self->cols[c];
        if (col->flags & OUT_TEXT_ONLY)
            continue;
        if (!is_first)
            fputc (',', f);
        is_first = false;
        out_csv_field (f, r == SIZE_MAX ? col->csv_name : s_cell (self, r, c));
    }
    fputc ('\n', f);
}

void
out_table_print (const out_table_t *self, out_format_t format, FILE *f)
{
    if (format == OUT_TEXT) {
        s_print_text (self, f);
    } else if (format == OUT_CSV) {
        s_csv_line (self, SIZE_MAX, f);
        for (size_t r = 0; r < self->n_rows; r++)
            s_csv_line (self, r, f);
    }
}

void
out_json_print (json_object *obj, FILE *f)
{
    fputs (pmo_json_text (obj), f);
    fputc ('\n', f);
}

void
out_json_ensure_array (json_object *obj, const char *key)
{
    if (!json_object_object_get_ex (obj, key, NULL))
        json_object_object_add (obj, key, json_object_new_array ());
}

void
out_json_write_ok (uint64_t seq, FILE *f)
{
    json_object *obj = json_object_new_object ();
    json_object_object_add (obj, "ok", json_object_new_boolean (1));
    json_object_object_add (obj, "seq", json_object_new_uint64 (seq));
    out_json_print (obj, f);
    json_object_put (obj);
}
