/*  spool: the directory a team's tools drop update files into, and the two
 *  record formats read from it.
 *
 *  File lifecycle (all moves are renames inside the spool directory):
 *    DIR/NAME.jsonl|csv --claim--> DIR/.inflight/.NAME
 *        --ingest, one outbox txn--> DIR/.inflight/NAME
 *        --every record answered--> DIR/done/NAME (NAME.1, NAME.2... when taken)
 *    The file is claimed before it is read, so what is sent is exactly what
 *    left the spool: a writer replacing NAME meanwhile makes a new file,
 *    taken once the claimed one is done.  A claim whose outbox record was
 *    never committed (a crash, a full outbox) is read again from .inflight.
 *    bad records: one line each in DIR/rejected/NAME.errors
 *        ("line N: reason: original text"), the good ones go on regardless;
 *    a CSV file whose header cannot be read: DIR/rejected/NAME plus its
 *        .errors line; nothing of it is sent.
 *  Only regular files named *.jsonl or *.csv that do not start with '.' are
 *  taken: writers write a dotfile or NAME.tmp and rename it into place.
 *  The outbox "files" record is authoritative: a file whose record exists is
 *  never ingested twice (a crash between the commit and the rename only
 *  repeats the rename).
 */
#ifndef PMO_AGENT_SPOOL_H
#define PMO_AGENT_SPOOL_H

#include <stdio.h>

#include "outbox.h"
#include "record.h"

/*  Longest record accepted, in bytes of input. */
#define SPOOL_RECORD_MAX (64 * 1024)

typedef enum {
    SPOOL_JSONL = 0,
    SPOOL_CSV
} spool_format_t;

//  --------------------------------------------------------------------------
//  Readers: a file as a sequence of records.

typedef struct spool_reader spool_reader_t;

/*  Returns a reader over f (borrowed: the caller closes it after
 *  destroying the reader).  Never NULL. */
spool_reader_t *spool_reader_new (FILE *f, spool_format_t format);
void spool_reader_destroy (spool_reader_t **self_p);
/*  Reads the next record into rec (cleared first).  Returns
 *    PMO_OK        rec holds the record;
 *    PMO_EINVAL    the record is malformed: why says how, and line/text
 *                  tell which; reading can go on;
 *    PMO_EPROTO    the file as a whole cannot be read (a CSV header naming
 *                  an unknown column): why says how, stop here;
 *    PMO_ENOTFOUND end of input;
 *    an errno      reading failed. */
int spool_reader_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why);
/*  The first line (1-based) of the record last returned. */
uint32_t spool_reader_line (const spool_reader_t *self);
/*  The record's text as it was in the file, without the line end; borrowed
 *  until the next call. */
const char *spool_reader_text (const spool_reader_t *self, size_t *len);

/*  Parses one JSON line (no line end) into rec.  Returns PMO_OK,
 *  PMO_ENOTFOUND for a blank line, or PMO_EINVAL with why. */
int spool_jsonl_parse (const char *text, size_t len, record_t *rec, pmo_reason_t *why);

/*  Reader state, shared by spool.c, spool_jsonl.c and spool_csv.c only. */
struct spool_reader {
    FILE *file;                 /* borrowed */
    spool_format_t format;
    uint32_t line_no;           /* physical lines consumed so far */
    uint32_t record_line;       /* first line of the last record */
    char *text;                 /* raw text of the last record (owned) */
    size_t text_len, text_cap;
    char *line;                 /* getline buffer (JSONL) */
    size_t line_cap;
    char **columns;             /* CSV header, owned */
    size_t n_columns;
    bool is_header_read;
};

int spool_jsonl_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why);
int spool_csv_next (spool_reader_t *self, record_t *rec, pmo_reason_t *why);
void spool_csv_free (spool_reader_t *self);

//  --------------------------------------------------------------------------
//  The spool directory.

typedef struct spool spool_t;

/*  Opens the spool at dir (made absolute; .inflight, done and rejected
 *  created inside it) over outbox (borrowed; must outlive the spool), and
 *  installs the outbox reject hook.  Finishes what a crash interrupted:
 *  completed files are moved to done.  Returns PMO_OK or an errno with why
 *  set. */
int spool_open (const char *dir, outbox_t *outbox, spool_t **self_p, char *why, size_t why_len);
void spool_close (spool_t **self_p);
const char *spool_dir (const spool_t *self);

/*  Ingests every new file in name order.  Sets *n_files to the files
 *  taken.  Returns PMO_OK, PMO_EFULL (outbox full: the file stays in the
 *  spool for a later scan), or an errno. */
int spool_scan (spool_t *self, size_t *n_files);
/*  Moves each of this spool's files whose records are all answered into
 *  done/ and forgets it.  Sets *n_pending (may be NULL) to the files still
 *  in progress.  Returns PMO_OK or an errno. */
int spool_complete (spool_t *self, size_t *n_pending);

/*  Appends "line N: reason: text" (line breaks in text written as \n) to
 *  dir/rejected/name.errors.  Returns PMO_OK or an errno. */
int spool_reject_append (const char *dir, const char *name, uint32_t line, const char *reason,
                         const char *text, size_t text_len);
/*  An outbox_reject_fn that calls spool_reject_append and logs the
 *  rejection; arg is unused.  Install it on any outbox that may hold spool
 *  records (the one-shot commands drain those too). */
void spool_reject_hook (void *arg, const outbox_file_t *file, uint32_t line, const char *reason,
                        const char *text, size_t text_len);

#endif
