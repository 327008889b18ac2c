/*  pmo_clock: real or fixed wall clock, and the monotonic clock. */
#include "pmo/pmo_clock.h"

#include <stdlib.h>
#include <time.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

static int64_t s_fixed_ms = -1;

int
pmo_clock_init_from_env (void)
{
    const char *env = getenv ("PMO_NOW");
    if (!env || !*env)
        return PMO_OK;
    int64_t ms;
    int rc = pmo_datetime_parse (env, &ms);
    if (rc == PMO_OK)
        s_fixed_ms = ms;
    return rc;
}

void
pmo_clock_set_ms (int64_t unix_ms)
{
    s_fixed_ms = unix_ms;
}

int
pmo_clock_is_fixed (void)
{
    return s_fixed_ms >= 0;
}

int64_t
pmo_clock_now_ms (void)
{
    if (s_fixed_ms >= 0)
        return s_fixed_ms;
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int32_t
pmo_clock_today (void)
{
    return pmo_date_from_ms (pmo_clock_now_ms ());
}

int64_t
pmo_clock_mono_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
pmo_clock_mono_ms (void)
{
    return pmo_clock_mono_ns () / 1000000;
}
