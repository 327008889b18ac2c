/*  output: how pmoctl writes results.  Aligned text tables, CSV (RFC 4180
 *  quoting, header line first) and JSON documents.  All escaping lives in
 *  output.c: handlers hand over plain strings and never quote anything.
 */
#ifndef PMOCTL_OUTPUT_H
#define PMOCTL_OUTPUT_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

#include "pmo/pmo_prelude.h"

typedef enum {
    OUT_TEXT = 0,
    OUT_JSON,
    OUT_CSV
} out_format_t;

/*  Column flags. */
enum {
    OUT_LEFT = 0,
    OUT_RIGHT = 1,        /* right-align in text (numbers, money) */
    OUT_TEXT_ONLY = 2,    /* not written in CSV */
    OUT_CSV_ONLY = 4      /* not written in text */
};

typedef struct out_table out_table_t;

/*  Returns a new empty table.  Caller owns it; free with out_table_destroy. */
out_table_t *out_table_new (void);
/*  Frees the table and sets *self_p to NULL.  Accepts NULL. */
void out_table_destroy (out_table_t **self_p);
/*  Adds a column: header is the text heading ("NEXT MILESTONE"), csv_name
 *  the CSV heading ("next_milestone"); either may be NULL for a column that
 *  the format skips anyway.  All columns come before the first row. */
void out_table_column (out_table_t *self, const char *header, const char *csv_name,
                       unsigned flags);
/*  Text output without the heading line (key/value blocks). */
void out_table_hide_header (out_table_t *self);
/*  Starts a new row; the following cells fill it left to right.  Cells not
 *  given stay empty. */
void out_table_row (out_table_t *self);
/*  Sets the next cell of the current row to a copy of s (NULL is ""). */
void out_table_cell (out_table_t *self, const char *s);
void out_table_cellf (out_table_t *self, const char *fmt, ...) PMO_PRINTF (2, 3);
size_t out_table_n_rows (const out_table_t *self);
/*  Writes the table as OUT_TEXT (heading, then rows with columns padded to
 *  the widest cell, two blanks apart, no trailing blanks, an empty cell
 *  shown as "-", control characters as blanks) or OUT_CSV (heading line of
 *  csv names, then one record per row, "\n" line ends).  OUT_JSON writes
 *  nothing. */
void out_table_print (const out_table_t *self, out_format_t format, FILE *f);

/*  Writes s as one CSV field: quoted when it holds a comma, a double quote,
 *  CR or LF, with inner quotes doubled (RFC 4180). */
void out_csv_field (FILE *f, const char *s);

/*  Writes obj as one compact JSON document and a newline. */
void out_json_print (json_object *obj, FILE *f);
/*  Adds key = [] to obj when obj has no such key (pmo_json omits empty
 *  repeated fields, and consumers want the list even when it is empty). */
void out_json_ensure_array (json_object *obj, const char *key);
/*  Writes {"ok":true,"seq":N} and a newline. */
void out_json_write_ok (uint64_t seq, FILE *f);

#endif
