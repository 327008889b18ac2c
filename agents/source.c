/*  source: one poll of one source, and what the kinds use while applying.
 *
 *  Owns the poll's transaction and the status record of each source
 *  ("sources" database, a JSON object: kind, runs, failures, items sent,
 *  bad items, last run, last success, last error).  A poll's updates, the
 *  source's state and its status commit together; a failed poll commits
 *  only its status, in a transaction of its own.
 *  Must never: keep a transaction open while a tool runs, or let one
 *  source's failure stop another.
 */
#include "source.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

struct source_run {
    const source_t *src;
    outbox_txn_t *txn;
    int32_t today;
    pmo_buf_t packed;         /* the last request packed */
    char failure[512];        /* why the poll is abandoned */
    char warning[512];        /* the first problem with one item */
    size_t n_bad;
};

void
source_output_free (source_output_t *out)
{
    free (out->data);
    out->data = NULL;
    out->len = 0;
}

//  --------------------------------------------------------------------------
//  Time

struct json_object *
source_json_array (const char *json, size_t len, const char *what, char *why, size_t why_len)
{
    json_tokener *tok = json_tokener_new ();
    json_object *root = json_tokener_parse_ex (tok, json, (int) len);
    enum json_tokener_error jerr = json_tokener_get_error (tok);
    json_tokener_free (tok);
    if (jerr != json_tokener_success || !json_object_is_type (root, json_type_array)) {
        pmo_why (why, why_len, "%s: not a JSON array (%s)", what,
                 jerr != json_tokener_success ? json_tokener_error_desc (jerr) : "other JSON");
        json_object_put (root);
        return NULL;
    }
    return root;
}

void
source_json_strings (struct json_object *arr, char ***out, size_t *n_out)
{
    if (!json_object_is_type (arr, json_type_array))
        return;
    size_t n = json_object_array_length (arr);
    char **v = pmo_calloc (n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = pmo_strdup (json_object_get_string (json_object_array_get_idx (arr, i)));
    *out = v;
    *n_out = n;
}

int
source_utc_parse (const char *s, int64_t *t_out)
{
    int y, mo, d, h, mi, se;
    char z;
    if (!s || strlen (s) != 16 || s[8] != 'T'
        || sscanf (s, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
        return PMO_EINVAL;
    int32_t day;
    if (pmo_date_from_ymd (y, mo, d, &day) != PMO_OK || h > 23 || mi > 59 || se > 60 || h < 0
        || mi < 0 || se < 0)
        return PMO_EINVAL;
    *t_out = (int64_t) day * 86400 + h * 3600 + mi * 60 + se;
    return PMO_OK;
}

int32_t
source_local_day (int64_t t)
{
    time_t tt = (time_t) t;
    struct tm tm;
    localtime_r (&tt, &tm);
    int32_t day = 0;
    pmo_date_from_ymd (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &day);
    return day;
}

int64_t
source_local_midnight (int32_t day)
{
    int y, m, d;
    pmo_date_to_ymd (day, &y, &m, &d);
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;  /* the zone knows whether DST applies */
    return (int64_t) mktime (&tm);
}

//  --------------------------------------------------------------------------
//  What apply uses

int32_t
source_run_today (const source_run_t *run)
{
    return run->today;
}

void
source_run_fail (source_run_t *run, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (run->failure, sizeof run->failure, fmt, ap);
    va_end (ap);
}

void
source_run_warn (source_run_t *run, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    pmo_log_warn ("source %s: %s", run->src->name, text);
    if (!run->warning[0])
        pmo_strlcpy (run->warning, text, sizeof run->warning);
    run->n_bad++;
}

int
source_pack (source_run_t *run, const record_t *rec, const pmo_buf_t **packed, pmo_reason_t *why)
{
    record_request_t rr;
    int rc = record_to_request (rec, run->today, &rr, why);
    if (rc)
        return rc;
    pmo_wire_pack (&rr.req, &run->packed);
    *packed = &run->packed;
    return PMO_OK;
}

int
source_emit (source_run_t *run, const record_t *rec, const char *what, const pmo_buf_t **packed)
{
    record_request_t rr;
    pmo_reason_t why;
    pmo_reason_clear (&why);
    if (record_to_request (rec, run->today, &rr, &why) != PMO_OK) {
        source_run_warn (run, "%s: %s; skipped", what, why.text);
        return PMO_OK;
    }
    pmo_wire_pack (&rr.req, &run->packed);
    if (packed)
        *packed = &run->packed;
    /*  The text shown when pmod refuses it names the source and the item. */
    char text[300];
    int n = snprintf (text, sizeof text, "source %s: %s", run->src->name, what);
    int rc = outbox_txn_add (run->txn, &rr.req, text, n > 0 ? (size_t) n : 0);
    if (rc)
        source_run_fail (run, "outbox: %s", rc == PMO_EFULL ? "full; tried again at the next poll"
                                                            : pmo_strerror (rc));
    return rc;
}

int
source_state_get (source_run_t *run, const void *key, size_t key_len, pmo_val_t *val)
{
    return outbox_txn_state_get (run->txn, run->src->name, key, key_len, val);
}

int
source_state_put (source_run_t *run, const void *key, size_t key_len, const void *data,
                  size_t len)
{
    int rc = outbox_txn_state_put (run->txn, run->src->name, key, key_len, data, len);
    if (rc)
        source_run_fail (run, "source state: %s", pmo_strerror (rc));
    return rc;
}

int
source_state_del (source_run_t *run, const void *key, size_t key_len)
{
    int rc = outbox_txn_state_del (run->txn, run->src->name, key, key_len);
    if (rc && rc != PMO_ENOTFOUND)
        source_run_fail (run, "source state: %s", pmo_strerror (rc));
    return rc == PMO_ENOTFOUND ? PMO_OK : rc;
}

int
source_state_each (source_run_t *run,
                   bool (*fn) (void *arg, const void *key, size_t key_len, const pmo_val_t *val),
                   void *arg)
{
    int rc = outbox_txn_state_each (run->txn, run->src->name, fn, arg);
    if (rc)
        source_run_fail (run, "source state: %s", pmo_strerror (rc));
    return rc;
}

//  --------------------------------------------------------------------------
//  Status

static int64_t
s_get_int (json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex (o, key, &v) ? json_object_get_int64 (v) : 0;
}

static void
s_set_int (json_object *o, const char *key, int64_t v)
{
    json_object_object_add (o, key, json_object_new_int64 (v));
}

static void
s_set_time (json_object *o, const char *key, int64_t ms)
{
    char at[32];
    pmo_datetime_format (ms, at);
    json_object_object_add (o, key, json_object_new_string (at));
}

/*  Rewrites the source's status in t: one more run, ok or failed with
 *  error, n_items queued and n_bad items skipped. */
static int
s_status_write (outbox_txn_t *t, const source_t *src, bool is_ok, const char *error,
                size_t n_items, size_t n_bad)
{
    json_object *o = NULL;
    pmo_val_t v;
    if (outbox_txn_status_get (t, src->name, &v) == PMO_OK) {
        char *text = pmo_malloc (v.len + 1);
        memcpy (text, v.data, v.len);
        text[v.len] = '\0';
        o = json_tokener_parse (text);
        free (text);
    }
    if (!o || !json_object_is_type (o, json_type_object)) {
        json_object_put (o);
        o = json_object_new_object ();
    }
    int64_t now = pmo_clock_now_ms ();
    json_object_object_add (o, "kind", json_object_new_string (src->kind->name));
    s_set_int (o, "runs", s_get_int (o, "runs") + 1);
    s_set_int (o, "failures", s_get_int (o, "failures") + (is_ok ? 0 : 1));
    s_set_int (o, "items", s_get_int (o, "items") + (int64_t) n_items);
    s_set_int (o, "bad_items", s_get_int (o, "bad_items") + (int64_t) n_bad);
    s_set_int (o, "last_items", (int64_t) n_items);
    s_set_time (o, "last_run", now);
    if (is_ok)
        s_set_time (o, "last_ok", now);
    json_object_object_add (o, "last_error", json_object_new_string (error ? error : ""));
    int rc = outbox_txn_status_put (t, src->name, json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
    json_object_put (o);
    return rc;
}

/*  Logs a failure when it is new; the same one again only at debug. */
static void
s_log_failure (source_t *src, const char *why)
{
    if (src->last_logged && streq (src->last_logged, why)) {
        pmo_log_debug ("source %s: still failing: %s", src->name, why);
        return;
    }
    pmo_log_warn ("source %s: %s", src->name, why);
    free (src->last_logged);
    src->last_logged = pmo_strdup (why);
}

int
source_poll (source_t *src, outbox_t *outbox, size_t *n_queued)
{
    *n_queued = 0;
    source_output_t out = {0};
    /*  The team's calendar: a local day, as its tools book them. */
    source_run_t run = {.src = src, .today = source_local_day (pmo_clock_now_ms () / 1000)};
    char why[512] = "";
    int rc = src->kind->fetch (src, &out, why, sizeof why);
    if (!rc) {
        rc = outbox_txn_begin (outbox, &run.txn);
        if (rc)
            snprintf (why, sizeof why, "outbox: %s", pmo_strerror (rc));
    }
    if (!rc) {
        rc = src->kind->apply (src, &run, out.data ? out.data : "", out.len);
        if (rc)
            pmo_strlcpy (why, run.failure[0] ? run.failure : pmo_strerror (rc), sizeof why);
    }
    size_t n = run.txn ? outbox_txn_added (run.txn) : 0;
    if (!rc) {
        char warning[600] = "";
        if (run.n_bad)
            snprintf (warning, sizeof warning, "%zu bad item%s: %s", run.n_bad,
                      run.n_bad == 1 ? "" : "s", run.warning);
        rc = s_status_write (run.txn, src, true, warning, n, run.n_bad);
        if (!rc)
            rc = outbox_txn_commit (&run.txn);
        if (rc)
            snprintf (why, sizeof why, "outbox: %s", rc == PMO_EFULL
                      ? "full; tried again at the next poll" : pmo_strerror (rc));
    }
    outbox_txn_abort (&run.txn);
    source_output_free (&out);
    pmo_buf_free (&run.packed);
    if (!rc) {
        if (src->last_logged)
            pmo_log_info ("source %s: works again", src->name);
        pmo_freen (src->last_logged);
        pmo_log_debug ("source %s: polled, %zu update%s queued", src->name, n, n == 1 ? "" : "s");
        if (n)
            pmo_log_info ("source %s: %zu update%s queued", src->name, n, n == 1 ? "" : "s");
        *n_queued = n;
        return PMO_OK;
    }
    s_log_failure (src, why);
    outbox_txn_t *t = NULL;
    if (outbox_txn_begin (outbox, &t) == PMO_OK && s_status_write (t, src, false, why, 0, 0) == PMO_OK)
        outbox_txn_commit (&t);
    outbox_txn_abort (&t);
    return rc;
}
