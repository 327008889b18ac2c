/*  handle_templates: project templates, versioned, and their instantiation
 *  when a project is created from one.
 *
 *  A template is a named set of milestones (offset in days from the project
 *  start, weight), a life cycle of phases whose gates carry checklists, and
 *  an optional RAG policy.  Adding a template of an existing name stores
 *  the next version (1, 2, ...); earlier versions stay readable and
 *  instantiable.  Stored versions never change.
 *
 *  Instantiation happens in project_add's txn: the project records the
 *  template name and version and a copy of the template's RAG policy (so a
 *  later version never changes an existing project), then its milestones
 *  and its life cycle are created, each an event.  Everything is checked
 *  before the first write, so a refusal leaves nothing behind.
 */
#include <stdio.h>

#include "plan.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

#define S_MAX_MILESTONES 100
#define S_MAX_PHASES 20
#define S_MAX_CHECKLIST 32
#define S_MAX_RAG_KEYS 16
#define S_MAX_OFFSET_DAYS 36500   /* a century */

static void
s_key (pmo_key_t *k, const char *name, uint32_t version)
{
    pmo_key_init (k);
    pmo_key_str (k, name);
    pmo_key_u64 (k, version);
}

/*  The newest version of name (0 when there is none). */
static uint32_t
s_newest (pmo_txn_t *txn, const char *name)
{
    pmo_key_t k;
    s_key (&k, name, UINT32_MAX);
    size_t prefix = k.len - 8;
    pmo_cursor_t *cur;
    if (pmo_cursor_open (txn, DB_TEMPLATES, &cur))
        return 0;
    uint32_t newest = 0;
    pmo_val_t key = {k.buf, k.len}, val;
    /*  Versions sort after the name: the last key <= name\0 + max. */
    int rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &key, &val);
    rc = rc == PMO_OK ? pmo_cursor_get (cur, PMO_CURSOR_PREV, &key, &val)
                      : pmo_cursor_get (cur, PMO_CURSOR_LAST, &key, &val);
    if (rc == PMO_OK && key.len == prefix + 8 && memcmp (key.data, k.buf, prefix) == 0)
        newest = (uint32_t) pmo_be64_get ((const uint8_t *) key.data + prefix);
    pmo_cursor_close (&cur);
    return newest;
}

/*  Loads version (0: newest) of template name, kept by r. */
static int
s_load (req_t *r, const char *name, uint32_t version, Pmo__Template **tpl_p)
{
    *tpl_p = NULL;
    int rc = pmo_check_code ("template", name, &r->reason);
    if (rc)
        return rc;
    uint32_t newest = s_newest (r->txn, name);
    if (newest == 0)
        return req_fail (r, PMO_ENOTFOUND, "template", "template %s: not found", name);
    if (version == 0)
        version = newest;
    if (version > newest)
        return req_fail (r, PMO_ENOTFOUND, "version", "template %s version %u: not found (the newest is %u)", name,
                         (unsigned) version, (unsigned) newest);
    pmo_key_t k;
    s_key (&k, name, version);
    rc = tables_get (r->txn, DB_TEMPLATES, &k, &pmo__template__descriptor, (void **) tpl_p);
    if (rc)
        return req_fail (r, rc, "template", "template %s version %u: %s", name, (unsigned) version,
                         pmo_strerror (rc));
    req_keep (r, *tpl_p);
    return PMO_OK;
}

/* ---- the RAG policy of a template ---------------------------------------------- */

static void
s_policy_msg (const pmo_health_policy_t *h, Pmo__Policy *m)
{
    pmo__policy__init (m);
    m->has_cpi_amber_bp = m->has_cpi_red_bp = m->has_spi_amber_bp = m->has_spi_red_bp = true;
    m->has_overspend_amber_bp = m->has_overspend_red_bp = m->has_missed_amber = m->has_missed_red = true;
    m->cpi_amber_bp = h->cpi_amber_bp;
    m->cpi_red_bp = h->cpi_red_bp;
    m->spi_amber_bp = h->spi_amber_bp;
    m->spi_red_bp = h->spi_red_bp;
    m->overspend_amber_bp = h->overspend_amber_bp;
    m->overspend_red_bp = h->overspend_red_bp;
    m->missed_amber = h->missed_amber;
    m->missed_red = h->missed_red;
}

const pmo_health_policy_t *
governance_rag_policy (const Pmo__Project *p, const pmo_health_policy_t *global, pmo_health_policy_t *own)
{
    const Pmo__Policy *m = p->rag_policy;
    if (!m)
        return global;
    *own = (pmo_health_policy_t) {
        .cpi_amber_bp = m->cpi_amber_bp, .cpi_red_bp = m->cpi_red_bp,
        .spi_amber_bp = m->spi_amber_bp, .spi_red_bp = m->spi_red_bp,
        .overspend_amber_bp = m->overspend_amber_bp, .overspend_red_bp = m->overspend_red_bp,
        .missed_amber = m->missed_amber, .missed_red = m->missed_red,
    };
    return own;
}

/*  The template's keys applied to the built-in defaults.  Keys are applied
 *  in passes until none is left, so the file's order does not matter
 *  (tightening amber before red and the reverse both work); a key that can
 *  never apply is refused with its own reason. */
static int
s_rag (req_t *r, Pmo__PolicyEntry *const *entries, size_t n, pmo_health_policy_t *h)
{
    if (n > S_MAX_RAG_KEYS)
        return req_fail (r, PMO_EINVAL, "rag", "rag: %zu keys, at most %d", n, S_MAX_RAG_KEYS);
    pmo_health_policy_default (h);
    bool done[S_MAX_RAG_KEYS] = {false};
    size_t left = n;
    for (bool progress = true; left && progress;) {
        progress = false;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            const char *key = entries[i]->key, *value = entries[i]->value;
            if (!key || !value)
                return req_fail (r, PMO_EINVAL, "rag", "rag: entry %zu needs a key and a value", i + 1);
            int rc = pmo_health_policy_set (h, key, value);
            if (rc == PMO_ENOTFOUND)
                return req_fail (r, PMO_EINVAL, "rag",
                                 "rag: unknown key \"%.40s\" (cpi_amber, cpi_red, spi_amber, spi_red, "
                                 "overspend_amber, overspend_red, missed_amber, missed_red)", key);
            if (rc == PMO_OK) {
                done[i] = progress = true;
                left--;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            return req_fail (r, PMO_EINVAL, "rag", "rag: %.40s = \"%.40s\" is not valid (or red is looser than amber)",
                             entries[i]->key, entries[i]->value);
    return PMO_OK;
}

/* ---- checking a template ------------------------------------------------------- */

static int
s_check_milestones (req_t *r, const Pmo__Template *t)
{
    if (t->n_milestones > S_MAX_MILESTONES)
        return req_fail (r, PMO_EINVAL, "milestones", "milestones: %zu, at most %d", t->n_milestones,
                         S_MAX_MILESTONES);
    char field[64];
    for (size_t i = 0; i < t->n_milestones; i++) {
        const Pmo__TemplateMilestone *m = t->milestones[i];
        snprintf (field, sizeof field, "milestones[%u].name", (unsigned) i);
        int rc = pmo_check_text (field, m->name, PMO_MAX_NAME_BYTES, true, &r->reason);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (streq (t->milestones[j]->name, m->name))
                return req_fail (r, PMO_EINVAL, field, "%s: \"%.60s\" appears twice", field, m->name);
        snprintf (field, sizeof field, "milestones[%u].offset_days", (unsigned) i);
        if (!m->has_offset_days)
            return req_fail (r, PMO_EINVAL, field, "%s: missing (days from the project start)", field);
        rc = pmo_check_range (field, m->offset_days, 0, S_MAX_OFFSET_DAYS, &r->reason);
        if (!rc && m->has_weight) {
            snprintf (field, sizeof field, "milestones[%u].weight", (unsigned) i);
            rc = pmo_check_range (field, m->weight, 0, PMO_MAX_WEIGHT, &r->reason);
        }
        if (rc)
            return rc;
    }
    return PMO_OK;
}

static int
s_check_gate (req_t *r, size_t i, const Pmo__Gate *g, Pmo__Phase *const *phases)
{
    char field[64];
    snprintf (field, sizeof field, "phases[%u].gate.name", (unsigned) i);
    int rc = pmo_check_code (field, g->name, &r->reason);
    if (rc)
        return rc;
    for (size_t j = 0; j < i; j++)
        if (phases[j]->gate && streq (phases[j]->gate->name, g->name))
            return req_fail (r, PMO_EINVAL, field, "%s: gate %s appears twice", field, g->name);
    if (g->n_checklist > S_MAX_CHECKLIST)
        return req_fail (r, PMO_EINVAL, field, "phases[%zu].gate.checklist: %zu items, at most %d", i,
                         g->n_checklist, S_MAX_CHECKLIST);
    for (size_t c = 0; c < g->n_checklist; c++) {
        snprintf (field, sizeof field, "phases[%u].gate.checklist[%u]", (unsigned) i, (unsigned) c);
        rc = pmo_check_text (field, g->checklist[c]->text, PMO_MAX_NAME_BYTES, true, &r->reason);
        if (rc)
            return rc;
        for (size_t d = 0; d < c; d++)
            if (streq (g->checklist[d]->text, g->checklist[c]->text))
                return req_fail (r, PMO_EINVAL, field, "%s: \"%.60s\" appears twice", field, g->checklist[c]->text);
    }
    return PMO_OK;
}

/*  A life cycle is two or more phases; a gate leads from each phase to the
 *  next, so every phase but the last has one and the last has none. */
static int
s_check_phases (req_t *r, const Pmo__Template *t)
{
    if (t->n_phases == 0)
        return PMO_OK;  /* milestones only: projects get no life cycle */
    if (t->n_phases < 2 || t->n_phases > S_MAX_PHASES)
        return req_fail (r, PMO_EINVAL, "phases", "phases: %zu, a life cycle has 2..%d", t->n_phases, S_MAX_PHASES);
    char field[64];
    for (size_t i = 0; i < t->n_phases; i++) {
        const Pmo__Phase *ph = t->phases[i];
        snprintf (field, sizeof field, "phases[%u].name", (unsigned) i);
        int rc = pmo_check_code (field, ph->name, &r->reason);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (streq (t->phases[j]->name, ph->name))
                return req_fail (r, PMO_EINVAL, field, "%s: phase %s appears twice", field, ph->name);
        snprintf (field, sizeof field, "phases[%u].gate", (unsigned) i);
        bool is_last = i + 1 == t->n_phases;
        if (is_last && ph->gate)
            return req_fail (r, PMO_EINVAL, field, "%s: the last phase (%s) has no gate; a gate leads to the next phase",
                             field, ph->name);
        if (!is_last && !ph->gate)
            return req_fail (r, PMO_EINVAL, field, "%s: missing; phase %s needs a gate to lead to phase %s", field,
                             ph->name, t->phases[i + 1]->name);
        if (!is_last && (rc = s_check_gate (r, i, ph->gate, t->phases)))
            return rc;
    }
    return PMO_OK;
}

/*  A clean copy of the phases, as a template stores them: names and
 *  checklist texts only (no answers, states or decisions). */
static Pmo__Phase **
s_clean_phases (req_t *r, Pmo__Phase *const *in, size_t n)
{
    Pmo__Phase **out = req_keep_mem (r, pmo_calloc (n + 1, sizeof *out));
    for (size_t i = 0; i < n; i++) {
        Pmo__Phase *ph = out[i] = req_keep_mem (r, pmo_malloc (sizeof *ph));
        pmo__phase__init (ph);
        ph->name = in[i]->name;
        const Pmo__Gate *g = in[i]->gate;
        if (!g)
            continue;
        Pmo__Gate *cg = ph->gate = req_keep_mem (r, pmo_malloc (sizeof *cg));
        pmo__gate__init (cg);
        cg->name = g->name;
        cg->n_checklist = g->n_checklist;
        cg->checklist = req_keep_mem (r, pmo_calloc (g->n_checklist + 1, sizeof *cg->checklist));
        for (size_t c = 0; c < g->n_checklist; c++) {
            Pmo__ChecklistItem *it = cg->checklist[c] = req_keep_mem (r, pmo_malloc (sizeof *it));
            pmo__checklist_item__init (it);
            it->text = g->checklist[c]->text;
        }
    }
    return out;
}

int
handle_template_add (req_t *r)
{
    const Pmo__TemplateAdd *q = r->req->template_add;
    if (!q->template_)
        return req_fail (r, PMO_EINVAL, "template", "template: missing");
    Pmo__Template t = *q->template_;
    int rc = pmo_check_code ("name", t.name, &r->reason);
    if (!rc)
        rc = pmo_check_text ("description", t.description, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (!rc)
        rc = s_check_milestones (r, &t);
    if (!rc)
        rc = s_check_phases (r, &t);
    pmo_health_policy_t rag;
    if (!rc && q->n_rag)
        rc = s_rag (r, q->rag, q->n_rag, &rag);
    if (rc)
        return rc;
    Pmo__Policy policy;
    t.rag = NULL;
    if (q->n_rag) {
        s_policy_msg (&rag, &policy);
        t.rag = &policy;
    }
    t.phases = s_clean_phases (r, t.phases, t.n_phases);
    t.has_version = true;
    t.version = s_newest (r->txn, t.name) + 1;
    t.has_created_ms = true;
    t.created_ms = r->now_ms;
    t.created_by = (char *) r->actor;
    pmo_key_t k;
    s_key (&k, t.name, t.version);
    rc = tables_put (r->txn, DB_TEMPLATES, &k, &t, &r->broker->scratch, PMO_PUT_NOOVERWRITE);
    if (rc)
        return req_fail (r, rc, "", "cannot store template %s: %s", t.name, pmo_strerror (rc));
    return events_emit (r, "template.added", NULL, PMO__EVENT__BODY_TEMPLATE, &t);
}

int
handle_template_show (req_t *r)
{
    const Pmo__TemplateQuery *q = r->req->template_show;
    Pmo__Template *t;
    int rc = s_load (r, q->name, q->has_version ? q->version : 0, &t);
    if (rc)
        return rc;
    r->reply->body_case = PMO__REPLY__BODY_TEMPLATE;
    r->reply->template_ = t;
    return PMO_OK;
}

int
handle_template_list (req_t *r)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_TEMPLATES, &cur);
    if (rc)
        return req_fail (r, rc, "", "templates: %s", pmo_strerror (rc));
    Pmo__TemplateList *list = req_keep_mem (r, pmo_malloc (sizeof *list));
    pmo__template_list__init (list);
    size_t cap = 0;
    pmo_val_t k, v;
    /*  Keys are name\0 version: the last key of each name is its newest. */
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Template *t = pmo_wire_unpack (&pmo__template__descriptor, v.data, v.len);
        if (!t)
            continue;
        req_keep (r, t);
        if (list->n_templates && streq (list->templates[list->n_templates - 1]->name, t->name)) {
            list->templates[list->n_templates - 1] = t;
            continue;
        }
        if (list->n_templates == cap) {
            cap = cap ? cap * 2 : 16;
            Pmo__Template **grown = req_keep_mem (r, pmo_malloc (cap * sizeof *grown));
            if (list->n_templates)
                memcpy (grown, list->templates, list->n_templates * sizeof *grown);
            list->templates = grown;
        }
        list->templates[list->n_templates++] = t;
    }
    pmo_cursor_close (&cur);
    r->reply->body_case = PMO__REPLY__BODY_TEMPLATES;
    r->reply->templates = list;
    return PMO_OK;
}

/* ---- instantiation -------------------------------------------------------------- */

int
template_resolve (req_t *r, Pmo__Project *p, Pmo__Template **tpl_p)
{
    *tpl_p = NULL;
    /*  Server-set: only a template can give a project these. */
    uint32_t version = p->has_template_version ? p->template_version : 0;
    p->has_template_version = false;
    p->template_version = 0;
    p->rag_policy = NULL;
    if (!p->template_ || !*p->template_) {
        p->template_ = NULL;
        return PMO_OK;
    }
    Pmo__Template *t;
    int rc = s_load (r, p->template_, version, &t);
    if (rc)
        return rc;
    int32_t start, finish;
    if (pmo_date_parse (p->start, &start) != PMO_OK || pmo_date_parse (p->finish, &finish) != PMO_OK)
        return req_fail (r, PMO_EINVAL, "start",
                         "start: project %s from template %s needs start and finish dates (milestones are due "
                         "start + offset)", p->code, t->name);
    for (size_t i = 0; i < t->n_milestones; i++) {
        int32_t due = start + t->milestones[i]->offset_days;
        if (due <= finish)
            continue;
        char d[11];
        pmo_date_format (due, d);
        return req_fail (r, PMO_EINVAL, "template",
                         "template %s v%u: milestone \"%.40s\" at start + %d days (%s) is after the finish %s of "
                         "project %s",
                         t->name, (unsigned) t->version, t->milestones[i]->name, (int) t->milestones[i]->offset_days,
                         d, p->finish, p->code);
    }
    p->has_template_version = true;
    p->template_version = t->version;
    p->rag_policy = t->rag;
    *tpl_p = t;
    return PMO_OK;
}

int
template_instantiate (req_t *r, const Pmo__Project *p, const Pmo__Template *t)
{
    int32_t start;
    if (pmo_date_parse (p->start, &start) != PMO_OK)
        return req_fail (r, PMO_EINVAL, "start", "start: \"%.40s\" is not a valid date", p->start);
    for (size_t i = 0; i < t->n_milestones; i++) {
        const Pmo__TemplateMilestone *tm = t->milestones[i];
        char due[11];
        pmo_date_format (start + tm->offset_days, due);
        Pmo__Milestone m = PMO__MILESTONE__INIT;
        m.project = p->code;
        m.name = tm->name;
        m.due = due;
        m.has_weight = true;
        m.weight = tm->has_weight ? tm->weight : 0;
        m.has_created_ms = true;
        m.created_ms = r->now_ms;
        pmo_key_t k;
        tables_key_milestone (&k, p->code, m.name);
        int rc = tables_put (r->txn, DB_MILESTONES, &k, &m, &r->broker->scratch, 0);
        if (rc)
            return req_fail (r, rc, "", "cannot store milestone: %s", pmo_strerror (rc));
        rc = events_emit (r, "milestone.created", p->code, PMO__EVENT__BODY_MILESTONE, &m);
        if (rc)
            return rc;
    }
    if (t->n_phases == 0)
        return PMO_OK;
    /*  The life cycle: the template's phases, every gate pending, the
     *  project in the first phase from today. */
    char today[11];
    pmo_date_format (pmo_date_from_ms (r->now_ms), today);
    Pmo__Phase **phases = s_clean_phases (r, t->phases, t->n_phases);
    for (size_t i = 0; i < t->n_phases; i++) {
        Pmo__Gate *g = phases[i]->gate;
        if (!g)
            continue;
        g->has_state = true;
        g->state = PMO__GATE_STATE__GATE_PENDING;
        g->project = p->code;
        g->phase = phases[i]->name;
    }
    phases[0]->entered = today;
    Pmo__LifeCycle lc = PMO__LIFE_CYCLE__INIT;
    lc.project = p->code;
    lc.template_ = t->name;
    lc.has_template_version = true;
    lc.template_version = t->version;
    lc.phases = phases;
    lc.n_phases = t->n_phases;
    lc.has_current = true;
    lc.current = 0;
    lc.phase = phases[0]->name;
    pmo_key_t k;
    tables_key_code (&k, p->code);
    int rc = tables_put (r->txn, DB_LIFE_CYCLES, &k, &lc, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store the life cycle of %s: %s", p->code, pmo_strerror (rc));
    return events_emit (r, "project.phase", p->code, PMO__EVENT__BODY_LIFE_CYCLE, &lc);
}
