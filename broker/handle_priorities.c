/*  handle_priorities: the PMO's scoring criteria, a score per project and
 *  criterion, and the ranked portfolio against an available budget line.
 *
 *  A project's score is the sum over the criteria of weight x score, in
 *  integers (an unscored criterion counts 0).  Ranking, per currency (BACs
 *  of different currencies are never added): higher score first, then
 *  lower BAC, then code.  Closed and cancelled projects do not compete.
 *  Cumulative BAC runs down the ranks; with a budget line (in one
 *  currency, and then only that currency's projects are ranked) a project
 *  fits while the cumulative BAC up to and including it stays within the
 *  budget: the line is drawn at the first project that does not fit, and
 *  every project below it is below the line too, however small.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plan.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

#define S_MAX_WEIGHT 100
#define S_MAX_SCORE 10

int
handle_criterion_set (req_t *r)
{
    Pmo__Criterion c = *r->req->criterion_set;
    int rc = pmo_check_code ("name", c.name, &r->reason);
    if (!rc && !c.has_weight)
        rc = req_fail (r, PMO_EINVAL, "weight", "weight: missing (0..%d)", S_MAX_WEIGHT);
    if (!rc)
        rc = pmo_check_range ("weight", c.weight, 0, S_MAX_WEIGHT, &r->reason);
    if (!rc)
        rc = pmo_check_text ("description", c.description, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;
    c.has_updated_ms = true;
    c.updated_ms = r->now_ms;
    pmo_key_t k;
    tables_key_code (&k, c.name);
    if (!c.description) {
        /*  Changing a weight keeps the description. */
        Pmo__Criterion *old = NULL;
        if (tables_get (r->txn, DB_CRITERIA, &k, &pmo__criterion__descriptor, (void **) &old) == PMO_OK)
            c.description = req_keep (r, old) ? old->description : NULL;
    }
    rc = tables_put (r->txn, DB_CRITERIA, &k, &c, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "criterion %s: %s", c.name, pmo_strerror (rc));
    return events_emit (r, "priority.criterion", NULL, PMO__EVENT__BODY_CRITERION, &c);
}

int
handle_score_set (req_t *r)
{
    Pmo__Score s = *r->req->score_set;
    Pmo__Project *p;
    Pmo__Criterion *c;
    int rc = req_load (r, DB_PROJECTS, s.project, "project", &pmo__project__descriptor, (void **) &p);
    if (!rc)
        rc = req_load (r, DB_CRITERIA, s.criterion, "criterion", &pmo__criterion__descriptor, (void **) &c);
    if (!rc && !s.has_value)
        rc = req_fail (r, PMO_EINVAL, "value", "value: missing (0..%d)", S_MAX_SCORE);
    if (!rc)
        rc = pmo_check_range ("value", s.value, 0, S_MAX_SCORE, &r->reason);
    if (rc)
        return rc;
    s.has_updated_ms = true;
    s.updated_ms = r->now_ms;
    pmo_key_t k;
    pmo_key_init (&k);
    pmo_key_str (&k, s.project);
    pmo_key_str (&k, s.criterion);
    rc = tables_put (r->txn, DB_SCORES, &k, &s, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "score: %s", pmo_strerror (rc));
    return events_emit (r, "priority.score", s.project, PMO__EVENT__BODY_SCORE, &s);
}

/* ---- the ranked list ------------------------------------------------------------- */

typedef struct {
    Pmo__Criterion **items;
    size_t n;
} s_criteria_t;

static int
s_load_criteria (req_t *r, s_criteria_t *cs)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_CRITERIA, &cur);
    if (rc)
        return req_fail (r, rc, "", "criteria: %s", pmo_strerror (rc));
    size_t cap = 0;
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Criterion *c = pmo_wire_unpack (&pmo__criterion__descriptor, v.data, v.len);
        if (!c)
            continue;
        if (cs->n == cap) {
            cap = cap ? cap * 2 : 8;
            Pmo__Criterion **grown = req_keep_mem (r, pmo_malloc (cap * sizeof *grown));
            if (cs->n)
                memcpy (grown, cs->items, cs->n * sizeof *grown);
            cs->items = grown;
        }
        cs->items[cs->n++] = req_keep (r, c);
    }
    pmo_cursor_close (&cur);
    return PMO_OK;
}

static int32_t
s_weight (const s_criteria_t *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (streq (cs->items[i]->name, name))
            return cs->items[i]->weight;
    return 0;
}

/*  The project's scores (kept by r) and their weighted sum. */
static void
s_score (req_t *r, const s_criteria_t *cs, Pmo__PriorityRow *row)
{
    pmo_key_t prefix;
    tables_key_code (&prefix, row->project);
    pmo_cursor_t *cur;
    if (pmo_cursor_open (r->txn, DB_SCORES, &cur))
        return;
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    for (int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len < prefix.len || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        Pmo__Score *s = pmo_wire_unpack (&pmo__score__descriptor, v.data, v.len);
        if (!s)
            continue;
        req_keep (r, s);
        Pmo__Score **grown = req_keep_mem (r, pmo_malloc ((row->n_scores + 1) * sizeof *grown));
        if (row->n_scores)
            memcpy (grown, row->scores, row->n_scores * sizeof *grown);
        grown[row->n_scores++] = s;
        row->scores = grown;
        row->score += (int64_t) s_weight (cs, s->criterion) * s->value;
    }
    pmo_cursor_close (&cur);
}

/*  Currency, then higher score, lower BAC, code: a total order, so the
 *  list is the same on every run. */
static int
s_rank_cmp (const void *a, const void *b)
{
    const Pmo__PriorityRow *x = *(Pmo__PriorityRow *const *) a, *y = *(Pmo__PriorityRow *const *) b;
    int c = strcmp (x->currency, y->currency);
    if (c)
        return c;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->bac_minor != y->bac_minor)
        return x->bac_minor < y->bac_minor ? -1 : 1;
    return strcmp (x->project, y->project);
}

int
handle_priorities (req_t *r)
{
    const Pmo__PriorityQuery *q = r->req->priorities;
    const char *only = q->currency && *q->currency ? q->currency : NULL;
    if (only && !pmo_currency_valid (only))
        return req_fail (r, PMO_EINVAL, "currency", "currency: \"%.8s\" is not an ISO 4217 currency code", only);
    if (q->has_budget_minor && !only)
        return req_fail (r, PMO_EINVAL, "currency", "currency: missing; a budget line is in one currency");
    int rc = q->has_budget_minor ? pmo_check_range ("budget", q->budget_minor, 0, PMO_MAX_AMOUNT_MINOR, &r->reason)
                                 : PMO_OK;
    s_criteria_t cs = {0};
    if (!rc)
        rc = s_load_criteria (r, &cs);
    if (rc)
        return rc;
    Pmo__PriorityView *view = req_keep_mem (r, pmo_malloc (sizeof *view));
    pmo__priority_view__init (view);
    view->criteria = cs.items;
    view->n_criteria = cs.n;
    view->has_max_score = true;
    for (size_t i = 0; i < cs.n; i++)
        view->max_score += (int64_t) cs.items[i]->weight * S_MAX_SCORE;
    view->currency = (char *) only;
    view->has_budget_minor = q->has_budget_minor;
    view->budget_minor = q->budget_minor;

    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_PROJECTS, &cur);
    if (rc)
        return req_fail (r, rc, "", "projects: %s", pmo_strerror (rc));
    size_t cap = 0;
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Project *p = pmo_wire_unpack (&pmo__project__descriptor, v.data, v.len);
        if (!p)
            continue;
        req_keep (r, p);
        if (p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED || p->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED
            || !p->currency || (only && !streq (p->currency, only)))
            continue;
        if (view->n_rows == cap) {
            cap = cap ? cap * 2 : 64;
            Pmo__PriorityRow **grown = req_keep_mem (r, pmo_malloc (cap * sizeof *grown));
            if (view->n_rows)
                memcpy (grown, view->rows, view->n_rows * sizeof *grown);
            view->rows = grown;
        }
        Pmo__PriorityRow *row = view->rows[view->n_rows++] = req_keep_mem (r, pmo_malloc (sizeof *row));
        pmo__priority_row__init (row);
        row->project = p->code;
        row->name = p->name;
        row->has_status = true;
        row->status = p->status;
        row->has_score = row->has_bac_minor = row->has_cumulative_minor = row->has_rank = true;
        row->bac_minor = p->bac_minor;
        row->currency = p->currency;
    }
    pmo_cursor_close (&cur);
    for (size_t i = 0; i < view->n_rows; i++)
        s_score (r, &cs, view->rows[i]);
    if (view->n_rows)
        qsort (view->rows, view->n_rows, sizeof *view->rows, s_rank_cmp);

    /*  Ranks and cumulative BAC restart with each currency.  BACs are at
     *  most 10^15, so 9,000 of them fit int64; past that it saturates. */
    uint32_t rank = 0;
    int64_t cumulative = 0;
    bool below_line = false;
    for (size_t i = 0; i < view->n_rows; i++) {
        Pmo__PriorityRow *row = view->rows[i];
        if (i == 0 || !streq (row->currency, view->rows[i - 1]->currency)) {
            rank = 0;
            cumulative = 0;
        }
        row->rank = ++rank;
        cumulative = row->bac_minor > INT64_MAX - cumulative ? INT64_MAX : cumulative + row->bac_minor;
        row->cumulative_minor = cumulative;
        if (q->has_budget_minor) {
            below_line = below_line || cumulative > q->budget_minor;
            row->has_fits = true;
            row->fits = !below_line;
        }
    }
    r->reply->body_case = PMO__REPLY__BODY_PRIORITIES;
    r->reply->priorities = view;
    return PMO_OK;
}
