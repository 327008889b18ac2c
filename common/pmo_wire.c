/*  pmo_wire: protobuf-c pack/unpack and zmq frames.  Nothing else in pmo
 *  calls protobuf-c's pack or unpack. */
#include "pmo/pmo_wire.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

void
pmo_buf_reserve (pmo_buf_t *buf, size_t cap)
{
    if (buf->cap >= cap)
        return;
    size_t want = buf->cap ? buf->cap : 256;
    while (want < cap)
        want *= 2;
    buf->data = pmo_realloc (buf->data, want);
    buf->cap = want;
}

void
pmo_buf_free (pmo_buf_t *buf)
{
    free (buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

size_t
pmo_wire_pack (const void *msg, pmo_buf_t *buf)
{
    const ProtobufCMessage *m = msg;
    size_t n = protobuf_c_message_get_packed_size (m);
    pmo_buf_reserve (buf, n);
    buf->len = protobuf_c_message_pack (m, buf->data);
    return buf->len;
}

void *
pmo_wire_unpack (const ProtobufCMessageDescriptor *d, const void *data, size_t len)
{
    return protobuf_c_message_unpack (d, NULL, len, data);
}

void
pmo_wire_free (void *msg)
{
    if (msg)
        protobuf_c_message_free_unpacked (msg, NULL);
}

int
pmo_wire_send (void *sock, const void *data, size_t len, int flags)
{
    if (zmq_send (sock, data, len, flags) < 0)
        return errno;
    return 0;
}

int
pmo_wire_send_msg (void *sock, const void *msg, pmo_buf_t *buf, int flags)
{
    pmo_wire_pack (msg, buf);
    return pmo_wire_send (sock, buf->data, buf->len, flags);
}

const char *
pmo_wire_enum_name (const ProtobufCEnumDescriptor *d, int v, char *out, size_t n)
{
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value (d, v);
    if (!ev || n == 0) {
        pmo_strlcpy (out, "unknown", n);
        return out;
    }
    /*  Value names carry the enum's prefix (PROJECT_ON_HOLD): drop it. */
    const char *name = strchr (ev->name, '_');
    name = name ? name + 1 : ev->name;
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++)
        out[i] = (char) tolower ((unsigned char) name[i]);
    out[i] = '\0';
    return out;
}

int
pmo_wire_enum_parse (const ProtobufCEnumDescriptor *d, const char *name)
{
    char buf[64];
    for (unsigned i = 0; name && i < d->n_values; i++) {
        pmo_wire_enum_name (d, d->values[i].value, buf, sizeof buf);
        if (streq (buf, name) && !strstr (d->values[i].name, "UNSET"))
            return d->values[i].value;
    }
    return -1;
}

/*  Static name tables: these are called on hot output paths, so no buffer
 *  juggling for callers.  Filled once under pthread_once, so threads (the
 *  backup worker, the bench's clients) may call them. */
#define S_NAME_FN(fn, desc, T, count)                                    \
    static char fn##_names[count][24];                                   \
    static pthread_once_t fn##_once = PTHREAD_ONCE_INIT;                 \
    static void fn##_fill (void)                                         \
    {                                                                    \
        for (int i = 0; i < (count); i++)                                \
            pmo_wire_enum_name (&desc, i, fn##_names[i], sizeof fn##_names[i]); \
    }                                                                    \
    const char *fn (T v)                                                 \
    {                                                                    \
        pthread_once (&fn##_once, fn##_fill);                            \
        return (int) v >= 0 && (int) v < (count) ? fn##_names[v] : "unknown"; \
    }

S_NAME_FN (pmo_wire_status_name, pmo__project_status__descriptor, Pmo__ProjectStatus, 7)
S_NAME_FN (pmo_wire_category_name, pmo__cost_category__descriptor, Pmo__CostCategory, 6)
S_NAME_FN (pmo_wire_reply_status_name, pmo__status__descriptor, Pmo__Status, 11)

int
pmo_wire_status_parse (const char *name)
{
    return pmo_wire_enum_parse (&pmo__project_status__descriptor, name);
}

int
pmo_wire_category_parse (const char *name)
{
    return pmo_wire_enum_parse (&pmo__cost_category__descriptor, name);
}

bool
pmo_wire_field_present (const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const uint8_t *base = (const uint8_t *) m;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *) (base + f->quantifier_offset) == f->id;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return *(const size_t *) (base + f->quantifier_offset) > 0;
    if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(const void *const *) (base + f->offset) != NULL;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
        return *(const protobuf_c_boolean *) (base + f->quantifier_offset);
    return true;
}

size_t
pmo_wire_elem_size (const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof (protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof (void *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof (ProtobufCBinaryData);
    default: return 4;
    }
}
