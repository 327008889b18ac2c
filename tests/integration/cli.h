/*  cli: run the real command-line programs from integration tests. */
#ifndef PMO_TEST_CLI_H
#define PMO_TEST_CLI_H

#include <stdlib.h>

#include "proc.h"

/*  Result of one command: exit status, stdout, stderr (owned). */
typedef struct {
    int status;
    char *out;
    char *err;
} run_t;

static inline void
run_free (run_t *r)
{
    free (r->out);
    free (r->err);
    r->out = r->err = NULL;
}

/*  Runs argv (NULL-terminated) with a 30 s limit. */
static inline run_t
run_argv (const char *const *argv)
{
    run_t r = {0};
    r.status = proc_run (argv, NULL, &r.out, &r.err, 30000);
    return r;
}

#define RUN(...) run_argv ((const char *const[]) {__VA_ARGS__, NULL})

/*  Runs argv expecting exit 0 and JSON on stdout. */
#define RUN_JSON(...) proc_run_json ((const char *const[]) {__VA_ARGS__, NULL})

#endif
