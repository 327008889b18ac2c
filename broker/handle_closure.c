/*  handle_closure: closing a project with its closure record.
 *
 *  Only an active project closes, and only with at least one lesson
 *  learned.  pmod computes the outcome from what it stores, never from
 *  what the closer types: actual cost (labour from time entries plus
 *  booked costs) against the BAC of the current baseline and of the
 *  original one (version 1; the plan in force when the project was never
 *  re-baselined), and the actual finish (the last day with a booking, a
 *  progress report or a milestone reached; the closing day when there is
 *  none) against both baseline finishes.  The record, with its lessons, is
 *  stored and the project moves to closed in one transaction. */
#include <stdio.h>

#include "registers.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

#define S_MAX_LESSONS 100

/*  Checks lesson n (1-based); the reason starts "lesson n: ". */
static int
s_check_lesson (req_t *r, size_t n, const Pmo__Lesson *l)
{
    int rc = pmo_check_code ("category", l->category, &r->reason);
    if (!rc)
        rc = gov_text (r, "went_well", l->went_well, PMO_MAX_NOTE_BYTES, false);
    if (!rc)
        rc = gov_text (r, "went_badly", l->went_badly, PMO_MAX_NOTE_BYTES, false);
    if (!rc)
        rc = gov_text (r, "recommendation", l->recommendation, PMO_MAX_NOTE_BYTES, true);
    if (!rc && !(l->went_well && *l->went_well) && !(l->went_badly && *l->went_badly))
        rc = req_fail (r, PMO_EINVAL, "went_well", "went_well: missing, as is went_badly (give either)");
    if (rc) {
        char text[sizeof r->reason.text];
        snprintf (text, sizeof text, "lesson %zu: %.180s", n % 1000, r->reason.text);
        pmo_strlcpy (r->reason.text, text, sizeof r->reason.text);
    }
    return rc;
}

/*  The last day with a booking or progress (daily totals), or INT32_MIN. */
static int32_t
s_last_activity (req_t *r, const char *code)
{
    pmo_cursor_t *cur;
    if (pmo_cursor_open (r->txn, DB_DAILY, &cur))
        return INT32_MIN;
    pmo_key_t prefix, probe;
    tables_key_code (&prefix, code);
    tables_key_day (&probe, code, INT32_MAX);
    pmo_val_t k = {probe.buf, probe.len}, v;
    int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v);
    rc = rc == PMO_OK ? pmo_cursor_get (cur, PMO_CURSOR_PREV, &k, &v)
                      : pmo_cursor_get (cur, PMO_CURSOR_LAST, &k, &v);
    int32_t last = INT32_MIN;
    /*  A day whose every entry was voided or moved keeps its (empty)
     *  record: it is no day of activity, so look further back. */
    for (; rc == PMO_OK && k.len == prefix.len + 4 && memcmp (k.data, prefix.buf, prefix.len) == 0;
         rc = pmo_cursor_get (cur, PMO_CURSOR_PREV, &k, &v)) {
        Pmo__ProjectTotals *t = pmo_wire_unpack (&pmo__project_totals__descriptor, v.data, v.len);
        bool active = !t || t->time_entries || t->cost_entries || t->progress_updates;
        pmo_wire_free (t);
        if (active) {
            last = pmo_bei32_get ((const uint8_t *) k.data + prefix.len);
            break;
        }
    }
    pmo_cursor_close (&cur);
    return last;
}

static int
s_actual_finish (req_t *r, const Pmo__Project *p, int32_t today, int32_t *finish)
{
    figures_t f;
    int rc = analytics_project (r, p, today, &f);
    if (rc)
        return rc;
    int32_t last = s_last_activity (r, p->code);
    for (size_t i = 0; i < f.n_milestones; i++) {
        int32_t day;
        if (f.milestones[i]->actual && pmo_date_parse (f.milestones[i]->actual, &day) == PMO_OK && day > last)
            last = day;
    }
    *finish = last == INT32_MIN ? today : last;
    return PMO_OK;
}

/*  b - a in days, both valid dates (checked when stored). */
static int32_t
s_days (const char *a, const char *b)
{
    int32_t x = 0, y = 0;
    pmo_date_parse (a, &x);
    pmo_date_parse (b, &y);
    return y - x;
}

static int
s_outcome (req_t *r, const Pmo__Project *p, Pmo__ClosureRecord *cr, char *dates)
{
    int32_t today = pmo_date_from_ms (r->now_ms), finish;
    Pmo__Baseline *latest, *first;
    int rc = gov_baseline_latest (r, p->code, &latest);
    if (!rc)
        rc = gov_baseline_first (r, p->code, &first);
    if (!rc)
        rc = s_actual_finish (r, p, today, &finish);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_code (&k, p->code);
    Pmo__ProjectTotals *t = NULL;
    int64_t ac = 0;
    if (tables_get (r->txn, DB_TOTALS, &k, &pmo__project_totals__descriptor, (void **) &t) == PMO_OK) {
        req_keep (r, t);
        if (pmo_i64_add (t->labour_minor, t->cost_minor, &ac) != PMO_OK)
            return req_fail (r, PMO_EOVERFLOW, "", "actual cost of %s overflows", p->code);
    }
    /*  The project's budget and finish are the current baseline: once under
     *  change control they change only with a new version. */
    int64_t original_bac = first ? first->bac_minor : p->bac_minor;
    const char *original_finish = first ? first->finish : p->finish;
    char *closed_on = dates, *actual = dates + 11;
    pmo_date_format (today, closed_on);
    pmo_date_format (finish, actual);
    cr->closed_on = closed_on;
    cr->currency = p->currency;
    cr->has_actual_cost_minor = cr->has_bac_minor = cr->has_original_bac_minor = true;
    cr->actual_cost_minor = ac;
    cr->bac_minor = p->bac_minor;
    cr->original_bac_minor = original_bac;
    cr->has_cost_variance_minor = cr->has_original_cost_variance_minor = true;
    if (pmo_i64_sub (p->bac_minor, ac, &cr->cost_variance_minor) != PMO_OK
        || pmo_i64_sub (original_bac, ac, &cr->original_cost_variance_minor) != PMO_OK)
        return req_fail (r, PMO_EOVERFLOW, "", "cost variance of %s overflows", p->code);
    cr->actual_finish = actual;
    cr->baseline_finish = p->finish;
    cr->original_finish = (char *) original_finish;
    cr->has_slip_days = cr->has_original_slip_days = true;
    cr->slip_days = s_days (p->finish, actual);
    cr->original_slip_days = s_days (original_finish, actual);
    cr->has_baseline_version = true;
    cr->baseline_version = latest ? latest->version : 1;
    cr->has_percent_bp = true;
    cr->percent_bp = p->percent_bp;
    return PMO_OK;
}

int
handle_project_close (req_t *r)
{
    const Pmo__ProjectClose *q = r->req->project_close;
    Pmo__Project *p;
    int rc = gov_project (r, q->code, &p);
    if (rc)
        return rc;
    const char *from = pmo_wire_status_name (p->status);
    if (p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED)
        return req_fail (r, PMO_ESTATE, "status", "status: project %s is already closed", p->code);
    if (p->status != PMO__PROJECT_STATUS__PROJECT_ACTIVE)
        return req_fail (r, PMO_ESTATE, "status", "status: project %s cannot go from %s to closed", p->code, from);
    if (q->n_lessons == 0)
        return req_fail (r, PMO_EINVAL, "lessons",
                         "lessons: closing project %s needs at least one lesson learned", p->code);
    if (q->n_lessons > S_MAX_LESSONS)
        return req_fail (r, PMO_EINVAL, "lessons", "lessons: %zu given; at most %d", q->n_lessons, S_MAX_LESSONS);
    rc = gov_text (r, "summary", q->summary, PMO_MAX_NOTE_BYTES, false);
    for (size_t i = 0; !rc && i < q->n_lessons; i++)
        rc = s_check_lesson (r, i + 1, q->lessons[i]);
    if (rc)
        return rc;

    Pmo__ClosureRecord cr = PMO__CLOSURE_RECORD__INIT;
    char dates[22];
    rc = s_outcome (r, p, &cr, dates);
    if (rc)
        return rc;
    cr.project = p->code;
    cr.has_closed_ms = true;
    cr.closed_ms = r->now_ms;
    cr.closed_by = (char *) r->actor;
    cr.summary = q->summary && *q->summary ? q->summary : NULL;
    Pmo__Lesson *lessons = req_keep_mem (r, pmo_calloc (q->n_lessons, sizeof *lessons));
    cr.lessons = req_keep_mem (r, pmo_calloc (q->n_lessons, sizeof *cr.lessons));
    for (size_t i = 0; i < q->n_lessons; i++) {
        lessons[i] = *q->lessons[i];
        lessons[i].project = p->code;
        lessons[i].has_number = true;
        lessons[i].number = (uint32_t) i + 1;
        lessons[i].closed_on = cr.closed_on;
        if (lessons[i].went_well && !*lessons[i].went_well)
            lessons[i].went_well = NULL;
        if (lessons[i].went_badly && !*lessons[i].went_badly)
            lessons[i].went_badly = NULL;
        cr.lessons[i] = &lessons[i];
    }
    cr.n_lessons = q->n_lessons;

    pmo_key_t k;
    tables_key_code (&k, p->code);
    rc = tables_put (r->txn, DB_CLOSURES, &k, &cr, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store the closure of %s: %s", p->code, pmo_strerror (rc));
    Pmo__Project np = *p;
    np.status = PMO__PROJECT_STATUS__PROJECT_CLOSED;
    np.has_updated_ms = true;
    np.updated_ms = r->now_ms;
    rc = tables_put (r->txn, DB_PROJECTS, &k, &np, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store project %s: %s", p->code, pmo_strerror (rc));
    rc = events_emit (r, "project.updated", p->code, PMO__EVENT__BODY_PROJECT_RECORD, &np);
    return rc ? rc : events_emit (r, "project.closed", p->code, PMO__EVENT__BODY_CLOSURE, &cr);
}
