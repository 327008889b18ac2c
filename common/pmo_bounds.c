/*  pmo_bounds: generic limits over any decoded message (see pmo_bounds.h).
 *  Walks the message by its protobuf-c descriptor, so a request kind added
 *  later is covered without code here. */
#include "pmo/pmo_bounds.h"

#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <string.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

static int s_check (const ProtobufCMessage *m, int depth, char *path, size_t path_len, pmo_reason_t *reason);

/*  Is field f present in m (optional scalars have has_, strings and
 *  messages a pointer, oneof members the case)? */
static bool
s_present (const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *) m;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *) (base + f->quantifier_offset) == f->id;
    if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *) (base + f->offset) != NULL;
    return true;
}

static int
s_string (const char *s, const char *path, pmo_reason_t *reason)
{
    size_t n = strlen (s);
    if (n > PMO_MAX_TEXT_BYTES) {
        pmo_reason_set (reason, PMO_ETOOBIG, path, "%zu bytes, more than %d", n, PMO_MAX_TEXT_BYTES);
        return PMO_ETOOBIG;
    }
    if (!pmo_utf8_valid (s, n)) {
        pmo_reason_set (reason, PMO_EINVAL, path, "not valid UTF-8");
        return PMO_EINVAL;
    }
    return PMO_OK;
}

/*  Appends ".name" (or "name" at the root) to the path, cut to fit. */
static void
s_path_push (char *path, size_t path_len, size_t base_len, const char *name)
{
    size_t at = base_len;
    if (at && at + 1 < path_len)
        path[at++] = '.';
    size_t n = strlen (name);
    if (at + n >= path_len)
        n = at < path_len ? path_len - 1 - at : 0;
    memcpy (path + at, name, n);
    path[at + n] = '\0';
}

/*  One value of field f at p (a char * or a ProtobufCMessage *). */
static int
s_value (const ProtobufCFieldDescriptor *f, const void *p, int depth, char *path, size_t path_len,
         pmo_reason_t *reason)
{
    if (f->type == PROTOBUF_C_TYPE_STRING)
        return p ? s_string (p, path, reason) : PMO_OK;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return p ? s_check (p, depth + 1, path, path_len, reason) : PMO_OK;
    return PMO_OK;
}

static int
s_check (const ProtobufCMessage *m, int depth, char *path, size_t path_len, pmo_reason_t *reason)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (depth > PMO_MAX_DEPTH) {
        pmo_reason_set (reason, PMO_ETOOBIG, path, "nested more than %d deep", PMO_MAX_DEPTH);
        return PMO_ETOOBIG;
    }
    if (m->n_unknown_fields > PMO_MAX_UNKNOWN_FIELDS) {
        pmo_reason_set (reason, PMO_ETOOBIG, path[0] ? path : "request", "%u unknown fields, more than %d",
                        m->n_unknown_fields, PMO_MAX_UNKNOWN_FIELDS);
        return PMO_ETOOBIG;
    }
    size_t base_len = strlen (path);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE
            && f->label != PROTOBUF_C_LABEL_REPEATED)
            continue;
        /*  Absent fields first: a Request's oneof has dozens of members and
         *  one is set, and building their paths cost a tenth of ingest. */
        const char *at = (const char *) m + f->offset;
        size_t n = 0;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *) ((const char *) m + f->quantifier_offset);
            if (n == 0)
                continue;
        } else if (!s_present (m, f)) {
            continue;
        }
        s_path_push (path, path_len, base_len, f->name);
        int rc = PMO_OK;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (n > PMO_MAX_REPEATED) {
                pmo_reason_set (reason, PMO_ETOOBIG, path, "%zu entries, more than %d", n, PMO_MAX_REPEATED);
                rc = PMO_ETOOBIG;
            }
            void *const *items = *(void *const *const *) at;
            if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
                for (size_t j = 0; !rc && j < n; j++)
                    rc = s_value (f, items[j], depth, path, path_len, reason);
        } else {
            rc = s_value (f, *(void *const *) at, depth, path, path_len, reason);
        }
        path[base_len] = '\0';
        if (rc)
            return rc;
    }
    return PMO_OK;
}

int
pmo_bounds_check (const void *msg, pmo_reason_t *reason)
{
    char path[160] = "";
    return s_check (msg, 0, path, sizeof path, reason);
}
