/*  pmo_clock: the one source of "now" for every deadline and date rule.
 *  Tests set it (PMO_NOW or --now, or pmo_clock_set_ms) so deadline logic is
 *  deterministic without sleeping.  Timeouts use the monotonic clock, which
 *  is never faked. */
#ifndef PMO_CLOCK_H
#define PMO_CLOCK_H

#include <stdint.h>

/*  Reads PMO_NOW (ISO 8601 instant or date).  Returns PMO_OK, or PMO_EINVAL
 *  when PMO_NOW is set but unparsable (the clock is left real). */
int pmo_clock_init_from_env (void);
/*  Fixes the clock at unix_ms; later calls to now return it until changed.
 *  A negative value returns the clock to real time. */
void pmo_clock_set_ms (int64_t unix_ms);
/*  True when the clock is fixed (a test clock). */
int pmo_clock_is_fixed (void);
int64_t pmo_clock_now_ms (void);
/*  Today as days since 1970-01-01, UTC. */
int32_t pmo_clock_today (void);
/*  Monotonic milliseconds, for timeouts and latency. */
int64_t pmo_clock_mono_ms (void);
/*  Monotonic nanoseconds, for benchmarks. */
int64_t pmo_clock_mono_ns (void);

#endif
