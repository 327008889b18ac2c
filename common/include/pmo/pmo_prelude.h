/*  pmo_prelude: tiny helpers every libpmo user wants.  Allocation failure is
 *  not an error path: pmo_malloc and friends abort with file:line, so callers
 *  never test for NULL.  Untrusted sizes must be bounded before allocating. */
#ifndef PMO_PRELUDE_H
#define PMO_PRELUDE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define streq(a, b) (strcmp ((a), (b)) == 0)
#define PMO_UNUSED(x) ((void) (x))
#define PMO_PRINTF(fmt_idx, arg_idx) __attribute__ ((format (printf, fmt_idx, arg_idx)))
#define PMO_ARRAY_LEN(a) (sizeof (a) / sizeof ((a)[0]))

void *pmo_malloc_at (size_t size, const char *file, int line);
void *pmo_calloc_at (size_t n, size_t size, const char *file, int line);
void *pmo_realloc_at (void *p, size_t size, const char *file, int line);
char *pmo_strdup_at (const char *s, const char *file, int line);

#define pmo_malloc(n) pmo_malloc_at ((n), __FILE__, __LINE__)
#define pmo_calloc(n, s) pmo_calloc_at ((n), (s), __FILE__, __LINE__)
#define pmo_realloc(p, n) pmo_realloc_at ((p), (n), __FILE__, __LINE__)
#define pmo_strdup(s) pmo_strdup_at ((s), __FILE__, __LINE__)
/*  Frees *p and sets it to NULL. */
#define pmo_freen(p) do { free (p); (p) = NULL; } while (0)

/*  Copies src into dst of size n, always NUL-terminated.  Returns true when
 *  the whole of src fitted. */
bool pmo_strlcpy (char *dst, const char *src, size_t n);
/*  Formats a reason into why[len] (nothing when why is NULL or len 0): the
 *  "char *why, size_t why_len" out-parameter of functions that explain a
 *  refusal in one sentence. */
void pmo_why (char *why, size_t len, const char *fmt, ...) PMO_PRINTF (3, 4);
/*  Calls handler on SIGINT and SIGTERM, without SA_RESTART: a blocking
 *  poll returns (EINTR), so the caller's loop sees the flag its handler
 *  set. */
void pmo_on_stop_signals (void (*handler) (int));

/*  FNV-1a, 64 bits, over len bytes, from h (PMO_FNV1A64_INIT, or a
 *  previous result to go on): the hash of the in-memory tables (write-back
 *  values, status rows, rate buckets, the agent's refs in flight). */
#define PMO_FNV1A64_INIT 1469598103934665603ull
static inline uint64_t
pmo_fnv1a64 (uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

#endif
