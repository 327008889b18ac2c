/*  totals: ProjectTotals without the generic protobuf-c paths (totals.h). */
#include "totals.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_wire_scan.h"

/*  The varint fields, in field-number order (protobuf-c packs in that
 *  order).  Field 1, the project, is a string and handled apart. */
enum { S_INT64, S_UINT64, S_INT32 };
static const struct {
    uint32_t id;
    int type;
    size_t has, value;
} s_fields[] = {
#define S_F(id, type, name) {id, type, offsetof (Pmo__ProjectTotals, has_##name), offsetof (Pmo__ProjectTotals, name)}
    S_F (2, S_INT64, minutes),           S_F (3, S_INT64, labour_minor),
    S_F (4, S_INT64, cost_minor),        S_F (5, S_INT64, material_minor),
    S_F (6, S_INT64, travel_minor),      S_F (7, S_INT64, contractor_minor),
    S_F (8, S_INT64, other_minor),       S_F (9, S_INT64, labour_cost_minor),
    S_F (10, S_UINT64, time_entries),    S_F (11, S_UINT64, cost_entries),
    S_F (12, S_UINT64, progress_updates), S_F (13, S_INT64, last_update_ms),
    S_F (14, S_INT32, percent_bp),
#undef S_F
};
#define S_N_FIELDS (sizeof s_fields / sizeof *s_fields)

int
totals_decode (const uint8_t *data, size_t len, Pmo__ProjectTotals *t)
{
    *t = (Pmo__ProjectTotals) PMO__PROJECT_TOTALS__INIT;
    const uint8_t *p = data, *end = data + len;
    pmo_wire_field_t f;
    while (p < end) {
        if (!pmo_wire_next_field (&p, end, &f))
            return PMO_ECORRUPT;
        if (f.id == 1) {
            if (f.wire_type != PMO_WIRE_LEN)
                return PMO_ECORRUPT;
            continue;
        }
        if (f.id < 2 || f.id - 2 >= S_N_FIELDS)
            continue;  /* unknown: pmod writes none, protobuf-c would keep it */
        if (f.wire_type != PMO_WIRE_VARINT)
            return PMO_ECORRUPT;
        char *base = (char *) t;
        size_t i = f.id - 2;
        *(protobuf_c_boolean *) (base + s_fields[i].has) = 1;
        if (s_fields[i].type == S_INT32)
            *(int32_t *) (base + s_fields[i].value) = (int32_t) (uint32_t) f.value;
        else
            *(uint64_t *) (base + s_fields[i].value) = f.value;
    }
    return PMO_OK;
}

size_t
totals_encode (const Pmo__ProjectTotals *t, uint8_t *out)
{
    uint8_t *p = out;
    if (t->project) {
        size_t n = strlen (t->project);
        *p++ = 1 << 3 | PMO_WIRE_LEN;
        p += pmo_wire_put_varint (p, n);
        memcpy (p, t->project, n);
        p += n;
    }
    const char *base = (const char *) t;
    for (size_t i = 0; i < S_N_FIELDS; i++) {
        if (!*(const protobuf_c_boolean *) (base + s_fields[i].has))
            continue;
        uint64_t v = s_fields[i].type == S_INT32
                         ? (uint64_t) (int64_t) * (const int32_t *) (base + s_fields[i].value)
                         : *(const uint64_t *) (base + s_fields[i].value);
        *p++ = (uint8_t) (s_fields[i].id << 3 | PMO_WIRE_VARINT);
        p += pmo_wire_put_varint (p, v);
    }
    return (size_t) (p - out);
}

int
totals_get (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, Pmo__ProjectTotals *t)
{
    *t = (Pmo__ProjectTotals) PMO__PROJECT_TOTALS__INIT;
    if (key->overflow)
        return PMO_ETOOBIG;
    pmo_val_t v;
    int rc = pmo_get (txn, db, key->buf, key->len, &v);
    return rc ? rc : totals_decode (v.data, v.len, t);
}

int
totals_put (pmo_txn_t *txn, unsigned db, const pmo_key_t *key, const Pmo__ProjectTotals *t)
{
    if (key->overflow)
        return PMO_ETOOBIG;
    uint8_t stack[TOTALS_MAX_BYTES + 64];
    size_t need = TOTALS_MAX_BYTES + (t->project ? strlen (t->project) : 0);
    uint8_t *buf = need <= sizeof stack ? stack : pmo_malloc (need);
    size_t len = totals_encode (t, buf);
    int rc = pmo_put (txn, db, key->buf, key->len, buf, len, 0);
    if (buf != stack)
        free (buf);
    return rc;
}
