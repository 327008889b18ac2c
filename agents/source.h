/*  source: pmo-agent's sources, which read the tools a team already uses
 *  (Taskwarrior, Timewarrior, any command printing JSON lines) and report
 *  what changed, by themselves.
 *
 *  A source is a [source.NAME] section of the agent's config file with a
 *  type (a row of the kind table in source.c), a poll period and the
 *  kind's own keys, among them mappings written MAP.TOOLNAME = VALUE
 *  (project.apollo = APOLLO).  Every poll runs in two steps:
 *    1. fetch: run the tool (no transaction open: a tool may be slow, and
 *       one-shot pmo-agent commands must still be able to queue);
 *    2. apply: in ONE outbox transaction, compare what the tool says with
 *       what the source remembers (its state, in the outbox's
 *       "source_state" database), queue the updates that follow from the
 *       difference, rewrite the state, and record the source's status.
 *  So the state never runs ahead of or behind the outbox: a crash before
 *  the commit leaves both as they were and the next poll does it again.
 *  A source that fails (tool missing, non-zero exit, bad JSON, a full
 *  outbox) is logged, its status says why, and the others go on.
 *
 *  source_config.c reads the sections; source.c runs polls; one file per
 *  kind: source_taskwarrior.c, source_timewarrior.c, source_command.c.
 *  The spool ([spool]) stays outside this table: its file lifecycle
 *  (.inflight, done/, rejected/) has its own transaction per file.
 */
#ifndef PMO_AGENT_SOURCE_H
#define PMO_AGENT_SOURCE_H

#include <signal.h>

#include "outbox.h"
#include "record.h"

typedef struct source source_t;
typedef struct sources sources_t;
typedef struct source_run source_run_t;

/*  What a tool printed (owned; free with source_output_free). */
typedef struct {
    char *data;
    size_t len;
} source_output_t;

void source_output_free (source_output_t *out);

typedef struct {
    const char *name;                 /* type = NAME */
    const char *const *keys;          /* its plain keys, NULL-terminated */
    const char *const *maps;          /* its maps: "project" takes project.X = Y */
    /*  Checks the section once it is read (required keys, values).  why
     *  gets "key: what".  Returns PMO_OK or PMO_EINVAL. */
    int (*check) (const source_t *src, char *why, size_t why_len);
    /*  Runs the tool.  Returns PMO_OK with out filled, or an rc with why. */
    int (*fetch) (const source_t *src, source_output_t *out, char *why, size_t why_len);
    /*  Applies the output inside run's transaction (source_emit and the
     *  state calls).  Returns PMO_OK to commit, or an rc after
     *  source_run_fail to abandon the whole poll. */
    int (*apply) (const source_t *src, source_run_t *run, const char *data, size_t len);
} source_kind_t;

extern const source_kind_t source_taskwarrior;
extern const source_kind_t source_timewarrior;
extern const source_kind_t source_command;

/*  The kind named name, or NULL. */
const source_kind_t *source_kind_find (const char *name);

//  --------------------------------------------------------------------------
//  One source's configuration (source_config.c)

struct source {
    char *name;                       /* NAME of [source.NAME] */
    const source_kind_t *kind;
    int poll_ms;                      /* period between polls */
    int timeout_ms;                   /* longest tool run */
    char **keys, **values;            /* every other key, in file order */
    size_t n_keys;
    int64_t next_due;                 /* monotonic ms of the next poll */
    char *last_logged;                /* last failure logged (not repeated) */
};

/*  The value of a plain key, or NULL. */
const char *source_opt (const source_t *src, const char *key);
/*  The value mapped to name in map (project.NAME), or NULL. */
const char *source_map (const source_t *src, const char *map, const char *name);

/*  Reads every [source.NAME] section of path (the other sections are
 *  config.c's).  Unknown types and keys, bad numbers and missing keys are
 *  errors: why gets "path:line: what" or "path: [source.NAME] what".
 *  Returns PMO_OK (*self_p set, maybe with no source), PMO_EINVAL or an
 *  errno. */
int sources_load (const char *path, sources_t **self_p, char *why, size_t why_len);
/*  Accepts NULL. */
void sources_destroy (sources_t **self_p);
size_t sources_count (const sources_t *self);
source_t *sources_at (sources_t *self, size_t i);

//  --------------------------------------------------------------------------
//  Polls (source.c)

/*  Polls go into outbox (borrowed; must outlive the sources). */
void sources_attach (sources_t *self, outbox_t *outbox);
/*  Polls every source that is due (every source when is_all) and
 *  schedules its next poll, until *stop (may be NULL) is set.  Failures
 *  are the sources' own (logged, in their status).  Sets *n_queued (may
 *  be NULL) to the updates queued. */
void sources_poll (sources_t *self, bool is_all, volatile sig_atomic_t *stop, size_t *n_queued);
/*  Monotonic ms of the next due poll; INT64_MAX without sources. */
int64_t sources_next_due (const sources_t *self);

/*  Polls one source now.  Returns PMO_OK or the failure's rc (its why
 *  stored in the status and logged). */
int source_poll (source_t *src, outbox_t *outbox, size_t *n_queued);

//  --------------------------------------------------------------------------
//  For the kinds' apply: queue, remember, report

/*  The local calendar day (days since the epoch) of today, for records
 *  without a date. */
int32_t source_run_today (const source_run_t *run);
/*  Validates rec (record.c's rules) and queues it.  A record that fails
 *  validation is skipped: logged with what (e.g. "line 3"), counted as bad
 *  in the status, and PMO_OK is returned.  Returns an rc only when the
 *  outbox fails (then the poll is abandoned).  *packed, when not NULL,
 *  receives the packed request (without update id) for the caller to
 *  remember; it is valid until the next call. */
int source_emit (source_run_t *run, const record_t *rec, const char *what,
                 const pmo_buf_t **packed);
/*  Packs what rec would send, without queueing it.  PMO_EINVAL with why
 *  when rec is not valid. */
int source_pack (source_run_t *run, const record_t *rec, const pmo_buf_t **packed,
                 pmo_reason_t *why);
/*  Notes a failure of the whole poll (printf-style); apply then returns an
 *  rc and nothing is committed. */
void source_run_fail (source_run_t *run, const char *fmt, ...) PMO_PRINTF (2, 3);
/*  Notes a problem with one item (the poll still commits). */
void source_run_warn (source_run_t *run, const char *fmt, ...) PMO_PRINTF (2, 3);

/*  The source's memory: key/value bytes, per source, in the poll's txn. */
int source_state_get (source_run_t *run, const void *key, size_t key_len, pmo_val_t *val);
int source_state_put (source_run_t *run, const void *key, size_t key_len, const void *data,
                      size_t len);
int source_state_del (source_run_t *run, const void *key, size_t key_len);
int source_state_each (source_run_t *run,
                       bool (*fn) (void *arg, const void *key, size_t key_len,
                                   const pmo_val_t *val),
                       void *arg);

//  --------------------------------------------------------------------------
//  Running a tool (source_exec.c)

/*  Runs argv[0] (searched in PATH) with env ("NAME=VALUE" strings, set on
 *  top of the agent's environment), stdin from /dev/null, for at most
 *  timeout_ms.  stdout goes to out (at most 64 MiB).  Returns PMO_OK when
 *  it exited 0; else an rc with why: "task: not found", "task: exit status
 *  2: <first line of stderr>", "task: killed after 30000 ms". */
int source_exec (const char *const *argv, const char *const *env, int timeout_ms,
                 source_output_t *out, char *why, size_t why_len);

//  --------------------------------------------------------------------------
//  Helpers shared by the kinds

/*  Parses a tool's UTC instant "20261120T090000Z" into seconds since the
 *  epoch.  Returns PMO_OK or PMO_EINVAL. */
int source_utc_parse (const char *s, int64_t *t_out);
/*  The strings of a JSON array (a tool's "tags") as a pmo_calloc'd array of
 *  pmo_strdup'd strings; nothing when arr is not an array. */
struct json_object;
/*  Parses a tool's export, which must be one JSON array.  NULL with why
 *  ("<what>: not a JSON array (...)") otherwise; the caller puts the root. */
struct json_object *source_json_array (const char *json, size_t len, const char *what, char *why, size_t why_len);
void source_json_strings (struct json_object *arr, char ***out, size_t *n_out);
/*  The local calendar day (days since the epoch) of instant t, in the
 *  agent's time zone (TZ). */
int32_t source_local_day (int64_t t);
/*  The instant of local midnight starting day. */
int64_t source_local_midnight (int32_t day);

#endif
