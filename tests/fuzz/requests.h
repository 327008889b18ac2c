/*  requests: real requests, packed, for the fuzz target.  They seed its
 *  corpus (fuzz_seeds writes one file each) and build the scratch store the
 *  target starts from (a portfolio with a team, a person, an active
 *  project and a milestone), so mutations reach the handlers' logic rather
 *  than stopping at "not found". */
#ifndef PMO_FUZZ_REQUESTS_H
#define PMO_FUZZ_REQUESTS_H

#include "pmo/pmo_wire.h"

/*  The clock both the seeds and the target run at. */
#define FUZZ_NOW "2026-11-20T12:00:00Z"

/*  Packs request i (0 <= i < fuzz_request_count ()) into buf.  Returns a
 *  short name for it ("time", "project_add"). */
const char *fuzz_request_pack (size_t i, pmo_buf_t *buf);
size_t fuzz_request_count (void);
/*  How many of the first requests make up the scratch store's setup. */
size_t fuzz_setup_count (void);

#endif
