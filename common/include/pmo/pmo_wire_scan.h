/*  pmo_wire_scan: reading packed protobuf field by field, without
 *  unpacking, for the few hot paths that only pass bytes through or look
 *  at one field (a 4 MB status reply streamed to JSON, a row's project
 *  code).  Decoding into messages stays pmo_wire's. */
#ifndef PMO_WIRE_SCAN_H
#define PMO_WIRE_SCAN_H

#include "pmo/pmo_prelude.h"

enum {
    PMO_WIRE_VARINT = 0,
    PMO_WIRE_FIXED64 = 1,
    PMO_WIRE_LEN = 2,
    PMO_WIRE_FIXED32 = 5
};

/*  One field as it sits on the wire.  data borrows from the scanned bytes. */
typedef struct {
    uint32_t id;
    int wire_type;             /* PMO_WIRE_*                                  */
    uint64_t value;            /* varint and fixed types, as stored           */
    const uint8_t *data;       /* PMO_WIRE_LEN: the payload                   */
    size_t len;
    const uint8_t *start;      /* the whole field, tag included: start..end   */
    const uint8_t *end;
} pmo_wire_field_t;

/*  Reads a varint at *p; false when truncated or longer than 10 bytes.
 *  Inline, as the next one: they run once per field of a 4 MB reply. */
static inline bool
pmo_wire_varint (const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    if (*p < end && !(**p & 0x80)) {  /* the usual one-byte case */
        *v = *(*p)++;
        return true;
    }
    uint64_t x = 0;
    for (int shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint64_t) (b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/*  n (4 or 8) bytes little-endian. */
static inline uint64_t
pmo_wire_le (const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/*  Reads the field at *p (before end) into f and moves *p past it.  Returns
 *  false on malformed or truncated bytes (and on groups, which pmo never
 *  uses). */
static inline bool
pmo_wire_next_field (const uint8_t **p, const uint8_t *end, pmo_wire_field_t *f)
{
    f->start = *p;
    uint64_t tag;
    if (!pmo_wire_varint (p, end, &tag) || tag >> 3 == 0 || tag >> 3 > UINT32_MAX)
        return false;
    f->id = (uint32_t) (tag >> 3);
    f->wire_type = (int) (tag & 7);
    switch (f->wire_type) {
    case PMO_WIRE_VARINT:
        if (!pmo_wire_varint (p, end, &f->value))
            return false;
        break;
    case PMO_WIRE_FIXED64:
    case PMO_WIRE_FIXED32: {
        int n = f->wire_type == PMO_WIRE_FIXED64 ? 8 : 4;
        if (end - *p < n)
            return false;
        f->value = pmo_wire_le (*p, n);
        *p += n;
        break;
    }
    case PMO_WIRE_LEN: {
        uint64_t len;
        if (!pmo_wire_varint (p, end, &len) || len > (uint64_t) (end - *p))
            return false;
        f->data = *p;
        f->len = (size_t) len;
        *p += len;
        break;
    }
    default: return false;
    }
    f->end = *p;
    return true;
}

/*  Writes v as a varint at out (room for 10 bytes); returns its length. */
static inline size_t
pmo_wire_put_varint (uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t) (v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t) v;
    return n;
}

/*  Finds the first field numbered id in data (len bytes) that is length-
 *  delimited, reading no further.  Returns false when absent or when the
 *  bytes before it are malformed.  (An unpack would take the last of
 *  several: callers look at pmod's own replies, which never repeat one.) */
bool pmo_wire_find_len (const uint8_t *data, size_t len, uint32_t id, const uint8_t **out, size_t *out_len);

#endif
