/*  pmo_bounds: the limits every decoded request must keep, whatever its
 *  kind, checked once before any handler sees it: strings valid UTF-8 and
 *  at most PMO_MAX_TEXT_BYTES, repeated fields at most PMO_MAX_REPEATED
 *  entries, at most PMO_MAX_UNKNOWN_FIELDS unknown fields per message, and
 *  nesting at most PMO_MAX_DEPTH deep.  Handlers still apply their own,
 *  tighter rules (names 200 bytes, codes, control characters). */
#ifndef PMO_BOUNDS_H
#define PMO_BOUNDS_H

#include "pmo/pmo_validate.h"

#define PMO_MAX_DEPTH 16

/*  Checks msg (an unpacked protobuf-c message) and its sub-messages.
 *  Returns PMO_OK, PMO_EINVAL (not UTF-8) or PMO_ETOOBIG, with reason
 *  naming the field ("project_update.name: 5000 bytes, more than 4096"). */
int pmo_bounds_check (const void *msg, pmo_reason_t *reason);

#endif
