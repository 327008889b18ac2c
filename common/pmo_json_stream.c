/*  pmo_json_stream: messages written as JSON without building a tree, for
 *  replies of many megabytes (the status of 10,000 projects is 13 MB).
 *
 *  Two sources, one output: an unpacked message (pmo_json_write), or the
 *  packed bytes themselves (pmo_json_write_packed), which skips protobuf-c's
 *  unpack and its hundreds of thousands of allocations.  Both print exactly
 *  what pmo_json_from_msg describes, byte for byte (tests/unit/test_wire.c
 *  compares them), through one buffered writer: no stdio call per value.
 *
 *  The packed walk only takes bytes whose meaning after an unpack is
 *  unambiguous: fields in descriptor order, no repeated singular field, at
 *  most one member per oneof, no absent field that an unpack would fill
 *  with a default.  Anything else (valid protobuf, never what protobuf-c's
 *  pack produces) is refused with -1 before a byte is written, so the
 *  caller can unpack and use pmo_json_write instead: the walk holds its
 *  whole output in memory (~3.3 times the packed size) and writes it only
 *  when it got to the end.  (A dry run over the bytes before printing
 *  used to serve that: 6 ms of a 50 ms status of 10,000 projects.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "pmo/pmo_json.h"
#include "pmo/pmo_money.h"
#include "pmo/pmo_wire.h"
#include "pmo/pmo_wire_scan.h"

#define S_BUF_SIZE (64 * 1024)
#define S_HUGE ((size_t) 2 << 20)   /* a transparent huge page */

enum {
    S_IS_MONEY = 1,           /* int64 "<x>_minor": "<x>" follows with a currency */
    S_IS_ALWAYS = 2           /* an unpack fills it even when absent      */
};

/*  What the walk needs per field, worked out once per message type and
 *  call: the key as it is printed, and flags. */
typedef struct {
    char *key;                /* ,"name":                                  */
    size_t key_len;
    char *money_key;          /* ,"<x>":"  for S_IS_MONEY                   */
    size_t money_key_len;
    unsigned flags;
    const struct s_type_info *sub;  /* a message field's type, once looked up */
} s_field_info_t;

typedef struct s_type_info {
    const ProtobufCMessageDescriptor *d;
    const ProtobufCFieldDescriptor *currency;
    s_field_info_t *fields;
} s_type_info_t;

typedef struct {
    FILE *out;
    bool hold;                /* keep all of it until s_writer_end           */
    char *buf;
    size_t n, cap;
    /*  Every type met in this call, each allocated on its own: callers up
     *  the stack hold pointers to them, so none moves or is ever dropped
     *  before s_writer_end.  The schema bounds how many there are. */
    s_type_info_t **types;
    size_t n_types, cap_types;
} s_writer_t;

static void
s_flush (s_writer_t *w)
{
    if (w->n)
        fwrite (w->buf, 1, w->n, w->out);
    w->n = 0;
}

/*  A buffer of cap bytes.  A held one is megabytes, and each 4 KB page of
 *  it would cost a fault on first write (7 us each on a VM: 30 ms for a
 *  status of 10,000 projects), so it asks for transparent huge pages. */
static char *
s_buf_new (size_t cap)
{
    void *p = NULL;
    if (cap < S_HUGE || posix_memalign (&p, S_HUGE, cap) != 0)
        return pmo_malloc (cap);
    madvise (p, cap, MADV_HUGEPAGE);  /* advice: without it, 4 KB pages */
    return p;
}

/*  Makes room for len more bytes: by flushing, or when holding, by a
 *  larger buffer. */
static void
s_room (s_writer_t *w, size_t len)
{
    if (!w->hold) {
        s_flush (w);
        return;
    }
    size_t cap = w->cap;
    while (w->n + len > cap)
        cap *= 2;
    char *buf = s_buf_new (cap);
    memcpy (buf, w->buf, w->n);
    free (w->buf);
    w->buf = buf;
    w->cap = cap;
}

static inline void
s_put (s_writer_t *w, const char *s, size_t len)
{
    if (w->n + len > w->cap) {
        s_room (w, len);
        if (w->n + len > w->cap) {  /* longer than the whole buffer */
            fwrite (s, 1, len, w->out);
            return;
        }
    }
    memcpy (w->buf + w->n, s, len);
    w->n += len;
}

static inline void
s_putc (s_writer_t *w, char c)
{
    if (w->n == w->cap)
        s_room (w, 1);
    w->buf[w->n++] = c;
}

static void
s_puts (s_writer_t *w, const char *s)
{
    s_put (w, s, strlen (s));
}

static void
s_put_u64 (s_writer_t *w, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char tmp[24];
    size_t i = sizeof tmp;
    while (v >= 100) {
        unsigned r = (unsigned) (v % 100);
        v /= 100;
        tmp[--i] = pairs[2 * r + 1];
        tmp[--i] = pairs[2 * r];
    }
    if (v >= 10) {
        tmp[--i] = pairs[2 * v + 1];
        tmp[--i] = pairs[2 * v];
    } else
        tmp[--i] = (char) ('0' + v);
    s_put (w, tmp + i, sizeof tmp - i);
}

static void
s_put_i64 (s_writer_t *w, int64_t v)
{
    if (v < 0) {
        s_putc (w, '-');
        s_put_u64 (w, (uint64_t) 0 - (uint64_t) v);  /* also right for INT64_MIN */
    } else
        s_put_u64 (w, (uint64_t) v);
}

/*  A JSON string of the first len bytes of s, stopping at a NUL as a C
 *  string would (an unpacked string ends there). */
static void
s_put_string (s_writer_t *w, const char *s, size_t len)
{
    s_putc (w, '"');
    size_t run = 0;  /* start of the bytes that need no escaping */
    size_t i = 0;
    for (; i < len && s[i]; i++) {
        unsigned char c = (unsigned char) s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;  /* UTF-8 passes through: pmod only stores valid text */
        s_put (w, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': s_put (w, "\\\"", 2); break;
        case '\\': s_put (w, "\\\\", 2); break;
        case '\n': s_put (w, "\\n", 2); break;
        case '\r': s_put (w, "\\r", 2); break;
        case '\t': s_put (w, "\\t", 2); break;
        case '\b': s_put (w, "\\b", 2); break;  /* as json-c writes them */
        case '\f': s_put (w, "\\f", 2); break;
        default: {
            char esc[8];
            snprintf (esc, sizeof esc, "\\u%04x", c);
            s_put (w, esc, 6);
        }
        }
    }
    s_put (w, s + run, i - run);
    s_putc (w, '"');
}

static void
s_put_hex (s_writer_t *w, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    s_putc (w, '"');
    for (size_t i = 0; i < len; i++) {
        s_putc (w, digits[data[i] >> 4]);
        s_putc (w, digits[data[i] & 15]);
    }
    s_putc (w, '"');
}

static void
s_put_enum (s_writer_t *w, const ProtobufCFieldDescriptor *f, int v)
{
    char buf[64];
    const char *name = pmo_wire_enum_name (f->descriptor, v, buf, sizeof buf);
    s_put_string (w, name, strlen (name));
}

static bool
s_forced (const ProtobufCFieldDescriptor *f, const char *const *keys)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (f->label == PROTOBUF_C_LABEL_REPEATED && streq (f->name, keys[i]))
            return true;
    return false;
}

/*  True when an unpack fills f even when it is absent (required or
 *  presence-less scalars). */
static bool
s_always_present (const ProtobufCFieldDescriptor *f)
{
    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || f->label == PROTOBUF_C_LABEL_REPEATED
        || f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
        return false;
    return !(f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset);
}

/*  Keys are stored in S_KEY_PAD bytes at least, so that the usual short
 *  one is copied by a fixed-size move instead of a call to memcpy. */
#define S_KEY_PAD 32

static char *
s_key_text (const char *name, size_t name_len, const char *after, size_t *len)
{
    *len = 2 + name_len + strlen (after);
    char *k = pmo_calloc (*len + 1 > S_KEY_PAD ? *len + 1 : S_KEY_PAD, 1);
    snprintf (k, *len + 1, ",\"%.*s%s", (int) name_len, name, after);
    return k;
}

/*  Appends a key; a short one with one fixed-size move. */
static inline void
s_put_padded (s_writer_t *w, const char *k, size_t len)
{
    if (len <= S_KEY_PAD && w->n + S_KEY_PAD <= w->cap) {
        memcpy (w->buf + w->n, k, S_KEY_PAD);
        w->n += len;
    } else
        s_put (w, k, len);
}

/*  The field table of d, built on first use in this call and kept to
 *  its end. */
static const s_type_info_t *
s_type (s_writer_t *w, const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < w->n_types; i++)
        if (w->types[i]->d == d)
            return w->types[i];
    if (w->n_types == w->cap_types) {
        w->cap_types = w->cap_types ? w->cap_types * 2 : 32;
        w->types = pmo_realloc (w->types, w->cap_types * sizeof *w->types);
    }
    s_type_info_t *t = w->types[w->n_types++] = pmo_calloc (1, sizeof *t);
    t->d = d;
    const ProtobufCFieldDescriptor *cf = protobuf_c_message_descriptor_get_field_by_name (d, "currency");
    t->currency = cf && cf->type == PROTOBUF_C_TYPE_STRING && cf->label != PROTOBUF_C_LABEL_REPEATED ? cf : NULL;
    t->fields = pmo_calloc (d->n_fields ? d->n_fields : 1, sizeof *t->fields);
    for (unsigned j = 0; j < d->n_fields; j++) {
        const ProtobufCFieldDescriptor *f = &d->fields[j];
        s_field_info_t *fi = &t->fields[j];
        size_t len = strlen (f->name);
        fi->key = s_key_text (f->name, len, "\":", &fi->key_len);
        if (f->type == PROTOBUF_C_TYPE_INT64 && len > 6 && streq (f->name + len - 6, "_minor")) {
            fi->flags |= S_IS_MONEY;
            fi->money_key = s_key_text (f->name, len - 6, "\":\"", &fi->money_key_len);
        }
        if (s_always_present (f))
            fi->flags |= S_IS_ALWAYS;
    }
    return t;
}

/*  The type of t's message field i, remembered in its field table. */
static const s_type_info_t *
s_sub_type (s_writer_t *w, const s_type_info_t *t, unsigned i)
{
    s_field_info_t *fi = &t->fields[i];
    if (!fi->sub)  /* never stale: a type's table lives as long as the call */
        fi->sub = s_type (w, t->d->fields[i].descriptor);
    return fi->sub;
}

/*  `,"name":` (no comma before the first field). */
static inline void
s_put_key (s_writer_t *w, const s_field_info_t *fi, bool *first)
{
    if (*first)
        s_put (w, fi->key + 1, fi->key_len - 1);
    else
        s_put_padded (w, fi->key, fi->key_len);
    *first = false;
}

/*  After an int64 "<x>_minor" field of a message with a known currency:
 *  ,"<x>":"1234.50". */
static void
s_put_money (s_writer_t *w, const s_field_info_t *fi, int exponent, int64_t minor)
{
    if (exponent < 0 || !(fi->flags & S_IS_MONEY))
        return;
    char text[48];
    if (pmo_money_format_plain (minor, exponent, text, sizeof text) != 0)
        return;
    s_put_padded (w, fi->money_key, fi->money_key_len);
    s_puts (w, text);
    s_putc (w, '"');
}

/*  ---- from an unpacked message ----------------------------------------------- */

static void s_write_msg (s_writer_t *w, const ProtobufCMessage *m, const char *const *array_keys);

static void
s_write_value (s_writer_t *w, const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: s_put_i64 (w, *(const int32_t *) p); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: s_put_u64 (w, *(const uint32_t *) p); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: s_put_i64 (w, *(const int64_t *) p); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: s_put_u64 (w, *(const uint64_t *) p); break;
    case PROTOBUF_C_TYPE_BOOL: s_puts (w, *(const protobuf_c_boolean *) p ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_ENUM: s_put_enum (w, f, *(const int *) p); break;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *) p;
        s_put_string (w, s, strlen (s));
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = p;
        s_put_hex (w, b->data, b->len);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: s_write_msg (w, *(const ProtobufCMessage *const *) p, NULL); break;
    default: s_puts (w, "null");
    }
}

static void
s_write_msg (s_writer_t *w, const ProtobufCMessage *m, const char *const *array_keys)
{
    s_putc (w, '{');
    if (!m) {
        s_putc (w, '}');
        return;
    }
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const s_type_info_t *t = s_type (w, d);
    const uint8_t *base = (const uint8_t *) m;
    const char *currency = t->currency ? *(char *const *) (base + t->currency->offset) : NULL;
    int exponent = currency ? pmo_currency_exponent (currency) : -1;
    bool first = true;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!s_forced (f, array_keys) && !pmo_wire_field_present (m, f))
            continue;
        s_put_key (w, &t->fields[i], &first);
        const void *p = base + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) (base + f->quantifier_offset);
            const uint8_t *arr = *(const uint8_t *const *) p;
            s_putc (w, '[');
            for (size_t j = 0; j < n; j++) {
                if (j)
                    s_putc (w, ',');
                s_write_value (w, f, arr + j * pmo_wire_elem_size (f));
            }
            s_putc (w, ']');
            continue;
        }
        s_write_value (w, f, p);
        if (f->type == PROTOBUF_C_TYPE_INT64)
            s_put_money (w, &t->fields[i], exponent, *(const int64_t *) p);
    }
    s_putc (w, '}');
}

/*  A writer to out; hold: of everything, in a buffer of cap bytes to
 *  start with, written by s_writer_end only. */
static s_writer_t *
s_writer_new (FILE *out, bool hold, size_t cap)
{
    s_writer_t *w = pmo_malloc (sizeof *w);
    w->out = out;
    w->hold = hold;
    w->cap = hold && cap > S_BUF_SIZE ? cap : S_BUF_SIZE;
    w->buf = s_buf_new (w->cap);
    w->n = 0;
    w->types = NULL;
    w->n_types = w->cap_types = 0;
    return w;
}

/*  Writes what is left (when ok) and frees w.  0, or -1 when not ok or
 *  the stream failed. */
static int
s_writer_end (s_writer_t *w, bool ok)
{
    if (ok)
        s_flush (w);
    int rc = !ok || ferror (w->out) ? -1 : 0;
    for (size_t i = 0; i < w->n_types; i++) {
        s_type_info_t *t = w->types[i];
        for (unsigned j = 0; j < t->d->n_fields; j++) {
            free (t->fields[j].key);
            free (t->fields[j].money_key);
        }
        free (t->fields);
        free (t);
    }
    free (w->types);
    free (w->buf);
    free (w);
    return rc;
}

int
pmo_json_write (FILE *out, const void *msg, const char *const *array_keys)
{
    s_writer_t *w = s_writer_new (out, false, 0);
    s_write_msg (w, msg, array_keys);
    return s_writer_end (w, true);
}

/*  ---- from packed bytes ------------------------------------------------------ */

/*  The wire type a scalar of this type travels as. */
static int
s_scalar_wire_type (ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return PMO_WIRE_FIXED64;
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FLOAT: return PMO_WIRE_FIXED32;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE: return PMO_WIRE_LEN;
    default: return PMO_WIRE_VARINT;
    }
}

/*  A scalar as protobuf-c's unpack would store it, then printed. */
static void
s_put_scalar (s_writer_t *w, const ProtobufCFieldDescriptor *f, uint64_t v)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SFIXED32: s_put_i64 (w, (int32_t) (uint32_t) v); break;
    case PROTOBUF_C_TYPE_SINT32: {
        uint32_t u = (uint32_t) v;
        s_put_i64 (w, (int32_t) ((u >> 1) ^ -(u & 1)));
        break;
    }
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: s_put_u64 (w, (uint32_t) v); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SFIXED64: s_put_i64 (w, (int64_t) v); break;
    case PROTOBUF_C_TYPE_SINT64: s_put_i64 (w, (int64_t) ((v >> 1) ^ -(v & 1))); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: s_put_u64 (w, v); break;
    case PROTOBUF_C_TYPE_BOOL: s_puts (w, v ? "true" : "false"); break;
    case PROTOBUF_C_TYPE_ENUM: s_put_enum (w, f, (int) (uint32_t) v); break;
    default: s_puts (w, "null");
    }
}

/*  Fields [from, to) are absent: print the forced empty arrays among them;
 *  false when an unpack would have filled one of them. */
static bool
s_absent (s_writer_t *w, const s_type_info_t *t, unsigned from, unsigned to, const char *const *keys,
          bool *first)
{
    for (unsigned i = from; i < to; i++) {
        if (t->fields[i].flags & S_IS_ALWAYS)
            return false;
        if (keys && s_forced (&t->d->fields[i], keys)) {
            s_put_key (w, &t->fields[i], first);
            s_put (w, "[]", 2);
        }
    }
    return true;
}

/*  The exponent of a packed currency code, read as the unpacked C string
 *  would be: up to a NUL.  -1 when it is no currency. */
static int
s_exponent_of (const pmo_wire_field_t *x)
{
    char code[8];
    size_t n = strnlen ((const char *) x->data, x->len);
    if (n >= sizeof code)
        return -1;
    memcpy (code, x->data, n);
    code[n] = '\0';
    return pmo_currency_exponent (code);
}

/*  The index in d->fields of field id, looked up from index from on (fields
 *  arrive in order, so the walk usually finds it at once), else anywhere.
 *  False when d has no such field. */
static bool
s_find_field (const ProtobufCMessageDescriptor *d, unsigned from, uint32_t id, unsigned *i_out)
{
    unsigned i = from;
    while (i < d->n_fields && d->fields[i].id < id)
        i++;
    if (i == d->n_fields || d->fields[i].id != id) {
        const ProtobufCFieldDescriptor *g = protobuf_c_message_descriptor_get_field (d, id);
        if (!g)
            return false;
        i = (unsigned) (g - d->fields);
    }
    *i_out = i;
    return true;
}

/*  The next field at *p that an unpack of d would keep: 1 with *x, its
 *  index *i and whether it is a packed array; 0 at the end; -1 when the
 *  bytes do not read as d (framing, or a wire type the field cannot
 *  have).  Unknown fields are skipped: an unpack keeps them aside, nobody
 *  prints them.  from: where the field search starts (s_find_field). */
static int
s_next_known (const ProtobufCMessageDescriptor *d, const uint8_t **p, const uint8_t *end, unsigned from,
              pmo_wire_field_t *x, unsigned *i, bool *is_packed_array)
{
    while (*p < end) {
        if (!pmo_wire_next_field (p, end, x))
            return -1;
        if (!s_find_field (d, from, x->id, i))
            continue;
        const ProtobufCFieldDescriptor *f = &d->fields[*i];
        int wt = s_scalar_wire_type (f->type);
        *is_packed_array = f->label == PROTOBUF_C_LABEL_REPEATED && wt != PMO_WIRE_LEN && x->wire_type == PMO_WIRE_LEN;
        return x->wire_type == wt || *is_packed_array ? 1 : -1;
    }
    return 0;
}

/*  The exponent of the currency of the message in [p, end), read ahead of
 *  the walk: the code may come after the amounts.  -1 when it has none, or
 *  none that is a currency (a bad wire type fails the walk itself). */
static int
s_currency_ahead (const s_type_info_t *t, const uint8_t *p, const uint8_t *end)
{
    pmo_wire_field_t x;
    while (p < end && pmo_wire_next_field (&p, end, &x))
        if (x.id == t->currency->id && x.wire_type == PMO_WIRE_LEN)
            return s_exponent_of (&x);
    return -1;
}

static bool s_packed_msg (s_writer_t *w, const s_type_info_t *t, const uint8_t *p, size_t len,
                          const char *const *keys);

/*  One value of field f (an element, for a repeated field). */
static bool
s_packed_value (s_writer_t *w, const s_type_info_t *t, unsigned i, const pmo_wire_field_t *x)
{
    const ProtobufCFieldDescriptor *f = &t->d->fields[i];
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: s_put_string (w, (const char *) x->data, x->len); return true;
    case PROTOBUF_C_TYPE_BYTES: s_put_hex (w, x->data, x->len); return true;
    case PROTOBUF_C_TYPE_MESSAGE: return s_packed_msg (w, s_sub_type (w, t, i), x->data, x->len, NULL);
    default: s_put_scalar (w, f, x->value); return true;
    }
}

/*  The elements of a packed repeated scalar, comma-separated. */
static bool
s_packed_array (s_writer_t *w, const ProtobufCFieldDescriptor *f, const pmo_wire_field_t *x, bool *is_first_elem)
{
    const uint8_t *p = x->data, *end = x->data + x->len;
    int wt = s_scalar_wire_type (f->type);
    while (p < end) {
        uint64_t v;
        if (wt == PMO_WIRE_VARINT) {
            if (!pmo_wire_varint (&p, end, &v))
                return false;
        } else {
            int n = wt == PMO_WIRE_FIXED64 ? 8 : 4;
            if (end - p < n)
                return false;
            v = pmo_wire_le (p, n);
            p += n;
        }
        if (!*is_first_elem)
            s_putc (w, ',');
        *is_first_elem = false;
        s_put_scalar (w, f, v);
    }
    return true;
}

static bool
s_packed_msg (s_writer_t *w, const s_type_info_t *t, const uint8_t *p, size_t len,
              const char *const *keys)
{
    const uint8_t *end = p + len;
    const ProtobufCMessageDescriptor *d = t->d;
    int exponent = t->currency ? s_currency_ahead (t, p, end) : -1;
    s_putc (w, '{');
    bool first = true;
    unsigned next = 0;             /* fields before this one are done            */
    int open = -1;                 /* index of the repeated field being written */
    bool is_first_elem = false;
    uint32_t oneofs[8];            /* quantifier offsets of the oneofs seen     */
    size_t n_oneofs = 0;
    pmo_wire_field_t x = { 0 };
    unsigned i;
    bool is_packed_array;
    int more;
    while ((more = s_next_known (d, &p, end, open >= 0 ? (unsigned) open : next, &x, &i, &is_packed_array)) > 0) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        bool is_repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if ((int) i == open) {  /* the next element */
            if (is_packed_array) {
                if (!s_packed_array (w, f, &x, &is_first_elem))
                    return false;
                continue;
            }
            if (!is_first_elem)
                s_putc (w, ',');
            is_first_elem = false;
            if (!s_packed_value (w, t, i, &x))
                return false;
            continue;
        }
        if (i < next)
            return false;  /* out of order, or a singular field twice */
        if (open >= 0) {
            s_putc (w, ']');
            open = -1;
        }
        if ((i > next || keys) && !s_absent (w, t, next, i, keys, &first))
            return false;
        next = i + 1;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            for (size_t k = 0; k < n_oneofs; k++)
                if (oneofs[k] == f->quantifier_offset)
                    return false;  /* a second member: an unpack keeps only the last */
            if (n_oneofs == PMO_ARRAY_LEN (oneofs))
                return false;
            oneofs[n_oneofs++] = f->quantifier_offset;
        }
        s_put_key (w, &t->fields[i], &first);
        if (is_repeated) {
            s_putc (w, '[');
            open = (int) i;
            is_first_elem = true;
            if (is_packed_array) {
                if (!s_packed_array (w, f, &x, &is_first_elem))
                    return false;
                continue;
            }
            is_first_elem = false;
        }
        if (!s_packed_value (w, t, i, &x))
            return false;
        if (!is_repeated && f->type == PROTOBUF_C_TYPE_INT64)
            s_put_money (w, &t->fields[i], exponent, (int64_t) x.value);
    }
    if (more < 0)
        return false;
    if (open >= 0)
        s_putc (w, ']');
    if (!s_absent (w, t, next, d->n_fields, keys, &first))
        return false;
    s_putc (w, '}');
    return true;
}

int
pmo_json_write_packed (FILE *out, const ProtobufCMessageDescriptor *d, const void *data, size_t len,
                       const char *const *array_keys)
{
    /*  All of it, or nothing: held until the walk is through. */
    s_writer_t *w = s_writer_new (out, true, len * 4);
    const s_type_info_t *t = s_type (w, d);
    return s_writer_end (w, s_packed_msg (w, t, data, len, array_keys));
}
