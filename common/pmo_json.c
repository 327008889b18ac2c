/*  pmo_json: a descriptor-driven protobuf -> JSON walk, so every message,
 *  including ones added later, prints the same way without new code. */
#include "pmo/pmo_json.h"

#include <stdio.h>
#include <stdlib.h>

#include "pmo/pmo_money.h"
#include "pmo/pmo_wire.h"

static json_object *s_value (const ProtobufCFieldDescriptor *f, const void *p);

static json_object *
s_value (const ProtobufCFieldDescriptor *f, const void *p)
{
    char buf[64];
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: return json_object_new_int (*(const int32_t *) p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: return json_object_new_int64 (*(const uint32_t *) p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: return json_object_new_int64 (*(const int64_t *) p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: return json_object_new_uint64 (*(const uint64_t *) p);
    case PROTOBUF_C_TYPE_BOOL: return json_object_new_boolean (*(const protobuf_c_boolean *) p);
    case PROTOBUF_C_TYPE_ENUM:
        return json_object_new_string (
            pmo_wire_enum_name (f->descriptor, *(const int *) p, buf, sizeof buf));
    case PROTOBUF_C_TYPE_STRING: return json_object_new_string (*(char *const *) p);
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = p;
        char *hex = pmo_malloc (b->len * 2 + 1);
        for (size_t i = 0; i < b->len; i++)
            snprintf (hex + 2 * i, 3, "%02x", b->data[i]);
        hex[b->len * 2] = '\0';
        json_object *o = json_object_new_string (hex);
        free (hex);
        return o;
    }
    case PROTOBUF_C_TYPE_MESSAGE: return pmo_json_from_msg (*(void *const *) p);
    default: return json_object_new_null ();
    }
}

/*  The currency of a message, if it has a "currency" string field. */
static const char *
s_currency (const ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name (m->descriptor, "currency");
    if (!f || f->type != PROTOBUF_C_TYPE_STRING)
        return NULL;
    return *(char *const *) ((const uint8_t *) m + f->offset);
}

json_object *
pmo_json_from_msg (const void *msg)
{
    const ProtobufCMessage *m = msg;
    json_object *obj = json_object_new_object ();
    if (!m)
        return obj;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *currency = s_currency (m);
    int exponent = currency ? pmo_currency_exponent (currency) : -1;
    const uint8_t *base = msg;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!pmo_wire_field_present (m, f))
            continue;
        const void *p = base + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) (base + f->quantifier_offset);
            const uint8_t *arr = *(const uint8_t *const *) p;
            json_object *a = json_object_new_array_ext ((int) n);
            for (size_t j = 0; j < n; j++)
                json_object_array_add (a, s_value (f, arr + j * pmo_wire_elem_size (f)));
            json_object_object_add (obj, f->name, a);
            continue;
        }
        json_object_object_add (obj, f->name, s_value (f, p));
        size_t len = strlen (f->name);
        if (exponent >= 0 && f->type == PROTOBUF_C_TYPE_INT64 && len > 6
            && streq (f->name + len - 6, "_minor")) {
            char key[64], text[48];
            snprintf (key, sizeof key, "%.*s", (int) (len - 6), f->name);
            if (pmo_money_format_plain (*(const int64_t *) p, exponent, text, sizeof text) == 0)
                json_object_object_add (obj, key, json_object_new_string (text));
        }
    }
    return obj;
}

const char *
pmo_json_text (json_object *obj)
{
    return json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

