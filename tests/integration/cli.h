/*  cli: run the real command-line programs from integration tests. */
#ifndef PMO_TEST_CLI_H
#define PMO_TEST_CLI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
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

/*  Newlines in text (NULL: 0). */
static inline int
text_lines (const char *text)
{
    int n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
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

/*  Checks that r exited 0 (printing its output when not) and frees it. */
static inline void
run_ok (run_t r)
{
    CHECK_EQ_I64 (r.status, 0);
    if (r.status != 0)
        fprintf (stderr, "stdout: %s\nstderr: %s\n", r.out ? r.out : "", r.err ? r.err : "");
    run_free (&r);
}

/*  Runs argv expecting exit 0 and JSON on stdout. */
#define RUN_JSON(...) proc_run_json ((const char *const[]) {__VA_ARGS__, NULL})

/*  pmod's newest event seq, read through pmoctl ping --json; -1 when
 *  pmoctl fails. */
static inline long long
tlast_seq (void)
{
    json_object *j = RUN_JSON (PMOCTL_BIN, "ping", "--json");
    long long seq = j ? json_int (j, "last_seq") : -1;
    json_object_put (j);
    return seq;
}

/*  How many events of the audit log (its first 1,000) have topic, read
 *  through pmoctl log --json; -1 when pmoctl fails. */
static inline int
tlog_count (const char *topic)
{
    json_object *j = RUN_JSON (PMOCTL_BIN, "log", "--json", "--limit", "1000");
    if (!j)
        return -1;
    int n = 0;
    json_object *evs = json_get (j, "events");
    for (size_t i = 0; evs && i < json_object_array_length (evs); i++) {
        const char *t = json_str (json_object_array_get_idx (evs, i), "topic");
        n += t && strcmp (t, topic) == 0;
    }
    json_object_put (j);
    return n;
}

#endif
