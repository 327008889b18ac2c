/*  person_day: the minutes each person booked per day, over all projects
 *  (the 24 h check and the resource report read them).
 *
 *  One record per person and month: key person \0 month(i32: year * 12 +
 *  month - 1), value 31 minute counts (u16 BE, day of month 1..31).  A
 *  record per day spread a batch's time entries over the whole table, so
 *  each commit rewrote a page per entry; by month the table is 30x smaller
 *  and a batch touches a few of its pages.  A month with no minutes left
 *  has no record.
 */
#ifndef BROKER_PERSON_DAY_H
#define BROKER_PERSON_DAY_H

#include "pmo/pmo_store.h"

#define PERSON_DAY_SLOTS 31

/*  The minutes booked by person on day (0 when none). */
int person_day_get (pmo_txn_t *txn, unsigned db, const char *person, int32_t day, int32_t *minutes);

/*  Adds delta (may be negative) to person's minutes on day.  Returns
 *  PMO_OK, PMO_ECORRUPT when the count would leave 0..65535 (the 24 h
 *  check keeps it far below), or the store's rc. */
int person_day_add (pmo_txn_t *txn, unsigned db, const char *person, int32_t day, int32_t delta);

/*  One record read by a cursor: its person, the day of its slot 0 and the
 *  minutes per slot.  False when the record is not one of ours. */
bool person_day_decode (const pmo_val_t *k, const pmo_val_t *v, const char **person, int32_t *first_day,
                        int32_t minutes[PERSON_DAY_SLOTS]);

#endif
