/*  handle_reports: tabular reports built from the aggregates kept in each
 *  write txn (time_agg, daily, person_day, milestones), never from entries,
 *  so their cost follows the range and the number of groups, not the
 *  number of entries booked.  Every report is a generic table: key columns
 *  (text) and value columns (integers: minutes, minor units, days). */
#include <stdio.h>
#include <stdlib.h>

#include "broker.h"
#include "person_day.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

/*  One group being summed: its key columns joined with \x1f, its values. */
typedef struct {
    char *key;
    int64_t values[8];
    bool flag;
} group_t;

typedef struct {
    group_t *items;
    size_t n, cap;
    size_t n_values;
} groups_t;

static void
s_add (groups_t *g, const char *key, const int64_t *values)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->items = pmo_realloc (g->items, g->cap * sizeof *g->items);
    }
    group_t *it = &g->items[g->n++];
    memset (it, 0, sizeof *it);
    it->key = pmo_strdup (key);
    memcpy (it->values, values, g->n_values * sizeof *values);
}

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (((const group_t *) a)->key, ((const group_t *) b)->key);
}

/*  Sorts by key and merges equal keys by summing: O(n log n) for any n. */
static void
s_merge (groups_t *g)
{
    if (g->n == 0)
        return;
    qsort (g->items, g->n, sizeof *g->items, s_cmp);
    size_t w = 0;
    for (size_t i = 1; i < g->n; i++) {
        if (streq (g->items[w].key, g->items[i].key)) {
            for (size_t v = 0; v < g->n_values; v++)
                g->items[w].values[v] += g->items[i].values[v];
            free (g->items[i].key);
        } else
            g->items[++w] = g->items[i];
    }
    g->n = w + 1;
}

static void
s_groups_free (groups_t *g)
{
    for (size_t i = 0; i < g->n; i++)
        free (g->items[i].key);
    free (g->items);
}

/*  Turns merged groups into the Report; everything is owned by r. */
static void
s_emit (req_t *r, groups_t *g, Pmo__ReportKind kind, const char *const *key_names, size_t n_keys,
        const char *const *value_names, const char *flag_name)
{
    Pmo__Report *rep = req_keep_mem (r, pmo_malloc (sizeof *rep));
    pmo__report__init (rep);
    rep->has_kind = true;
    rep->kind = kind;
    rep->key_names = (char **) key_names;
    rep->n_key_names = n_keys;
    rep->value_names = (char **) value_names;
    rep->n_value_names = g->n_values;
    rep->rows = req_keep_mem (r, pmo_calloc (g->n ? g->n : 1, sizeof *rep->rows));
    rep->n_rows = g->n;
    for (size_t i = 0; i < g->n; i++) {
        Pmo__ReportRow *row = req_keep_mem (r, pmo_malloc (sizeof *row));
        pmo__report_row__init (row);
        char *key = req_keep_mem (r, g->items[i].key);
        g->items[i].key = NULL;
        row->keys = req_keep_mem (r, pmo_calloc (n_keys, sizeof *row->keys));
        row->n_keys = n_keys;
        for (size_t k = 0; k < n_keys; k++) {
            row->keys[k] = key;
            char *sep = strchr (key, '\x1f');
            if (sep) {
                *sep = '\0';
                key = sep + 1;
            } else
                key += strlen (key);
        }
        row->values = req_keep_mem (r, pmo_malloc (g->n_values * sizeof *row->values));
        memcpy (row->values, g->items[i].values, g->n_values * sizeof *row->values);
        row->n_values = g->n_values;
        if (g->items[i].flag && flag_name) {
            row->flags = req_keep_mem (r, pmo_malloc (sizeof *row->flags));
            row->flags[0] = (char *) flag_name;
            row->n_flags = 1;
        }
        rep->rows[i] = row;
    }
    r->reply->body_case = PMO__REPLY__BODY_REPORT;
    r->reply->report = rep;
}

/*  The report's date range; both ends inclusive and required unless
 *  defaults are given. */
static int
s_range (req_t *r, const Pmo__ReportQuery *q, int32_t def_from, int32_t def_to, int32_t *from, int32_t *to)
{
    int rc = req_date (r, "from", q->from, false, def_from, from);
    if (!rc)
        rc = req_date (r, "to", q->to, false, def_to, to);
    if (!rc && *to < *from)
        rc = req_fail (r, PMO_EINVAL, "to", "to: %s is before from %s", q->to, q->from);
    return rc;
}

/*  A person's team (cached per report: people are few next to entries). */
static const char *
s_team_of (req_t *r, const char *person)
{
    Pmo__Person *p = NULL;
    pmo_key_t k;
    tables_key_code (&k, person);
    if (tables_get (r->txn, DB_PEOPLE, &k, &pmo__person__descriptor, (void **) &p) != PMO_OK)
        return "-";
    req_keep (r, p);
    return p->team && *p->team ? p->team : "-";
}

static int
s_time_report (req_t *r, const Pmo__ReportQuery *q)
{
    static const char *const by_names[] = {"person", "project", "team", "activity"};
    const char *by = q->group_by && *q->group_by ? q->group_by : "project";
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (streq (by, by_names[i]))
            which = i;
    if (which < 0)
        return req_fail (r, PMO_EINVAL, "group_by", "group by: \"%.20s\" is not person, project, team or activity", by);
    int32_t today = pmo_date_from_ms (r->now_ms), from, to;
    int rc = s_range (r, q, today - 6, today, &from, &to);
    if (rc)
        return rc;
    groups_t g = {.n_values = 1};
    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_TIME_AGG, &cur);
    if (rc)
        return req_fail (r, rc, "", "time report: %s", pmo_strerror (rc));
    pmo_key_t probe;
    pmo_key_init (&probe);
    pmo_key_i32 (&probe, from);
    pmo_val_t k = {probe.buf, probe.len}, v;
    char last_person[64] = "", last_team[64] = "";
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < 7 || v.len != 8 || pmo_bei32_get (k.data) > to)
            break;
        const char *project = (const char *) k.data + 4;
        const char *person = project + strlen (project) + 1;
        const char *activity = person + strlen (person) + 1;
        if (q->project && *q->project && !streq (q->project, project))
            continue;
        const char *key = which == 0 ? person : which == 1 ? project : activity;
        if (which == 2) {
            if (!streq (person, last_person)) {
                pmo_strlcpy (last_person, person, sizeof last_person);
                pmo_strlcpy (last_team, s_team_of (r, person), sizeof last_team);
            }
            key = last_team;
        }
        int64_t minutes = (int64_t) pmo_be64_get (v.data);
        s_add (&g, *key ? key : "-", &minutes);
    }
    pmo_cursor_close (&cur);
    s_merge (&g);
    static const char *const value_names[] = {"minutes"};
    s_emit (r, &g, PMO__REPORT_KIND__REPORT_TIME, &by_names[which], 1, value_names, NULL);
    s_groups_free (&g);
    return PMO_OK;
}

static int
s_cost_report (req_t *r, const Pmo__ReportQuery *q)
{
    int32_t from, to;
    int rc = s_range (r, q, INT32_MIN / 2, INT32_MAX / 2, &from, &to);
    if (rc)
        return rc;
    groups_t g = {.n_values = 6};
    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_DAILY, &cur);
    if (rc)
        return req_fail (r, rc, "", "cost report: %s", pmo_strerror (rc));
    pmo_key_t probe;
    tables_key_code (&probe, q->project && *q->project ? q->project : "");
    pmo_val_t k = {probe.buf, q->project && *q->project ? probe.len : 0}, v;
    rc = k.len ? pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v) : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v);
    char project[64] = "", currency[8] = "";
    for (; rc == PMO_OK; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        const char *code = k.data;
        size_t code_len = strnlen (code, k.len);
        if (code_len + 1 + 4 != k.len)
            continue;
        if (q->project && *q->project && !streq (code, q->project))
            break;
        int32_t day = pmo_bei32_get ((const uint8_t *) k.data + code_len + 1);
        if (day < from || day > to)
            continue;
        if (!streq (code, project)) {
            Pmo__Project *p = NULL;
            pmo_key_t pk;
            tables_key_code (&pk, code);
            pmo_strlcpy (project, code, sizeof project);
            pmo_strlcpy (currency, "-", sizeof currency);
            if (tables_get (r->txn, DB_PROJECTS, &pk, &pmo__project__descriptor, (void **) &p) == PMO_OK) {
                pmo_strlcpy (currency, p->currency ? p->currency : "-", sizeof currency);
                pmo_wire_free (p);
            }
        }
        Pmo__ProjectTotals *t = pmo_wire_unpack (&pmo__project_totals__descriptor, v.data, v.len);
        if (!t)
            continue;
        int y, m, d;
        pmo_date_to_ymd (day, &y, &m, &d);
        char key[32];
        snprintf (key, sizeof key, "%04d-%02d\x1f%s", y, m, currency);
        int64_t labour = t->labour_minor + t->labour_cost_minor;
        int64_t values[6] = {labour, t->material_minor, t->travel_minor, t->contractor_minor, t->other_minor,
                             labour + t->material_minor + t->travel_minor + t->contractor_minor + t->other_minor};
        pmo_wire_free (t);
        s_add (&g, key, values);
    }
    pmo_cursor_close (&cur);
    s_merge (&g);
    static const char *const keys[] = {"month", "currency"};
    static const char *const values[] = {"labour_minor", "material_minor", "travel_minor",
                                         "contractor_minor", "other_minor", "total_minor"};
    s_emit (r, &g, PMO__REPORT_KIND__REPORT_COST, keys, 2, values, NULL);
    s_groups_free (&g);
    return PMO_OK;
}

static int
s_slip_report (req_t *r, const Pmo__ReportQuery *q)
{
    int32_t today = pmo_date_from_ms (r->now_ms);
    groups_t g = {.n_values = 1};
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_MILESTONES, &cur);
    if (rc)
        return req_fail (r, rc, "", "slip report: %s", pmo_strerror (rc));
    pmo_key_t probe;
    tables_key_code (&probe, q->project && *q->project ? q->project : "");
    pmo_val_t k = {probe.buf, q->project && *q->project ? probe.len : 0}, v;
    rc = k.len ? pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v) : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v);
    for (; rc == PMO_OK; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Milestone *m = pmo_wire_unpack (&pmo__milestone__descriptor, v.data, v.len);
        if (!m)
            continue;
        if (q->project && *q->project && !streq (m->project, q->project)) {
            pmo_wire_free (m);
            break;
        }
        int32_t due = 0, forecast = 0, actual = 0;
        pmo_date_parse (m->due, &due);
        bool has_f = m->forecast && pmo_date_parse (m->forecast, &forecast) == PMO_OK;
        bool has_a = m->actual && pmo_date_parse (m->actual, &actual) == PMO_OK;
        /*  Slip against the baseline: the actual date when reached, else the
         *  forecast, else today once the baseline has passed. */
        int32_t ref = has_a ? actual : has_f ? forecast : (today > due ? today : due);
        char key[600];
        snprintf (key, sizeof key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", m->project, m->name, m->due,
                  m->forecast ? m->forecast : "-", m->actual ? m->actual : "-");
        int64_t values[1] = {ref - due};
        s_add (&g, key, values);
        g.items[g.n - 1].flag = !has_a && (today > due || (has_f && today > forecast));
        pmo_wire_free (m);
    }
    pmo_cursor_close (&cur);
    static const char *const keys[] = {"project", "milestone", "due", "forecast", "actual"};
    static const char *const values[] = {"slip_days"};
    s_emit (r, &g, PMO__REPORT_KIND__REPORT_SLIP, keys, 5, values, "missed");
    s_groups_free (&g);
    return PMO_OK;
}

static int
s_resource_report (req_t *r, const Pmo__ReportQuery *q)
{
    int32_t today = pmo_date_from_ms (r->now_ms), from, to;
    int rc = s_range (r, q, pmo_date_week_start (today) - 21, today, &from, &to);
    if (rc)
        return rc;
    groups_t g = {.n_values = 2};
    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_PERSON_DAY, &cur);
    if (rc)
        return req_fail (r, rc, "", "resource report: %s", pmo_strerror (rc));
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        const char *who;
        int32_t first, minutes[PERSON_DAY_SLOTS];
        if (!person_day_decode (&k, &v, &who, &first, minutes))
            continue;
        for (int i = 0; i < PERSON_DAY_SLOTS; i++) {
            int32_t day = first + i;
            if (!minutes[i] || day < from || day > to)
                continue;
            char week[11], key[100];
            pmo_date_format (pmo_date_week_start (day), week);
            snprintf (key, sizeof key, "%s\x1f%s", who, week);
            int64_t values[2] = {minutes[i], 0};
            s_add (&g, key, values);
        }
    }
    pmo_cursor_close (&cur);
    s_merge (&g);
    /*  Capacity is per person and week: set once per merged group. */
    for (size_t i = 0; i < g.n; i++) {
        char who[64];
        pmo_strlcpy (who, g.items[i].key, sizeof who);
        char *sep = strchr (who, '\x1f');
        if (sep)
            *sep = '\0';
        Pmo__Person *p = NULL;
        pmo_key_t pk;
        tables_key_code (&pk, who);
        if (tables_get (r->txn, DB_PEOPLE, &pk, &pmo__person__descriptor, (void **) &p) == PMO_OK) {
            g.items[i].values[1] = p->capacity_minutes;
            pmo_wire_free (p);
        }
        g.items[i].flag = g.items[i].values[1] > 0 && g.items[i].values[0] > g.items[i].values[1];
    }
    static const char *const keys[] = {"person", "week"};
    static const char *const values[] = {"booked_minutes", "capacity_minutes"};
    s_emit (r, &g, PMO__REPORT_KIND__REPORT_RESOURCES, keys, 2, values, "overallocated");
    s_groups_free (&g);
    return PMO_OK;
}

int
handle_report (req_t *r)
{
    const Pmo__ReportQuery *q = r->req->report;
    if (q->project && *q->project) {
        void *p;
        int rc = req_load (r, DB_PROJECTS, q->project, "project", &pmo__project__descriptor, &p);
        if (rc)
            return rc;
    }
    switch (q->kind) {
    case PMO__REPORT_KIND__REPORT_TIME: return s_time_report (r, q);
    case PMO__REPORT_KIND__REPORT_COST: return s_cost_report (r, q);
    case PMO__REPORT_KIND__REPORT_SLIP: return s_slip_report (r, q);
    case PMO__REPORT_KIND__REPORT_RESOURCES: return s_resource_report (r, q);
    default: return req_fail (r, PMO_EINVAL, "kind", "report: unknown kind %d", (int) q->kind);
    }
}
