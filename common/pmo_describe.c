/*  pmo_describe: a message's fields in words, driven by its descriptor. */
#include "pmo/pmo_describe.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pmo/pmo_wire.h"

typedef struct {
    char *buf;
    size_t n, len;
} s_out_t;

static void PMO_PRINTF (2, 3)
s_put (s_out_t *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->n)
        return;
    va_list ap;
    va_start (ap, fmt);
    int k = vsnprintf (o->buf + o->len, o->n - o->len, fmt, ap);
    va_end (ap);
    if (k > 0)
        o->len = o->len + (size_t) k < o->n ? o->len + (size_t) k : o->n - 1;
}

static void
s_put_string (s_out_t *o, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = !(*c == ' ' || *c == '"' || *c == '=' || *c == '\\' || (unsigned char) *c < 0x20);
    if (plain) {
        s_put (o, "%s", s);
        return;
    }
    s_put (o, "\"");
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\')
            s_put (o, "\\%c", *c);
        else if ((unsigned char) *c < 0x20)
            s_put (o, "\\x%02x", (unsigned char) *c);
        else
            s_put (o, "%c", *c);
    }
    s_put (o, "\"");
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
    s_out_t o = {buf, n, 0};
    if (msg)
        s_put_fields (&o, msg, 0);
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
