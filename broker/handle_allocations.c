/*  handle_allocations: planned minutes of a person on a project per ISO
 *  week, and the planned-load view against weekly capacity.
 *
 *  An allocation is set (created or replaced) or removed; each is an event
 *  (allocation.set, allocation.removed).  After each change the person's
 *  planned minutes in that week are summed; above the person's weekly
 *  capacity, resource.overallocated is published once per person and week
 *  (the alerts table keeps its identity, as for every alert), so going
 *  back under capacity and over it again in the same week raises nothing
 *  new.  A person without a capacity (absent or 0) is never flagged, as in
 *  the booked-hours report.
 */
#include <stdio.h>

#include "plan.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

static void
s_key (pmo_key_t *k, const char *person, int32_t monday, const char *project)
{
    pmo_key_init (k);
    pmo_key_str (k, person);
    pmo_key_i32 (k, monday);
    if (project)
        pmo_key_str (k, project);
}

static int
s_week (req_t *r, const char *field, const char *text, int32_t *monday)
{
    if (!text || !*text)
        return req_fail (r, PMO_EINVAL, field, "%s: missing (an ISO week such as 2026-W48)", field);
    if (pmo_date_parse_iso_week (text, monday) != PMO_OK)
        return req_fail (r, PMO_EINVAL, field, "%s: \"%.20s\" is not an ISO week (want YYYY-Www, such as 2026-W48)",
                         field, text);
    return PMO_OK;
}

/*  Sum of the person's planned minutes in the week starting monday. */
static int
s_planned (req_t *r, const char *person, int32_t monday, int64_t *sum)
{
    pmo_key_t prefix;
    s_key (&prefix, person, monday, NULL);
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_ALLOCATIONS, &cur);
    if (rc)
        return req_fail (r, rc, "", "allocations: %s", pmo_strerror (rc));
    *sum = 0;
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < prefix.len || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        Pmo__Allocation *a = pmo_wire_unpack (&pmo__allocation__descriptor, v.data, v.len);
        if (a)
            *sum += a->minutes;
        pmo_wire_free (a);
    }
    pmo_cursor_close (&cur);
    return PMO_OK;
}

static int
s_check_overallocation (req_t *r, const Pmo__Person *person, int32_t monday, const char *week)
{
    if (!person->has_capacity_minutes || person->capacity_minutes <= 0)
        return PMO_OK;
    int64_t planned = 0;
    int rc = s_planned (r, person->id, monday, &planned);
    if (rc || planned <= person->capacity_minutes)
        return rc;
    pmo_key_t k;
    pmo_key_init (&k);
    pmo_key_str (&k, "overallocated");
    pmo_key_str (&k, person->id);
    pmo_key_i32 (&k, monday);
    if (alerts_fire_once (r, &k))
        return PMO_OK;
    Pmo__Overallocation o = PMO__OVERALLOCATION__INIT;
    char text[200];
    snprintf (text, sizeof text, "%s is planned for %lld min in %s, over the weekly capacity of %d min", person->id,
              (long long) planned, week, (int) person->capacity_minutes);
    o.person = person->id;
    o.week = (char *) week;
    o.has_planned_minutes = o.has_capacity_minutes = true;
    o.planned_minutes = (int32_t) planned;
    o.capacity_minutes = person->capacity_minutes;
    o.text = text;
    return events_emit (r, "resource.overallocated", NULL, PMO__EVENT__BODY_OVERALLOCATION, &o);
}

int
handle_allocation_set (req_t *r)
{
    const Pmo__Allocation *q = r->req->allocation_set;
    Pmo__Person *person;
    Pmo__Project *project;
    int32_t monday;
    int rc = pmo_check_code ("person", q->person, &r->reason);
    if (!rc)
        rc = pmo_check_code ("project", q->project, &r->reason);
    if (!rc)
        rc = req_load (r, DB_PEOPLE, q->person, "person", &pmo__person__descriptor, (void **) &person);
    if (!rc)
        rc = req_load (r, DB_PROJECTS, q->project, "project", &pmo__project__descriptor, (void **) &project);
    if (!rc)
        rc = s_week (r, "week", q->week, &monday);
    if (!rc && !q->remove && !q->has_minutes)
        rc = req_fail (r, PMO_EINVAL, "minutes", "minutes: missing (planned minutes in the week)");
    if (!rc && !q->remove)
        rc = pmo_check_range ("minutes", q->minutes, 1, PMO_MAX_CAPACITY_MINUTES, &r->reason);
    if (!rc && !q->remove
        && (project->status == PMO__PROJECT_STATUS__PROJECT_CLOSED
            || project->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED))
        rc = req_fail (r, PMO_ESTATE, "project", "project %s is %s: no new allocations", project->code,
                       pmo_wire_status_name (project->status));
    if (rc)
        return rc;
    char week[9];
    pmo_date_format_iso_week (monday, week);  /* canonical form */
    pmo_key_t k;
    s_key (&k, person->id, monday, project->code);
    Pmo__Allocation *old = NULL;
    rc = tables_get (r->txn, DB_ALLOCATIONS, &k, &pmo__allocation__descriptor, (void **) &old);
    if (rc && rc != PMO_ENOTFOUND)
        return req_fail (r, rc, "", "allocation: %s", pmo_strerror (rc));
    req_keep (r, old);
    Pmo__Allocation a = PMO__ALLOCATION__INIT;
    a.person = person->id;
    a.project = project->code;
    a.week = week;
    a.has_previous_minutes = true;
    a.previous_minutes = old ? old->minutes : 0;
    if (q->remove) {
        if (!old)
            return req_fail (r, PMO_ENOTFOUND, "week", "allocation of %s to %s in %s: not found", person->id,
                             project->code, week);
        rc = pmo_del (r->txn, DB_ALLOCATIONS, k.buf, k.len);
        if (rc)
            return req_fail (r, rc, "", "allocation: %s", pmo_strerror (rc));
        a.has_remove = a.remove = true;
        a.has_minutes = true;
        a.minutes = 0;
        return events_emit (r, "allocation.removed", project->code, PMO__EVENT__BODY_ALLOCATION, &a);
    }
    a.has_minutes = true;
    a.minutes = q->minutes;
    Pmo__Allocation stored = a;
    stored.has_previous_minutes = false;
    rc = tables_put (r->txn, DB_ALLOCATIONS, &k, &stored, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "allocation: %s", pmo_strerror (rc));
    rc = events_emit (r, "allocation.set", project->code, PMO__EVENT__BODY_ALLOCATION, &a);
    return rc ? rc : s_check_overallocation (r, person, monday, week);
}

/* ---- the planned-load view ------------------------------------------------------ */

typedef struct {
    Pmo__ResourceView *view;
    size_t cap;
    const char *filter_project;
    char person[PMO_MAX_CODE_LEN + 1];   /* capacity cache: last person read */
    bool has_capacity;
    int32_t capacity;
} s_view_t;

static void
s_capacity (req_t *r, s_view_t *sv, const char *person)
{
    if (streq (sv->person, person))
        return;
    pmo_strlcpy (sv->person, person, sizeof sv->person);
    sv->has_capacity = false;
    Pmo__Person *p = NULL;
    pmo_key_t k;
    tables_key_code (&k, person);
    if (tables_get (r->txn, DB_PEOPLE, &k, &pmo__person__descriptor, (void **) &p) == PMO_OK) {
        sv->has_capacity = p->has_capacity_minutes && p->capacity_minutes > 0;
        sv->capacity = p->capacity_minutes;
    }
    pmo_wire_free (p);
}

static Pmo__ResourceRow *
s_row (req_t *r, s_view_t *sv, const Pmo__Allocation *a)
{
    Pmo__ResourceView *v = sv->view;
    if (v->n_rows) {
        Pmo__ResourceRow *last = v->rows[v->n_rows - 1];
        if (streq (last->person, a->person) && streq (last->week, a->week))
            return last;
    }
    if (v->n_rows == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 64;
        Pmo__ResourceRow **grown = req_keep_mem (r, pmo_malloc (sv->cap * sizeof *grown));
        if (v->n_rows)
            memcpy (grown, v->rows, v->n_rows * sizeof *grown);
        v->rows = grown;
    }
    Pmo__ResourceRow *row = v->rows[v->n_rows++] = req_keep_mem (r, pmo_malloc (sizeof *row));
    pmo__resource_row__init (row);
    row->person = a->person;
    row->week = a->week;
    row->has_planned_minutes = true;
    s_capacity (r, sv, a->person);
    row->has_capacity_minutes = sv->has_capacity;
    row->capacity_minutes = sv->capacity;
    row->has_overallocated = true;
    return row;
}

static void
s_add (req_t *r, Pmo__ResourceRow *row, Pmo__Allocation *a)
{
    /*  A row has few allocations (one per project): grow one at a time. */
    Pmo__Allocation **grown = req_keep_mem (r, pmo_malloc ((row->n_allocations + 1) * sizeof *grown));
    if (row->n_allocations)
        memcpy (grown, row->allocations, row->n_allocations * sizeof *grown);
    grown[row->n_allocations++] = a;
    row->allocations = grown;
    row->planned_minutes += a->minutes;
    row->overallocated = row->has_capacity_minutes && row->planned_minutes > row->capacity_minutes;
}

/*  With a project filter: keeps the person-weeks that have an allocation
 *  on that project (their totals still count every project). */
static void
s_filter (s_view_t *sv)
{
    Pmo__ResourceView *v = sv->view;
    if (!sv->filter_project)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < v->n_rows; i++) {
        const Pmo__ResourceRow *row = v->rows[i];
        for (size_t j = 0; j < row->n_allocations; j++)
            if (streq (row->allocations[j]->project, sv->filter_project)) {
                v->rows[kept++] = v->rows[i];
                break;
            }
    }
    v->n_rows = kept;
}

int
handle_resources (req_t *r)
{
    const Pmo__ResourceQuery *q = r->req->resources;
    int32_t from = INT32_MIN, to = INT32_MAX;
    int rc = PMO_OK;
    if (q->from_week && *q->from_week)
        rc = s_week (r, "from_week", q->from_week, &from);
    if (!rc && q->to_week && *q->to_week)
        rc = s_week (r, "to_week", q->to_week, &to);
    Pmo__Person *person = NULL;
    Pmo__Project *project = NULL;
    if (!rc && q->person && *q->person)
        rc = req_load (r, DB_PEOPLE, q->person, "person", &pmo__person__descriptor, (void **) &person);
    if (!rc && q->project && *q->project)
        rc = req_load (r, DB_PROJECTS, q->project, "project", &pmo__project__descriptor, (void **) &project);
    if (rc)
        return rc;
    s_view_t sv = {0};
    sv.view = req_keep_mem (r, pmo_malloc (sizeof *sv.view));
    pmo__resource_view__init (sv.view);
    sv.filter_project = project ? project->code : NULL;

    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_ALLOCATIONS, &cur);
    if (rc)
        return req_fail (r, rc, "", "allocations: %s", pmo_strerror (rc));
    pmo_key_t prefix;
    pmo_key_init (&prefix);
    if (person)
        pmo_key_str (&prefix, person->id);
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    rc = prefix.len ? pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v) : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v);
    for (; rc == PMO_OK; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < prefix.len || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        size_t plen = strnlen (k.data, k.len) + 1;
        if (plen + 4 > k.len)
            continue;
        int32_t monday = pmo_bei32_get ((const uint8_t *) k.data + plen);
        if (monday < from || monday > to)
            continue;
        Pmo__Allocation *a = pmo_wire_unpack (&pmo__allocation__descriptor, v.data, v.len);
        if (!a)
            continue;
        req_keep (r, a);
        s_add (r, s_row (r, &sv, a), a);
    }
    pmo_cursor_close (&cur);
    s_filter (&sv);
    r->reply->body_case = PMO__REPLY__BODY_RESOURCES;
    r->reply->resources = sv.view;
    return PMO_OK;
}
