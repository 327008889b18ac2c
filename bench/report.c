/*  report: small helpers shared by the modes' tables and JSON. */
#include <stdarg.h>
#include <stdio.h>

#include "bench.h"

json_object *
report_num (double v, int decimals)
{
    char text[64];
    snprintf (text, sizeof text, "%.*f", decimals, v);
    return json_object_new_double_s (v, text);
}

json_object *
report_pct (const pct_t *p)
{
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "n", json_object_new_int64 ((int64_t) p->n));
    json_object_object_add (o, "p50", report_num (p->p50_ms, 3));
    json_object_object_add (o, "p99", report_num (p->p99_ms, 3));
    json_object_object_add (o, "p99_9", report_num (p->p999_ms, 3));
    json_object_object_add (o, "max", report_num (p->max_ms, 3));
    json_object_object_add (o, "mean", report_num (p->mean_ms, 3));
    return o;
}

const char *
report_count (double v, char *buf, size_t len)
{
    if (v >= 1e6)
        snprintf (buf, len, "%.2f M", v / 1e6);
    else if (v >= 1e4)
        snprintf (buf, len, "%.1f k", v / 1e3);
    else
        snprintf (buf, len, "%.0f", v);
    return buf;
}

const char *
report_bytes (uint64_t v, char *buf, size_t len)
{
    if (v >= (1ULL << 30))
        snprintf (buf, len, "%.2f GiB", (double) v / (double) (1ULL << 30));
    else if (v >= (1ULL << 20))
        snprintf (buf, len, "%.1f MiB", (double) v / (double) (1ULL << 20));
    else
        snprintf (buf, len, "%.1f KiB", (double) v / 1024.0);
    return buf;
}

void
report_row (const char *label, const char *fmt, ...)
{
    printf ("  %-28s ", label);
    va_list ap;
    va_start (ap, fmt);
    vprintf (fmt, ap);
    va_end (ap);
    putchar ('\n');
}
