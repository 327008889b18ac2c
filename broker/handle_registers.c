/*  handle_registers: reads of the governance registers (one request,
 *  register_query, by kind): a project's risks, issues, change requests
 *  and baseline versions; the portfolio's risk heat map; lessons learned
 *  across the portfolio; a project's closure record.  Read txn only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "registers.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

/*  A growable array of pointers owned by the req. */
typedef struct {
    void **items;
    size_t n, cap;
} s_vec_t;

static void
s_push (req_t *r, s_vec_t *v, void *p)
{
    if (v->n == v->cap) {
        void **old = v->items;
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = req_keep_mem (r, pmo_malloc (v->cap * sizeof *v->items));
        if (old)
            memcpy (v->items, old, v->n * sizeof *old);
    }
    v->items[v->n++] = p;
}

/*  Calls keep(msg) for every value of db under prefix (all when prefix is
 *  NULL), decoded and kept by r; keep returns false to drop it. */
static int
s_scan (req_t *r, unsigned db, const pmo_key_t *prefix, const ProtobufCMessageDescriptor *d,
        bool (*keep) (req_t *r, void *msg, void *arg), void *arg, s_vec_t *out)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, db, &cur);
    if (rc)
        return req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));
    pmo_val_t k = {prefix ? prefix->buf : NULL, prefix ? prefix->len : 0}, v;
    rc = prefix ? pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v) : pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v);
    for (; rc == PMO_OK; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (prefix && (k.len < prefix->len || memcmp (k.data, prefix->buf, prefix->len) != 0))
            break;
        void *msg = pmo_wire_unpack (d, v.data, v.len);
        if (!msg) {
            pmo_cursor_close (&cur);
            return req_fail (r, PMO_ECORRUPT, "", "a stored %s does not decode", d->short_name);
        }
        req_keep (r, msg);
        if (!keep || keep (r, msg, arg))
            s_push (r, out, msg);
    }
    pmo_cursor_close (&cur);
    return rc == PMO_ENOTFOUND || rc == PMO_OK ? PMO_OK : req_fail (r, rc, "", "cannot read: %s", pmo_strerror (rc));
}

/*  ---- a project's items ------------------------------------------------------ */

typedef struct {
    int status;                 /* 0: any */
    uint32_t id;                /* 0: any */
} s_filter_t;

static bool
s_keep_risk (req_t *r, void *msg, void *arg)
{
    (void) r;
    const Pmo__Risk *x = msg;
    const s_filter_t *f = arg;
    return (!f->status || (int) x->status == f->status) && (!f->id || x->id == f->id);
}

static bool
s_keep_issue (req_t *r, void *msg, void *arg)
{
    (void) r;
    const Pmo__Issue *x = msg;
    const s_filter_t *f = arg;
    return (!f->status || (int) x->status == f->status) && (!f->id || x->id == f->id);
}

static bool
s_keep_change (req_t *r, void *msg, void *arg)
{
    (void) r;
    const Pmo__ChangeRequest *x = msg;
    const s_filter_t *f = arg;
    return (!f->status || (int) x->status == f->status) && (!f->id || x->id == f->id);
}

/*  A project's items of one register, filtered by status and id.  One id
 *  asked for and absent is NOT_FOUND. */
static int
s_items (req_t *r, const Pmo__RegisterQuery *q, unsigned db, const char *what,
         const ProtobufCEnumDescriptor *statuses, const ProtobufCMessageDescriptor *d,
         bool (*keep) (req_t *, void *, void *), s_vec_t *out)
{
    Pmo__Project *p;
    int rc = gov_project (r, q->project, &p);
    if (rc)
        return rc;
    s_filter_t f = {0, q->has_id ? q->id : 0};
    if (q->status && *q->status) {
        f.status = pmo_wire_enum_parse (statuses, q->status);
        if (f.status < 0)
            return req_fail (r, PMO_EINVAL, "status", "status: \"%.40s\" is not a %s status", q->status, what);
    }
    pmo_key_t prefix;
    tables_key_code (&prefix, p->code);
    rc = s_scan (r, db, &prefix, d, keep, &f, out);
    if (!rc && f.id && out->n == 0)
        rc = req_fail (r, PMO_ENOTFOUND, "id", "%s %s/%u: not found", what, p->code, (unsigned) f.id);
    return rc;
}

static int
s_baselines (req_t *r, const Pmo__RegisterQuery *q, s_vec_t *out)
{
    Pmo__Project *p;
    int rc = gov_project (r, q->project, &p);
    if (rc)
        return rc;
    pmo_key_t prefix;
    tables_key_code (&prefix, p->code);
    rc = s_scan (r, DB_BASELINES, &prefix, &pmo__baseline__descriptor, NULL, NULL, out);
    if (rc || out->n)
        return rc;
    /*  Not yet under change control: version 1 is the plan in force. */
    Pmo__Baseline *b;
    rc = gov_baseline_from_project (r, p, 1, &b);
    if (rc)
        return rc;
    b->has_provisional = true;
    b->provisional = true;
    s_push (r, out, b);
    return PMO_OK;
}

/*  ---- the heat map ------------------------------------------------------------- */

typedef struct {
    const char *project;        /* only this project, or NULL */
    const char *programme;      /* only projects of this programme, or NULL */
    const char *cached;         /* the project last looked up */
    bool cached_in;             /* whether it counts */
} s_heat_t;

static bool
s_keep_heat (req_t *r, void *msg, void *arg)
{
    const Pmo__Risk *x = msg;
    s_heat_t *h = arg;
    if (x->status != PMO__RISK_STATUS__RISK_OPEN && x->status != PMO__RISK_STATUS__RISK_MITIGATING)
        return false;
    if (h->project && !streq (x->project, h->project))
        return false;
    /*  Keys are ordered by project: one lookup per project. */
    if (!h->cached || !streq (h->cached, x->project)) {
        h->cached = x->project;
        Pmo__Project *p = NULL;
        pmo_key_t k;
        tables_key_code (&k, x->project);
        h->cached_in = false;
        if (tables_get (r->txn, DB_PROJECTS, &k, &pmo__project__descriptor, (void **) &p) == PMO_OK) {
            req_keep (r, p);
            /*  A closed or cancelled project's risks are history, not exposure. */
            h->cached_in = !gov_project_is_over (p)
                           && (!h->programme || (p->programme && streq (p->programme, h->programme)));
        }
    }
    return h->cached_in;
}

/*  Highest score first, then project and id. */
static int
s_risk_cmp (const void *a, const void *b)
{
    const Pmo__Risk *x = *(Pmo__Risk *const *) a, *y = *(Pmo__Risk *const *) b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp (x->project, y->project);
    if (c)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int
s_heatmap (req_t *r, const Pmo__RegisterQuery *q, Pmo__Registers *view, s_vec_t *risks)
{
    s_heat_t h = {0};
    void *ref;
    int rc = PMO_OK;
    if (q->programme && *q->programme) {
        rc = pmo_check_code ("programme", q->programme, &r->reason);
        if (!rc)
            rc = req_load (r, DB_PROGRAMMES, q->programme, "programme", &pmo__programme__descriptor, &ref);
        h.programme = q->programme;
    }
    if (!rc && q->project && *q->project) {
        rc = gov_project (r, q->project, (Pmo__Project **) &ref);
        h.project = q->project;
    }
    if (!rc)
        rc = s_scan (r, DB_RISKS, NULL, &pmo__risk__descriptor, s_keep_heat, &h, risks);
    if (rc)
        return rc;
    if (risks->n > 1)
        qsort (risks->items, risks->n, sizeof *risks->items, s_risk_cmp);
    Pmo__HeatCell *cells = req_keep_mem (r, pmo_calloc (25, sizeof *cells));
    view->heatmap = req_keep_mem (r, pmo_calloc (25, sizeof *view->heatmap));
    view->n_heatmap = 25;
    for (int pr = 5, n = 0; pr >= 1; pr--)
        for (int im = 1; im <= 5; im++, n++) {
            pmo__heat_cell__init (&cells[n]);
            cells[n].has_probability = cells[n].has_impact = cells[n].has_score = cells[n].has_count = true;
            cells[n].probability = pr;
            cells[n].impact = im;
            cells[n].score = pr * im;
            view->heatmap[n] = &cells[n];
        }
    for (size_t i = 0; i < risks->n; i++) {
        const Pmo__Risk *x = risks->items[i];
        if (x->probability >= 1 && x->probability <= 5 && x->impact >= 1 && x->impact <= 5)
            cells[(5 - x->probability) * 5 + (x->impact - 1)].count++;
    }
    view->has_counted = true;
    view->counted = (uint32_t) risks->n;
    return PMO_OK;
}

/*  ---- lessons ---------------------------------------------------------------------- */

/*  True when needle occurs in hay, ignoring ASCII case. */
static bool
s_contains (const char *hay, const char *needle, size_t n)
{
    if (!hay)
        return false;
    for (; *hay; hay++)
        if (strncasecmp (hay, needle, n) == 0)
            return true;
    return false;
}

/*  Every blank-separated word of text occurs in one of the lesson's texts. */
static bool
s_lesson_matches (const Pmo__Lesson *l, const char *category, const char *text)
{
    if (category && *category && !(l->category && strcasecmp (l->category, category) == 0))
        return false;
    for (const char *w = text; w && *w;) {
        while (*w == ' ' || *w == '\t')
            w++;
        size_t n = strcspn (w, " \t");
        if (n && !s_contains (l->category, w, n) && !s_contains (l->went_well, w, n)
            && !s_contains (l->went_badly, w, n) && !s_contains (l->recommendation, w, n))
            return false;
        w += n;
    }
    return true;
}

static int
s_lessons (req_t *r, const Pmo__RegisterQuery *q, s_vec_t *out)
{
    int rc = gov_text (r, "category", q->category, PMO_MAX_NAME_BYTES, false);
    if (!rc)
        rc = gov_text (r, "text", q->text, PMO_MAX_NOTE_BYTES, false);
    s_vec_t closures = {0};
    if (!rc)
        rc = s_scan (r, DB_CLOSURES, NULL, &pmo__closure_record__descriptor, NULL, NULL, &closures);
    if (rc)
        return rc;
    for (size_t i = 0; i < closures.n; i++) {
        const Pmo__ClosureRecord *c = closures.items[i];
        for (size_t j = 0; j < c->n_lessons; j++)
            if (s_lesson_matches (c->lessons[j], q->category, q->text))
                s_push (r, out, c->lessons[j]);
    }
    return PMO_OK;
}

static int
s_closure (req_t *r, const Pmo__RegisterQuery *q, Pmo__Registers *view)
{
    Pmo__Project *p;
    int rc = gov_project (r, q->project, &p);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_code (&k, p->code);
    rc = tables_get (r->txn, DB_CLOSURES, &k, &pmo__closure_record__descriptor, (void **) &view->closure);
    if (rc == PMO_ENOTFOUND)
        return req_fail (r, rc, "project", "project %s has no closure record (it is %s)", p->code,
                         pmo_wire_status_name (p->status));
    if (rc)
        return req_fail (r, rc, "project", "closure of %s: %s", p->code, pmo_strerror (rc));
    req_keep (r, view->closure);
    return PMO_OK;
}

int
handle_register_query (req_t *r)
{
    const Pmo__RegisterQuery *q = r->req->register_query;
    Pmo__Registers *view = req_keep_mem (r, pmo_malloc (sizeof *view));
    pmo__registers__init (view);
    view->has_kind = true;
    view->kind = q->kind;
    s_vec_t v = {0};
    int rc;
    switch (q->kind) {
    case PMO__REGISTER_KIND__REGISTER_RISKS:
        rc = s_items (r, q, DB_RISKS, "risk", &pmo__risk_status__descriptor, &pmo__risk__descriptor, s_keep_risk,
                      &v);
        view->risks = (Pmo__Risk **) v.items;
        view->n_risks = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_ISSUES:
        rc = s_items (r, q, DB_ISSUES, "issue", &pmo__issue_status__descriptor, &pmo__issue__descriptor,
                      s_keep_issue, &v);
        view->issues = (Pmo__Issue **) v.items;
        view->n_issues = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_CHANGES:
        rc = s_items (r, q, DB_CHANGES, "change request", &pmo__change_status__descriptor,
                      &pmo__change_request__descriptor, s_keep_change, &v);
        view->changes = (Pmo__ChangeRequest **) v.items;
        view->n_changes = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_BASELINES:
        rc = s_baselines (r, q, &v);
        view->baselines = (Pmo__Baseline **) v.items;
        view->n_baselines = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_HEATMAP:
        rc = s_heatmap (r, q, view, &v);
        view->risks = (Pmo__Risk **) v.items;
        view->n_risks = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_LESSONS:
        rc = s_lessons (r, q, &v);
        view->lessons = (Pmo__Lesson **) v.items;
        view->n_lessons = v.n;
        break;
    case PMO__REGISTER_KIND__REGISTER_CLOSURE:
        rc = s_closure (r, q, view);
        break;
    default:
        return req_fail (r, PMO_EINVAL, "kind", "register query: unknown kind %d", (int) q->kind);
    }
    if (rc)
        return rc;
    r->reply->body_case = PMO__REPLY__BODY_REGISTERS;
    r->reply->registers = view;
    return PMO_OK;
}
