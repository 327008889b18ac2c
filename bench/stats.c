/*  stats: latency samples and their percentiles (nearest rank). */
#include <stdlib.h>

#include "bench.h"

void
samples_add (samples_t *s, int64_t ns)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = pmo_realloc (s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = ns;
}

void
samples_merge (samples_t *dst, const samples_t *src)
{
    for (size_t i = 0; i < src->n; i++)
        samples_add (dst, src->v[i]);
}

void
samples_free (samples_t *s)
{
    pmo_freen (s->v);
    s->n = s->cap = 0;
}

static int
s_cmp (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/*  Nearest rank: the smallest sample with at least q of all at or below. */
static double
s_rank_ms (const samples_t *s, double q)
{
    size_t rank = (size_t) (q * (double) s->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return (double) s->v[rank - 1] / 1e6;
}

void
samples_percentiles (samples_t *s, pct_t *out)
{
    memset (out, 0, sizeof *out);
    out->n = s->n;
    if (!s->n)
        return;
    qsort (s->v, s->n, sizeof *s->v, s_cmp);
    out->p50_ms = s_rank_ms (s, 0.50);
    out->p99_ms = s_rank_ms (s, 0.99);
    out->p999_ms = s_rank_ms (s, 0.999);
    out->max_ms = (double) s->v[s->n - 1] / 1e6;
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += (double) s->v[i];
    out->mean_ms = sum / (double) s->n / 1e6;
}
