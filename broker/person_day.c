/*  person_day: minutes per person and day, stored a month per record
 *  (see person_day.h). */
#include "person_day.h"

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

#define S_VALUE_LEN (2 * PERSON_DAY_SLOTS)

static void
s_key (pmo_key_t *k, const char *person, int32_t day, int *slot)
{
    int y, m, d;
    pmo_date_to_ymd (day, &y, &m, &d);
    pmo_key_init (k);
    pmo_key_str (k, person);
    pmo_key_i32 (k, y * 12 + m - 1);
    *slot = d - 1;
}

int
person_day_get (pmo_txn_t *txn, unsigned db, const char *person, int32_t day, int32_t *minutes)
{
    pmo_key_t k;
    int slot;
    s_key (&k, person, day, &slot);
    *minutes = 0;
    if (k.overflow)
        return PMO_ETOOBIG;
    pmo_val_t v;
    int rc = pmo_get (txn, db, k.buf, k.len, &v);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;
    if (rc)
        return rc;
    if (v.len != S_VALUE_LEN)
        return PMO_ECORRUPT;
    const uint8_t *p = (const uint8_t *) v.data + 2 * slot;
    *minutes = (int32_t) p[0] << 8 | p[1];
    return PMO_OK;
}

int
person_day_add (pmo_txn_t *txn, unsigned db, const char *person, int32_t day, int32_t delta)
{
    pmo_key_t k;
    int slot;
    s_key (&k, person, day, &slot);
    if (k.overflow)
        return PMO_ETOOBIG;
    uint8_t month[S_VALUE_LEN] = {0};
    pmo_val_t v;
    int rc = pmo_get (txn, db, k.buf, k.len, &v);
    if (rc == PMO_OK && v.len != S_VALUE_LEN)
        return PMO_ECORRUPT;
    if (rc == PMO_OK)
        memcpy (month, v.data, sizeof month);
    else if (rc != PMO_ENOTFOUND)
        return rc;
    uint8_t *p = month + 2 * slot;
    int32_t minutes = ((int32_t) p[0] << 8 | p[1]) + delta;
    if (minutes < 0 || minutes > 0xFFFF)
        return PMO_ECORRUPT;
    p[0] = (uint8_t) (minutes >> 8);
    p[1] = (uint8_t) minutes;
    bool empty = true;
    for (size_t i = 0; i < sizeof month && empty; i++)
        empty = month[i] == 0;
    if (empty)
        return rc == PMO_OK ? pmo_del (txn, db, k.buf, k.len) : PMO_OK;
    return pmo_put (txn, db, k.buf, k.len, month, sizeof month, 0);
}

bool
person_day_decode (const pmo_val_t *k, const pmo_val_t *v, const char **person, int32_t *first_day,
                   int32_t minutes[PERSON_DAY_SLOTS])
{
    const char *who = k->data;
    size_t len = strnlen (who, k->len);
    if (len + 1 + 4 != k->len || v->len != S_VALUE_LEN)
        return false;
    int32_t month = pmo_bei32_get ((const uint8_t *) k->data + len + 1);
    if (pmo_date_from_ymd (month / 12, month % 12 + 1, 1, first_day) != PMO_OK)
        return false;
    const uint8_t *p = v->data;
    for (int i = 0; i < PERSON_DAY_SLOTS; i++)
        minutes[i] = (int32_t) p[2 * i] << 8 | p[2 * i + 1];
    *person = who;
    return true;
}
