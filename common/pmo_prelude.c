/*  pmo_prelude: allocation that aborts on out-of-memory, with the call site;
 *  the other tiny helpers of pmo_prelude.h. */
#include "pmo/pmo_prelude.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void
s_oom (size_t size, const char *file, int line)
{
    fprintf (stderr, "pmo: out of memory allocating %zu bytes at %s:%d\n", size, file, line);
    abort ();
}

void *
pmo_malloc_at (size_t size, const char *file, int line)
{
    void *p = malloc (size ? size : 1);
    if (!p)
        s_oom (size, file, line);
    return p;
}

void *
pmo_calloc_at (size_t n, size_t size, const char *file, int line)
{
    void *p = calloc (n ? n : 1, size ? size : 1);
    if (!p)
        s_oom (n * size, file, line);
    return p;
}

void *
pmo_realloc_at (void *old, size_t size, const char *file, int line)
{
    void *p = realloc (old, size ? size : 1);
    if (!p)
        s_oom (size, file, line);
    return p;
}

char *
pmo_strdup_at (const char *s, const char *file, int line)
{
    size_t n = strlen (s) + 1;
    char *p = pmo_malloc_at (n, file, line);
    memcpy (p, s, n);
    return p;
}

bool
pmo_strlcpy (char *dst, const char *src, size_t n)
{
    size_t len = strlen (src);
    if (n == 0)
        return len == 0;
    size_t copy = len < n ? len : n - 1;
    memcpy (dst, src, copy);
    dst[copy] = '\0';
    return copy == len;
}

void
pmo_why (char *why, size_t len, const char *fmt, ...)
{
    if (!why || !len)
        return;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (why, len, fmt, ap);
    va_end (ap);
}

void
pmo_on_stop_signals (void (*handler) (int))
{
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset (&sa.sa_mask);
    sigaction (SIGINT, &sa, NULL);
    sigaction (SIGTERM, &sa, NULL);
}
