/*  pmo_describe: a message's fields in words, driven by its descriptor. */
#include "pmo/pmo_describe.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pmo/pmo_wire.h"

/*  The text goes in pieces that are never split: a UTF-8 character, an
 *  escape, a number, "name=".  A piece that does not fit within limit
 *  stops the output (cut); the caller then closes an open quote and adds
 *  "…", for which limit keeps room.  buf NULL: only measures. */
typedef struct {
    char *buf;
    size_t len, limit;
    bool is_cut;
    bool is_in_quote;         /* an opening quote is out, its closing one not */
} s_out_t;

#define S_ELLIPSIS "\xe2\x80\xa6"  /* "…" */
#define S_TAIL_MAX 4               /* a closing quote and the ellipsis */

/*  Appends s (len bytes) whole, or nothing and marks the cut. */
static bool
s_put_piece (s_out_t *o, const char *s, size_t len)
{
    if (o->is_cut || o->len + len > o->limit) {
        o->is_cut = true;
        return false;
    }
    if (o->buf)
        memcpy (o->buf + o->len, s, len);
    o->len += len;
    return true;
}

static void PMO_PRINTF (2, 3)
s_put (s_out_t *o, const char *fmt, ...)
{
    char piece[128];  /* numbers, field and enum names */
    va_list ap;
    va_start (ap, fmt);
    int k = vsnprintf (piece, sizeof piece, fmt, ap);
    va_end (ap);
    if (k > 0)
        s_put_piece (o, piece, (size_t) k < sizeof piece ? (size_t) k : sizeof piece - 1);
}

/*  Bytes of the UTF-8 character at s: its lead byte's length, as far as
 *  continuation bytes follow (a stray byte is a piece of its own). */
static size_t
s_char_len (const char *s)
{
    unsigned char c = (unsigned char) *s;
    size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    size_t n = 1;
    while (n < want && ((unsigned char) s[n] & 0xc0) == 0x80)
        n++;
    return n;
}

/*  C0 and DEL: shown as \xNN, never raw. */
static bool
s_is_ctl (char c)
{
    return (unsigned char) c < 0x20 || c == 0x7f;
}

static void
s_put_string (s_out_t *o, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = !(*c == ' ' || *c == '"' || *c == '=' || *c == '\\' || s_is_ctl (*c));
    /*  Set only when the quote is out: a later string whose opening quote
     *  no longer fits must not clear the flag of one still open. */
    if (!plain && s_put_piece (o, "\"", 1))
        o->is_in_quote = true;
    for (const char *c = s; *c;) {
        size_t n = s_char_len (c);
        if (plain || !(*c == '"' || *c == '\\' || s_is_ctl (*c)))
            s_put_piece (o, c, n);
        else if (*c == '"' || *c == '\\')
            s_put (o, "\\%c", *c);
        else
            s_put (o, "\\x%02x", (unsigned char) *c);
        c += n;
    }
    if (!plain && s_put_piece (o, "\"", 1))
        o->is_in_quote = false;
}

static void s_put_fields (s_out_t *o, const ProtobufCMessage *msg, int depth);

static void
s_put_value (s_out_t *o, const ProtobufCFieldDescriptor *f, const void *p, int depth)
{
    char name[64];
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: s_put (o, "%" PRId32, *(const int32_t *) p); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: s_put (o, "%" PRIu32, *(const uint32_t *) p); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: s_put (o, "%" PRId64, *(const int64_t *) p); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: s_put (o, "%" PRIu64, *(const uint64_t *) p); break;
    case PROTOBUF_C_TYPE_BOOL: s_put (o, "%s", *(const protobuf_c_boolean *) p ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_ENUM:
        s_put (o, "%s", pmo_wire_enum_name (f->descriptor, *(const int *) p, name, sizeof name));
        break;
    case PROTOBUF_C_TYPE_STRING: s_put_string (o, *(const char *const *) p); break;
    case PROTOBUF_C_TYPE_BYTES: s_put (o, "<%zu bytes>", ((const ProtobufCBinaryData *) p)->len); break;
    case PROTOBUF_C_TYPE_MESSAGE:
        if (depth > 0) {
            s_put (o, "{...}");
        } else {
            s_put (o, "{");
            s_put_fields (o, *(const ProtobufCMessage *const *) p, depth + 1);
            s_put (o, "}");
        }
        break;
    default: s_put (o, "?"); break;  /* float and double: not in our schema */
    }
}

static void
s_put_fields (s_out_t *o, const ProtobufCMessage *msg, int depth)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    bool first = true;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const void *p = (const char *) msg + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t count = *(const size_t *) ((const char *) msg + f->quantifier_offset);
            if (count == 0)
                continue;
            s_put (o, "%s%s=[%zu items]", first ? "" : " ", f->name, count);
        } else {
            if (!pmo_wire_field_present (msg, f))
                continue;
            s_put (o, "%s%s=", first ? "" : " ", f->name);
            s_put_value (o, f, p, depth);
        }
        first = false;
    }
}

const char *
pmo_describe (const ProtobufCMessage *msg, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (!msg)
        return buf;
    s_out_t size = {NULL, 0, SIZE_MAX, false, false};
    s_put_fields (&size, msg, 0);
    bool fits = size.len < n;
    s_out_t o = {buf, 0, fits ? n - 1 : n - 1 > S_TAIL_MAX ? n - 1 - S_TAIL_MAX : 0, false, false};
    s_put_fields (&o, msg, 0);
    if (!fits) {
        o.limit = n - 1;
        o.is_cut = false;
        if (o.is_in_quote)
            s_put_piece (&o, "\"", 1);
        s_put_piece (&o, S_ELLIPSIS, strlen (S_ELLIPSIS));
    }
    buf[o.len] = '\0';
    return buf;
}

char *
pmo_text_shorten (char *buf, size_t max)
{
    size_t len = strlen (buf);
    if (len <= max)
        return buf;
    size_t keep = max - strlen (S_ELLIPSIS);
    while (keep > 0 && ((unsigned char) buf[keep] & 0xc0) == 0x80)
        keep--;  /* back to the start of the character cut through */
    memcpy (buf + keep, S_ELLIPSIS, sizeof S_ELLIPSIS);
    return buf;
}

const ProtobufCMessage *
pmo_event_body (const Pmo__Event *ev)
{
    if (ev->body_case == PMO__EVENT__BODY__NOT_SET)
        return NULL;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field (&pmo__event__descriptor, (unsigned) ev->body_case);
    if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    return *(const ProtobufCMessage *const *) ((const char *) ev + f->offset);
}
