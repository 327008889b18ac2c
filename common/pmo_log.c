/*  pmo_log: stderr logging with an ident, a level and a UTC timestamp.
 *  The level is process state, like the signal flags: logging from every
 *  module must not need a handle passed down. */
#include "pmo/pmo_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pmo_log_level_t s_level = PMO_LOG_INFO;
static char s_ident[32] = "pmo";
static const char *s_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void
pmo_log_init (const char *ident, pmo_log_level_t level)
{
    pmo_strlcpy (s_ident, ident ? ident : "pmo", sizeof s_ident);
    s_level = level;
    const char *env = getenv ("PMO_LOG");
    int parsed = env ? pmo_log_level_parse (env) : -1;
    if (parsed >= 0)
        s_level = (pmo_log_level_t) parsed;
}

int
pmo_log_level_parse (const char *s)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (s && streq (s, names[i]))
            return i;
    return -1;
}

void
pmo_log_set_level (pmo_log_level_t level)
{
    s_level = level;
}

bool
pmo_log_enabled (pmo_log_level_t level)
{
    return level <= s_level;
}

void
pmo_log_write (pmo_log_level_t level, const char *fmt, ...)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r (&ts.tv_sec, &tm);
    char line[1024];
    int n = snprintf (line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s ",
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec, ts.tv_nsec / 1000000, s_ident, (int) getpid (), s_names[level]);
    va_list ap;
    va_start (ap, fmt);
    if (n > 0 && (size_t) n < sizeof line)
        vsnprintf (line + n, sizeof line - (size_t) n, fmt, ap);
    va_end (ap);
    /*  One write per line so lines from several processes do not interleave. */
    fprintf (stderr, "%s\n", line);
}
