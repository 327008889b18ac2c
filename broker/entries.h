/*  entries: booking and unbooking time and cost entries, shared by the
 *  plain handlers (handle_report.c) and the corrections by ref
 *  (handle_refs.c).
 *
 *  A booking is two steps so that a correction validates the new entry
 *  before it writes anything: check (validation, normalised date, labour
 *  cost, currency; no writes), then book (aggregates, the entry with its
 *  new id, totals; no event).  unbook reverses exactly what book added for
 *  a stored entry: person_day, time_agg, totals and daily.
 */
#ifndef BROKER_ENTRIES_H
#define BROKER_ENTRIES_H

#include "broker.h"

/*  An entry validated by a check.  The entry's strings point into this
 *  struct (date) and into records kept by the req: do not copy it. */
typedef struct {
    union {
        Pmo__TimeEntry time;
        Pmo__CostEntry cost;
    };
    int32_t day;
    char date[11];
} entry_booking_t;

/*  PMO_OK when project code exists and takes bookings (ESTATE when closed
 *  or cancelled, ENOTFOUND), with the reason set. */
int entries_open_project (req_t *r, const char *code);

/*  Validates in into b.  replacing (may be NULL) is the entry in would
 *  replace: its minutes do not count against the person's day. */
int entries_time_check (req_t *r, const Pmo__TimeEntry *in, const Pmo__TimeEntry *replacing,
                        entry_booking_t *b);
/*  Books a checked entry: assigns b->time.id and stores it with its
 *  aggregates.  No event. */
int entries_time_book (req_t *r, entry_booking_t *b);
/*  Takes a stored entry's minutes and cost out of every aggregate. */
int entries_time_unbook (req_t *r, const Pmo__TimeEntry *old);

int entries_cost_check (req_t *r, const Pmo__CostEntry *in, entry_booking_t *b);
int entries_cost_book (req_t *r, entry_booking_t *b);
int entries_cost_unbook (req_t *r, const Pmo__CostEntry *old);

/*  Emits body on the topic "<kind>.<project>". */
int entries_emit (req_t *r, const char *kind, const char *project, Pmo__Event__BodyCase body_case,
                  const void *body);

/*  handle_refs.c: time and cost entries that carry a ref. */
int refs_handle_time (req_t *r);
int refs_handle_cost (req_t *r);

#endif
