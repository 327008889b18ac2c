/*  harness: minimal assertion macros for pmo's ctest programs.
 *  Each CHECK prints file:line, the expression and both values on failure,
 *  counts the failure and carries on, so one run shows every broken case.
 *  A test's main ends with `return harness_report ();`. */
#ifndef PMO_HARNESS_H
#define PMO_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmo/pmo_error.h"

static int harness_failures = 0;
static int harness_checks = 0;

#define CHECK(expr) do { \
    harness_checks++; \
    if (!(expr)) { harness_failures++; \
        fprintf (stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr); } \
} while (0)

#define CHECK_EQ_I64(a, b) do { \
    long long a_ = (long long) (a), b_ = (long long) (b); harness_checks++; \
    if (a_ != b_) { harness_failures++; \
        fprintf (stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, a_, b_); } \
} while (0)

#define CHECK_STR(a, b) do { \
    const char *a_ = (a), *b_ = (b); harness_checks++; \
    if (!a_ || !b_ || strcmp (a_, b_) != 0) { harness_failures++; \
        fprintf (stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b, \
                 a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } \
} while (0)

#define CHECK_RC(expr, want) do { \
    int rc_ = (expr), w_ = (want); harness_checks++; \
    if (rc_ != w_) { harness_failures++; \
        fprintf (stderr, "%s:%d: %s returned %d (%s), wanted %d (%s)\n", __FILE__, __LINE__, #expr, \
                 rc_, pmo_strerror (rc_), w_, pmo_strerror (w_)); } \
} while (0)

/*  Stops the test at once when a precondition for the rest fails. */
#define REQUIRE(expr) do { \
    harness_checks++; \
    if (!(expr)) { fprintf (stderr, "%s:%d: REQUIRE(%s) failed, stopping\n", __FILE__, __LINE__, #expr); \
        return 1; } \
} while (0)

/*  REQUIRE for functions returning void. */
#define REQUIRE_VOID(expr) do { \
    harness_checks++; \
    if (!(expr)) { harness_failures++; \
        fprintf (stderr, "%s:%d: REQUIRE(%s) failed, skipping the rest of this step\n", __FILE__, __LINE__, #expr); \
        return; } \
} while (0)

/*  Removes a test's temporary tree (a mkdtemp path: no quote in it). */
static inline void
harness_rm_rf (const char *path)
{
    char cmd[600];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system (cmd) != 0)
        fprintf (stderr, "cannot remove %s\n", path);
}

static inline int
harness_report (void)
{
    if (harness_failures) {
        fprintf (stderr, "%d of %d checks failed\n", harness_failures, harness_checks);
        return 1;
    }
    printf ("%d checks passed\n", harness_checks);
    return 0;
}

#endif
