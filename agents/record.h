/*  record: one team update as key/value text, and its conversion into a
 *  Pmo__Request.  Every input path of pmo-agent (JSON lines, CSV, the
 *  one-shot command line) builds a record_t and hands it to
 *  record_to_request, so the validation rules and their wording live here
 *  and nowhere else.
 */
#ifndef PMO_AGENT_RECORD_H
#define PMO_AGENT_RECORD_H

#include "pmo/pmo_validate.h"
#include "pmo/pmo_wire.h"

/*  More fields than any record type uses; the rest is a malformed record. */
#define RECORD_MAX_FIELDS 24

/*  How a value was written.  CSV cells and command-line values are TEXT; a
 *  JSON number is INT or FLOAT, and its value is the number's own text as it
 *  appeared in the input (never a double converted back). */
typedef enum {
    RECORD_TEXT = 0,
    RECORD_INT,
    RECORD_FLOAT
} record_type_t;

typedef struct {
    char *key;             /* owned */
    char *value;           /* owned, NUL-terminated */
    record_type_t type;
} record_field_t;

typedef struct {
    record_field_t fields[RECORD_MAX_FIELDS];
    size_t n_fields;
} record_t;

/*  Makes rec empty.  A zeroed record_t is also empty. */
void record_init (record_t *rec);
/*  Frees every field and makes rec empty again.  Accepts NULL. */
void record_clear (record_t *rec);
/*  Copies key and value into rec.  A key given twice keeps the last value
 *  (as JSON does).  Returns PMO_OK, or PMO_ETOOBIG with why set when the
 *  record already has RECORD_MAX_FIELDS fields. */
int record_set (record_t *rec, const char *key, const char *value, record_type_t type,
                pmo_reason_t *why);
/*  The value of key, or NULL when absent.  Sets *type when type is not
 *  NULL.  The string borrows from rec. */
const char *record_get (const record_t *rec, const char *key, record_type_t *type);

/*  A request built from a record.  req points into this struct and into the
 *  record, so both must outlive any use of req (pack it, then drop both). */
typedef struct {
    Pmo__Request req;
    union {
        Pmo__TimeEntry time;
        Pmo__CostEntry cost;
        Pmo__Progress progress;
        Pmo__MilestoneReached milestone;
        Pmo__VoidEntry void_entry;
    } body;
    char date[11];
    char currency[4];
} record_request_t;

/*  Validates rec and fills out with the request it describes; dates that
 *  are absent become today (days since the epoch), so an update queued
 *  offline keeps the day it was recorded.  req.update is left unset: the
 *  outbox assigns it.  Returns PMO_OK, or PMO_EINVAL / PMO_ETOOBIG /
 *  PMO_EOVERFLOW with why holding "field: reason". */
int record_to_request (const record_t *rec, int32_t today, record_request_t *out,
                       pmo_reason_t *why);

/*  Writes s (len bytes) into out as a double-quoted, escaped, printable
 *  string, cut to about 40 bytes with "..." when longer.  For reasons that
 *  quote what the user wrote.  Returns out. */
const char *record_quote (const char *s, size_t len, char *out, size_t n);

/*  True when key is a field some record type takes (a CSV column name). */
bool record_known_field (const char *key);

/*  The short name of a request's kind: "time", "cost", "progress",
 *  "milestone", "heartbeat", "void", else "other". */
const char *record_kind_name (int body_case);

#endif
