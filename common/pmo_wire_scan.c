/*  pmo_wire_scan: packed protobuf read field by field (see the header). */
#include "pmo/pmo_wire_scan.h"

bool
pmo_wire_find_len (const uint8_t *data, size_t len, uint32_t id, const uint8_t **out, size_t *out_len)
{
    const uint8_t *p = data, *end = data + len;
    pmo_wire_field_t f;
    while (p < end) {
        if (!pmo_wire_next_field (&p, end, &f))
            return false;
        if (f.id == id && f.wire_type == PMO_WIRE_LEN) {
            *out = f.data;
            *out_len = f.len;
            return true;
        }
    }
    return false;
}
