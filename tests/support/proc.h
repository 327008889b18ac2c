/*  proc: real processes for integration tests.  Each test gets a fresh
 *  temporary directory holding the data directory and ipc:// endpoints, so
 *  tests never share ports or state and can run in parallel.  Readiness is
 *  a successful ping within a deadline, never a sleep.  Child output goes
 *  to log files that are printed only when the test fails. */
#ifndef PMO_TEST_PROC_H
#define PMO_TEST_PROC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "pmo/pmo_curve.h"

typedef struct {
    char dir[256];               /* mkdtemp root, removed on success       */
    char data[320];              /* pmod data directory                    */
    char endpoint[320];          /* ipc://DIR/req                          */
    char events[320];            /* ipc://DIR/ev                           */
    pid_t pmod;                  /* running pmod, or 0                     */
    int n_pmod_starts;
    bool is_secure;              /* pmod runs with CURVE (tenv_secure)     */
    char admin_key[320];         /* DIR/admin.key: the bootstrap admin     */
    char server_pub[340];        /* DATA/server.key.pub: pmod's public key */
} tenv_t;

/*  Creates the temp dir and endpoints; exports PMO_ENDPOINT / PMO_EVENTS so
 *  every child finds pmod without flags. */
int tenv_init (tenv_t *e, const char *name);
/*  Stops what runs; removes the dir when ok, else prints child logs. */
void tenv_finish (tenv_t *e, bool ok);

/*  Makes pmod run secure from its next start: generates the admin keypair
 *  DIR/admin.key(.pub), which pmod enrols as principal "admin"
 *  (--admin-key), and exports PMO_KEY and PMO_SERVER_KEY so that every
 *  child program (pmoctl, agents) talks as that admin.  Without it pmod
 *  runs with --insecure, as every older test expects.  Returns 0 or -1. */
int tenv_secure (tenv_t *e);
/*  The admin's credentials (after pmod started once, secure). */
int tenv_admin_creds (tenv_t *e, pmo_curve_creds_t *creds);

/*  Starts pmod (extra args NULL-terminated, may be NULL) and waits until it
 *  answers a ping (10 s deadline).  Adds --insecure unless tenv_secure was
 *  called.  Returns 0 or -1. */
int tenv_pmod_start (tenv_t *e, const char *const *extra);
/*  Sends sig to pmod and waits for it to exit; returns its exit status
 *  (or 128+signal). */
int tenv_pmod_stop (tenv_t *e, int sig);

/*  Spawns argv with stdout/stderr to log_path (appended), stdin from
 *  /dev/null.  Returns the pid. */
pid_t proc_spawn (const char *const *argv, const char *log_path);
/*  Waits up to timeout_ms; returns the exit status (128+sig if killed),
 *  or -1 on timeout (the child is then killed). */
int proc_wait (pid_t pid, int timeout_ms);

/*  Runs argv to completion (timeout_ms), capturing stdout and stderr into
 *  malloc'd strings (may be NULL to discard).  Returns the exit status, or
 *  -1 on timeout.  stdin_text, when not NULL, is written to its stdin. */
int proc_run (const char *const *argv, const char *stdin_text, char **out, char **err, int timeout_ms);

/*  Runs argv, expects exit 0, parses stdout as JSON.  Returns the object
 *  (caller puts it) or NULL, printing why. */
json_object *proc_run_json (const char *const *argv);

/*  Path helpers: json_get("a.b.0.c") walks objects and arrays. */
json_object *json_get (json_object *root, const char *path);
long long json_int (json_object *root, const char *path);
const char *json_str (json_object *root, const char *path);

/*  Writes text to path (atomically: temp + rename). */
int write_file (const char *path, const char *text);
/*  Reads a whole file into a malloc'd string, or NULL. */
char *read_file (const char *path);

#endif
