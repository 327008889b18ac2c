/*  source_timewarrior: time entries from a Timewarrior database.
 *
 *  Each poll runs `timew export` (TIMEWARRIORDB = db) and books every
 *  closed interval that carries a mapped tag (project.TAG = CODE) as time
 *  of the configured person; activity.TAG = NAME names its activity.  Open
 *  intervals wait until they are closed.  An interval is split at each
 *  local midnight (the agent's time zone, TZ) into one entry per day.
 *
 *  Identity: interval ids change with every edit, so an entry's ref is
 *  "timew:<start instant UTC>/<local day>".  The source remembers, per ref,
 *  the request it sent (state key "t:" + ref -> packed request).  Each poll
 *  compares what the database says now with that memory:
 *    new ref                 -> time entry with the ref;
 *    same ref, other content -> time entry with the ref (pmod corrects the
 *                               booked one: lengthen, shorten, retag);
 *    remembered ref gone     -> void (timew delete, or a moved start);
 *    same content            -> nothing.
 *  Voids go first, so a moved interval never counts twice against a day.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "source.h"
#include "source_parse.h"

#define S_REF_PREFIX "timew:"
#define S_KEY_PREFIX "t:"
/*  Parts of one interval: a month of days is already no working session. */
#define S_MAX_PARTS 62

//  --------------------------------------------------------------------------
//  Parsing and splitting

void
timew_intervals_free (timew_interval_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        for (size_t t = 0; t < items[i].n_tags; t++)
            free (items[i].tags[t]);
        free (items[i].tags);
    }
    free (items);
}

int
timew_parse (const char *json, size_t len, timew_interval_t **items_p, size_t *n_p, char *why,
             size_t why_len)
{
    *items_p = NULL;
    *n_p = 0;
    json_object *root = source_json_array (json, len, "timew export", why, why_len);
    if (!root)
        return PMO_EINVAL;
    size_t n = json_object_array_length (root);
    timew_interval_t *items = pmo_calloc (n ? n : 1, sizeof *items);
    int rc = PMO_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        json_object *o = json_object_array_get_idx (root, i), *v;
        timew_interval_t *it = &items[i];
        it->end = -1;
        if (!json_object_is_type (o, json_type_object)) {
            snprintf (why, why_len, "timew export: interval %zu is not an object", i + 1);
            rc = PMO_EINVAL;
            break;
        }
        const char *start = json_object_object_get_ex (o, "start", &v) ? json_object_get_string (v) : NULL;
        if (source_utc_parse (start, &it->start) != PMO_OK) {
            snprintf (why, why_len, "timew export: interval %zu: start \"%.40s\" is not like 20261120T090000Z",
                      i + 1, start ? start : "");
            rc = PMO_EINVAL;
            break;
        }
        pmo_strlcpy (it->start_text, start, sizeof it->start_text);
        if (json_object_object_get_ex (o, "end", &v)) {
            const char *end = json_object_get_string (v);
            if (source_utc_parse (end, &it->end) != PMO_OK || it->end < it->start) {
                snprintf (why, why_len, "timew export: interval %zu: end \"%.40s\" is not an instant after its start",
                          i + 1, end ? end : "");
                rc = PMO_EINVAL;
                break;
            }
        }
        if (json_object_object_get_ex (o, "tags", &v))
            source_json_strings (v, &it->tags, &it->n_tags);
    }
    json_object_put (root);
    if (rc) {
        timew_intervals_free (items, n);
        return rc;
    }
    *items_p = items;
    *n_p = n;
    return PMO_OK;
}

size_t
timew_split (int64_t start, int64_t end, timew_part_t *parts, size_t max)
{
    size_t n = 0;
    int64_t from = start;
    while (from < end) {
        int32_t day = source_local_day (from);
        int64_t next = source_local_midnight (day + 1);
        if (next <= from)  /* a zone that skips midnight: move on by a day */
            next = from + 86400;
        int64_t to = next < end ? next : end;
        if (n < max)
            parts[n] = (timew_part_t) {day, (int32_t) ((to - from + 30) / 60)};
        n++;
        from = to;
    }
    return n;
}

//  --------------------------------------------------------------------------
//  The kind

static const char *const s_keys[] = {"db", "person", "command", NULL};
static const char *const s_maps[] = {"project", "activity", NULL};

static int
s_check (const source_t *src, char *why, size_t why_len)
{
    const char *person = source_opt (src, "person");
    if (!person || !*person) {
        snprintf (why, why_len, "person: missing (the person whose time this database holds)");
        return PMO_EINVAL;
    }
    for (size_t i = 0; i < src->n_keys; i++) {
        if (strncmp (src->keys[i], "project.", 8) == 0 && !*src->values[i]) {
            snprintf (why, why_len, "%s: missing its project code", src->keys[i]);
            return PMO_EINVAL;
        }
    }
    return PMO_OK;
}

/*  The database directory: db, else $TIMEWARRIORDB, else ~/.timewarrior. */
static void
s_db_dir (const source_t *src, char *out, size_t n)
{
    const char *db = source_opt (src, "db");
    const char *env = getenv ("TIMEWARRIORDB");
    const char *home = getenv ("HOME");
    if (db && *db)
        snprintf (out, n, "%s", db);
    else if (env && *env)
        snprintf (out, n, "%s", env);
    else
        snprintf (out, n, "%s/.timewarrior", home ? home : "");
}

static int
s_fetch (const source_t *src, source_output_t *out, char *why, size_t why_len)
{
    char db[4096], data[4200], env_db[4200];
    s_db_dir (src, db, sizeof db);
    /*  timew would offer to create a missing database (and, without an
     *  answer, export nothing: every booked entry would be voided). */
    snprintf (data, sizeof data, "%s/data", db);
    struct stat st;
    if (stat (data, &st) != 0 || !S_ISDIR (st.st_mode)) {
        snprintf (why, why_len, "timewarrior database %s not found (no data directory)", db);
        return PMO_ENOTFOUND;
    }
    snprintf (env_db, sizeof env_db, "TIMEWARRIORDB=%s", db);
    const char *cmd = source_opt (src, "command");
    const char *argv[] = {cmd && *cmd ? cmd : "timew", "export", NULL};
    const char *env[] = {env_db, NULL};
    return source_exec (argv, env, src->timeout_ms, out, why, why_len);
}

/*  One entry the database says should be booked. */
typedef struct {
    char *ref;
    record_t rec;
} s_want_t;

static int
s_want_cmp (const void *a, const void *b)
{
    return strcmp (((const s_want_t *) a)->ref, ((const s_want_t *) b)->ref);
}

typedef struct {
    s_want_t *wants;
    size_t n_wants;
    char **gone;              /* remembered refs no longer in the database */
    size_t n_gone;
} s_diff_t;

static bool
s_find_gone (void *arg, const void *key, size_t key_len, const pmo_val_t *val)
{
    s_diff_t *d = arg;
    size_t plen = strlen (S_KEY_PREFIX);
    if (key_len <= plen || memcmp (key, S_KEY_PREFIX, plen) != 0)
        return true;
    char *ref = pmo_malloc (key_len - plen + 1);
    memcpy (ref, (const char *) key + plen, key_len - plen);
    ref[key_len - plen] = '\0';
    s_want_t probe = {.ref = ref};
    if (bsearch (&probe, d->wants, d->n_wants, sizeof *d->wants, s_want_cmp)) {
        free (ref);
        return true;
    }
    d->gone = pmo_realloc (d->gone, (d->n_gone + 1) * sizeof *d->gone);
    d->gone[d->n_gone++] = ref;
    return true;
}

/*  The project of an interval: its first tag that is mapped. */
static const char *
s_mapped (const source_t *src, const char *map, const timew_interval_t *it)
{
    for (size_t t = 0; t < it->n_tags; t++) {
        const char *v = source_map (src, map, it->tags[t]);
        if (v && *v)
            return v;
    }
    return NULL;
}

/*  Adds the entries of one closed interval to d. */
static void
s_want_interval (const source_t *src, source_run_t *run, const timew_interval_t *it, s_diff_t *d)
{
    const char *project = s_mapped (src, "project", it);
    if (!project)
        return;  /* not one of the team's projects */
    const char *activity = s_mapped (src, "activity", it);
    timew_part_t parts[S_MAX_PARTS];
    size_t n = timew_split (it->start, it->end, parts, S_MAX_PARTS);
    if (n > S_MAX_PARTS) {
        source_run_warn (run, "interval from %s spans %zu days; not booked", it->start_text, n);
        return;
    }
    char iso[25];
    pmo_datetime_format (it->start * 1000, iso);
    for (size_t p = 0; p < n; p++) {
        if (parts[p].minutes < 1)
            continue;
        char date[11], minutes[16], ref[80];
        pmo_date_format (parts[p].day, date);
        snprintf (minutes, sizeof minutes, "%d", (int) parts[p].minutes);
        snprintf (ref, sizeof ref, S_REF_PREFIX "%s/%s", iso, date);
        d->wants = pmo_realloc (d->wants, (d->n_wants + 1) * sizeof *d->wants);
        s_want_t *w = &d->wants[d->n_wants++];
        w->ref = pmo_strdup (ref);
        record_init (&w->rec);
        record_set (&w->rec, "type", "time", RECORD_TEXT, NULL);
        record_set (&w->rec, "person", source_opt (src, "person"), RECORD_TEXT, NULL);
        record_set (&w->rec, "project", project, RECORD_TEXT, NULL);
        record_set (&w->rec, "date", date, RECORD_TEXT, NULL);
        record_set (&w->rec, "minutes", minutes, RECORD_INT, NULL);
        if (activity)
            record_set (&w->rec, "activity", activity, RECORD_TEXT, NULL);
        record_set (&w->rec, "ref", ref, RECORD_TEXT, NULL);
    }
}

static void
s_diff_free (s_diff_t *d)
{
    for (size_t i = 0; i < d->n_wants; i++) {
        free (d->wants[i].ref);
        record_clear (&d->wants[i].rec);
    }
    for (size_t i = 0; i < d->n_gone; i++)
        free (d->gone[i]);
    free (d->wants);
    free (d->gone);
}

/*  Queues one wanted entry unless the same request was sent before. */
static int
s_book (source_run_t *run, const s_want_t *w)
{
    char key[120];
    int key_len = snprintf (key, sizeof key, S_KEY_PREFIX "%s", w->ref);
    const pmo_buf_t *packed = NULL;
    pmo_reason_t why;
    pmo_reason_clear (&why);
    char what[120];
    snprintf (what, sizeof what, "interval %s", w->ref + strlen (S_REF_PREFIX));
    if (source_pack (run, &w->rec, &packed, &why) != PMO_OK) {
        source_run_warn (run, "%s: %s; skipped", what, why.text);
        return PMO_OK;
    }
    pmo_val_t sent;
    if (source_state_get (run, key, (size_t) key_len, &sent) == PMO_OK && sent.len == packed->len
        && memcmp (sent.data, packed->data, sent.len) == 0)
        return PMO_OK;
    int rc = source_emit (run, &w->rec, what, &packed);
    if (!rc)
        rc = source_state_put (run, key, (size_t) key_len, packed->data, packed->len);
    return rc;
}

static int
s_void (source_run_t *run, const char *ref)
{
    record_t rec;
    record_init (&rec);
    record_set (&rec, "type", "void", RECORD_TEXT, NULL);
    record_set (&rec, "ref", ref, RECORD_TEXT, NULL);
    char what[120], key[120];
    snprintf (what, sizeof what, "interval %s (deleted)", ref + strlen (S_REF_PREFIX));
    int key_len = snprintf (key, sizeof key, S_KEY_PREFIX "%s", ref);
    int rc = source_emit (run, &rec, what, NULL);
    if (!rc)
        rc = source_state_del (run, key, (size_t) key_len);
    record_clear (&rec);
    return rc;
}

static int
s_apply (const source_t *src, source_run_t *run, const char *data, size_t len)
{
    timew_interval_t *items = NULL;
    size_t n = 0;
    char why[256];
    int rc = timew_parse (data, len, &items, &n, why, sizeof why);
    if (rc) {
        source_run_fail (run, "%s", why);
        return rc;
    }
    s_diff_t d = {0};
    for (size_t i = 0; i < n; i++)
        if (items[i].end >= 0)
            s_want_interval (src, run, &items[i], &d);
    timew_intervals_free (items, n);
    if (d.n_wants)
        qsort (d.wants, d.n_wants, sizeof *d.wants, s_want_cmp);
    /*  Two intervals cannot start at the same instant; if the database says
     *  so anyway, the later one is skipped rather than booked over the other. */
    rc = source_state_each (run, s_find_gone, &d);
    for (size_t i = 0; !rc && i < d.n_gone; i++)
        rc = s_void (run, d.gone[i]);
    for (size_t i = 0; !rc && i < d.n_wants; i++) {
        if (i && streq (d.wants[i].ref, d.wants[i - 1].ref)) {
            source_run_warn (run, "two intervals start at %s; the second is skipped", d.wants[i].ref);
            continue;
        }
        rc = s_book (run, &d.wants[i]);
    }
    s_diff_free (&d);
    return rc;
}

const source_kind_t source_timewarrior = {
    .name = "timewarrior",
    .keys = s_keys,
    .maps = s_maps,
    .check = s_check,
    .fetch = s_fetch,
    .apply = s_apply,
};
