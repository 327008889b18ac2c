/*  source_taskwarrior: progress and milestones from a Taskwarrior database.
 *
 *  Each poll runs `task export` with TASKDATA = data and TASKRC = taskrc
 *  (default /dev/null), plus rc. overrides so that nothing in the team's
 *  configuration can break the JSON or make the agent write to their data:
 *  no confirmation, no hooks, no verbose output, no context filter, no
 *  garbage collection or recurrence (both would rewrite the data files).
 *
 *  Per mapped project (project.NAME = CODE; NAME matches the task's project
 *  and its subprojects NAME.x, the longest mapping wins):
 *    progress = completed / all tasks, deleted ones and recurring templates
 *    left out; with weight = ATTR, each task weighs its numeric attribute
 *    (absent: 0).  Sent only when it differs from what was sent last
 *    (state "p:" + CODE -> basis points as text).
 *  A completed task carrying a tag of milestone.TAG = NAME reports
 *  milestone NAME of its project reached on its end date (local day), once
 *  (state "m:" + CODE \0 NAME -> the date sent).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "source.h"
#include "source_parse.h"

/*  Weights are kept x 10^4 (estimate 2.5 -> 25000): integers only. */
#define S_WEIGHT_SCALE 4
#define S_ONE 10000

//  --------------------------------------------------------------------------
//  Parsing

void
task_items_free (task_item_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free (items[i].status);
        free (items[i].project);
        free (items[i].uuid);
        for (size_t t = 0; t < items[i].n_tags; t++)
            free (items[i].tags[t]);
        free (items[i].tags);
    }
    free (items);
}

static char *
s_str (json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex (o, key, &v) || json_object_is_type (v, json_type_null))
        return NULL;
    return pmo_strdup (json_object_get_string (v));
}

int
task_parse (const char *json, size_t len, const char *weight_attr, task_item_t **items_p,
            size_t *n_p, char *why, size_t why_len)
{
    *items_p = NULL;
    *n_p = 0;
    json_object *root = source_json_array (json, len, "task export", why, why_len);
    if (!root)
        return PMO_EINVAL;
    size_t n = json_object_array_length (root);
    task_item_t *items = pmo_calloc (n ? n : 1, sizeof *items);
    int rc = PMO_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        json_object *o = json_object_array_get_idx (root, i), *v;
        task_item_t *it = &items[i];
        it->end = -1;
        it->weight = -1;
        if (!json_object_is_type (o, json_type_object)) {
            snprintf (why, why_len, "task export: task %zu is not an object", i + 1);
            rc = PMO_EINVAL;
            break;
        }
        it->status = s_str (o, "status");
        it->project = s_str (o, "project");
        it->uuid = s_str (o, "uuid");
        if (!it->status) {
            snprintf (why, why_len, "task export: task %zu has no status", i + 1);
            rc = PMO_EINVAL;
            break;
        }
        if (json_object_object_get_ex (o, "end", &v)
            && source_utc_parse (json_object_get_string (v), &it->end) != PMO_OK) {
            snprintf (why, why_len, "task export: task %s: end \"%.40s\" is not like 20261120T090000Z",
                      it->uuid ? it->uuid : "?", json_object_get_string (v));
            rc = PMO_EINVAL;
            break;
        }
        /*  A number keeps its text in json-c (and a UDA the taskrc does not
         *  declare comes as a string): both go through the decimal parser,
         *  never through a double. */
        if (weight_attr && json_object_object_get_ex (o, weight_attr, &v)
            && !json_object_is_type (v, json_type_null)) {
            const char *text = json_object_get_string (v);
            if ((!json_object_is_type (v, json_type_int) && !json_object_is_type (v, json_type_double)
                 && !json_object_is_type (v, json_type_string))
                || pmo_decimal_parse (text, S_WEIGHT_SCALE, &it->weight) != PMO_OK || it->weight < 0) {
                snprintf (why, why_len, "task export: task %s: %s \"%.40s\" is not a number of 0 or more "
                          "with at most %d decimals", it->uuid ? it->uuid : "?", weight_attr, text,
                          S_WEIGHT_SCALE);
                rc = PMO_EINVAL;
                break;
            }
        }
        if (json_object_object_get_ex (o, "tags", &v))
            source_json_strings (v, &it->tags, &it->n_tags);
    }
    json_object_put (root);
    if (rc) {
        task_items_free (items, n);
        return rc;
    }
    *items_p = items;
    *n_p = n;
    return PMO_OK;
}

int32_t
task_progress_bp (int64_t done, int64_t total)
{
    if (total <= 0)
        return -1;
    /*  Rounded down: 100 % only when everything is done. */
    int64_t scaled = 0;
    if (done < 0 || pmo_i64_mul (done, 10000, &scaled) != PMO_OK)
        return -1;
    int64_t bp = scaled / total;
    return (int32_t) (bp > 10000 ? 10000 : bp);
}

//  --------------------------------------------------------------------------
//  The kind

static const char *const s_keys[] = {"data", "taskrc", "weight", "command", NULL};
static const char *const s_maps[] = {"project", "milestone", NULL};

static int
s_check (const source_t *src, char *why, size_t why_len)
{
    const char *data = source_opt (src, "data");
    if (!data || !*data) {
        snprintf (why, why_len, "data: missing (the Taskwarrior data directory, TASKDATA)");
        return PMO_EINVAL;
    }
    bool has_project = false;
    for (size_t i = 0; i < src->n_keys; i++) {
        bool is_project = strncmp (src->keys[i], "project.", 8) == 0;
        has_project |= is_project;
        if ((is_project || strncmp (src->keys[i], "milestone.", 10) == 0) && !*src->values[i]) {
            snprintf (why, why_len, "%s: missing its value", src->keys[i]);
            return PMO_EINVAL;
        }
    }
    if (!has_project) {
        snprintf (why, why_len, "no project.NAME = CODE mapping: nothing to report");
        return PMO_EINVAL;
    }
    return PMO_OK;
}

static int
s_fetch (const source_t *src, source_output_t *out, char *why, size_t why_len)
{
    const char *data = source_opt (src, "data");
    struct stat st;
    if (stat (data, &st) != 0 || !S_ISDIR (st.st_mode)) {
        snprintf (why, why_len, "taskwarrior data directory %s not found", data);
        return PMO_ENOTFOUND;
    }
    const char *taskrc = source_opt (src, "taskrc");
    /*  task would create a missing rc file (with confirmation off). */
    if (taskrc && *taskrc && stat (taskrc, &st) != 0) {
        snprintf (why, why_len, "taskrc %s not found", taskrc);
        return PMO_ENOTFOUND;
    }
    char env_data[4200], env_rc[4200];
    snprintf (env_data, sizeof env_data, "TASKDATA=%s", data);
    snprintf (env_rc, sizeof env_rc, "TASKRC=%s", taskrc && *taskrc ? taskrc : "/dev/null");
    const char *cmd = source_opt (src, "command");
    const char *argv[] = {cmd && *cmd ? cmd : "task",
                          "rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off",
                          "rc.color=off", "rc.json.array=on", "rc.context=", "rc.gc=off",
                          "rc.recurrence=off", "rc.detection=off", "export", NULL};
    const char *env[] = {env_data, env_rc, NULL};
    return source_exec (argv, env, src->timeout_ms, out, why, why_len);
}

/*  The code a task's project maps to: NAME or a subproject NAME.x; the
 *  longest mapped NAME wins. */
static const char *
s_project_code (const source_t *src, const char *project)
{
    if (!project)
        return NULL;
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < src->n_keys; i++) {
        const char *k = src->keys[i];
        if (strncmp (k, "project.", 8) != 0)
            continue;
        const char *name = k + 8;
        size_t n = strlen (name);
        if (strncmp (project, name, n) == 0 && (project[n] == '\0' || project[n] == '.')
            && n >= best_len) {
            best = src->values[i];
            best_len = n;
        }
    }
    return best;
}

typedef struct {
    const char *code;         /* borrowed from the source's config */
    int64_t done, total;
} s_tally_t;

static s_tally_t *
s_tally (s_tally_t **t, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (streq ((*t)[i].code, code))
            return &(*t)[i];
    *t = pmo_realloc (*t, (*n + 1) * sizeof **t);
    (*t)[*n] = (s_tally_t) {code, 0, 0};
    return &(*t)[(*n)++];
}

/*  Milestone NAME of code reached on day, once. */
static int
s_milestone (source_run_t *run, const char *code, const char *name, int32_t day)
{
    char key[600];
    int key_len = snprintf (key, sizeof key, "m:%s%c%s", code, '\0', name);
    if (key_len <= 0 || (size_t) key_len >= sizeof key)
        return PMO_OK;
    pmo_val_t v;
    if (source_state_get (run, key, (size_t) key_len, &v) == PMO_OK)
        return PMO_OK;
    char date[11], what[300];
    pmo_date_format (day, date);
    snprintf (what, sizeof what, "milestone \"%s\" of %s", name, code);
    record_t rec;
    record_init (&rec);
    record_set (&rec, "type", "milestone", RECORD_TEXT, NULL);
    record_set (&rec, "project", code, RECORD_TEXT, NULL);
    record_set (&rec, "name", name, RECORD_TEXT, NULL);
    record_set (&rec, "date", date, RECORD_TEXT, NULL);
    int rc = source_emit (run, &rec, what, NULL);
    if (!rc)
        rc = source_state_put (run, key, (size_t) key_len, date, strlen (date));
    record_clear (&rec);
    return rc;
}

/*  Progress of code, when it differs from the last sent. */
static int
s_progress (source_run_t *run, const char *code, int32_t bp)
{
    char key[64], text[16], what[64];
    int key_len = snprintf (key, sizeof key, "p:%s", code);
    snprintf (text, sizeof text, "%d.%02d", (int) (bp / 100), (int) (bp % 100));
    pmo_val_t v;
    if (source_state_get (run, key, (size_t) key_len, &v) == PMO_OK && v.len == strlen (text)
        && memcmp (v.data, text, v.len) == 0)
        return PMO_OK;
    snprintf (what, sizeof what, "progress of %s", code);
    record_t rec;
    record_init (&rec);
    record_set (&rec, "type", "progress", RECORD_TEXT, NULL);
    record_set (&rec, "project", code, RECORD_TEXT, NULL);
    record_set (&rec, "percent", text, RECORD_TEXT, NULL);
    int rc = source_emit (run, &rec, what, NULL);
    if (!rc)
        rc = source_state_put (run, key, (size_t) key_len, text, strlen (text));
    record_clear (&rec);
    return rc;
}

static int
s_apply (const source_t *src, source_run_t *run, const char *data, size_t len)
{
    const char *weight = source_opt (src, "weight");
    task_item_t *items = NULL;
    size_t n = 0;
    char why[300];
    int rc = task_parse (data, len, weight && *weight ? weight : NULL, &items, &n, why, sizeof why);
    if (rc) {
        source_run_fail (run, "%s", why);
        return rc;
    }
    s_tally_t *tallies = NULL;
    size_t n_tallies = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const task_item_t *t = &items[i];
        if (streq (t->status, "deleted") || streq (t->status, "recurring"))
            continue;
        const char *code = s_project_code (src, t->project);
        if (!code)
            continue;
        bool is_done = streq (t->status, "completed");
        int64_t w = !weight || !*weight ? S_ONE : t->weight < 0 ? 0 : t->weight;
        s_tally_t *tally = s_tally (&tallies, &n_tallies, code);
        if (pmo_i64_add (tally->total, w, &tally->total) != PMO_OK
            || (is_done && pmo_i64_add (tally->done, w, &tally->done) != PMO_OK)) {
            source_run_fail (run, "task export: the weights of %s overflow", code);
            rc = PMO_EOVERFLOW;
            break;
        }
        for (size_t g = 0; is_done && t->end >= 0 && g < t->n_tags && !rc; g++) {
            const char *name = source_map (src, "milestone", t->tags[g]);
            if (name && *name)
                rc = s_milestone (run, code, name, source_local_day (t->end));
        }
    }
    for (size_t i = 0; i < n_tallies && !rc; i++) {
        int32_t bp = task_progress_bp (tallies[i].done, tallies[i].total);
        if (bp >= 0)
            rc = s_progress (run, tallies[i].code, bp);
    }
    free (tallies);
    task_items_free (items, n);
    return rc;
}

const source_kind_t source_taskwarrior = {
    .name = "taskwarrior",
    .keys = s_keys,
    .maps = s_maps,
    .check = s_check,
    .fetch = s_fetch,
    .apply = s_apply,
};
