/*  handle_gates: a project's life cycle (phases and stage gates), the gate
 *  decisions and the move to the next phase.
 *
 *  The life cycle comes from the project's template (handle_templates.c);
 *  a project made without one has none, and decisions and moves on it are
 *  refused (STATE).  Gate i closes phase i and leads to phase i + 1.
 *
 *  Gate states: pending -> approved | rejected; rejected -> approved |
 *  rejected (decided again after rework); approved is final.  Only the gate
 *  of the current phase can be decided.  Approval needs every checklist item
 *  answered, and answered yes: a "no" blocks approval.  A decision's answers
 *  are merged into the stored ones, so a checklist can be answered over
 *  several decisions.  Approval does not move the project: phase_advance
 *  does, and only when the current phase's gate is approved.
 */
#include <stdio.h>

#include "plan.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

/*  Loads the project (NOT_FOUND when absent) and its life cycle (*lc_p
 *  NULL when it has none).  Both kept by r. */
static int
s_load (req_t *r, const char *code, Pmo__Project **p_p, Pmo__LifeCycle **lc_p)
{
    *lc_p = NULL;
    int rc = req_load (r, DB_PROJECTS, code, "project", &pmo__project__descriptor, (void **) p_p);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_code (&k, code);
    rc = tables_get (r->txn, DB_LIFE_CYCLES, &k, &pmo__life_cycle__descriptor, (void **) lc_p);
    if (rc == PMO_ENOTFOUND)
        return PMO_OK;
    if (rc)
        return req_fail (r, rc, "project", "life cycle of %s: %s", code, pmo_strerror (rc));
    req_keep (r, *lc_p);
    return PMO_OK;
}

/*  For writes: the project must have a life cycle and still be open. */
static int
s_load_for_change (req_t *r, const char *code, Pmo__LifeCycle **lc_p)
{
    Pmo__Project *p;
    int rc = s_load (r, code, &p, lc_p);
    if (rc)
        return rc;
    if (!*lc_p || (*lc_p)->n_phases == 0 || (*lc_p)->current >= (*lc_p)->n_phases)
        return req_fail (r, PMO_ESTATE, "project", "project %s has no life cycle (it was not created from a template "
                         "with phases)", code);
    if (p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED || p->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED)
        return req_fail (r, PMO_ESTATE, "project", "project %s is %s: its life cycle no longer changes", code,
                         pmo_wire_status_name (p->status));
    return PMO_OK;
}

static int
s_store (req_t *r, const Pmo__LifeCycle *lc)
{
    pmo_key_t k;
    tables_key_code (&k, lc->project);
    int rc = tables_put (r->txn, DB_LIFE_CYCLES, &k, lc, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store the life cycle of %s: %s", lc->project, pmo_strerror (rc));
    return PMO_OK;
}

int
handle_life_cycle (req_t *r)
{
    const Pmo__LifeCycleQuery *q = r->req->life_cycle;
    Pmo__Project *p;
    Pmo__LifeCycle *lc;
    int rc = s_load (r, q->project, &p, &lc);
    if (rc)
        return rc;
    if (!lc) {
        /*  No life cycle is an answer, not an error: an empty one. */
        lc = req_keep_mem (r, pmo_malloc (sizeof *lc));
        pmo__life_cycle__init (lc);
        lc->project = p->code;
    }
    r->reply->body_case = PMO__REPLY__BODY_LIFE_CYCLE;
    r->reply->life_cycle = lc;
    return PMO_OK;
}

/*  The checklist item an answer names: by number (1-based) or exact text. */
static int
s_find_item (req_t *r, const Pmo__Gate *g, const Pmo__ChecklistItem *a, size_t *at)
{
    if (a->has_number && a->number > 0) {
        if (a->number > g->n_checklist)
            return req_fail (r, PMO_EINVAL, "answers", "answers: item %u is outside 1..%zu of gate %s",
                             (unsigned) a->number, g->n_checklist, g->name);
        *at = a->number - 1;
        return PMO_OK;
    }
    for (size_t i = 0; a->text && i < g->n_checklist; i++)
        if (streq (g->checklist[i]->text, a->text)) {
            *at = i;
            return PMO_OK;
        }
    return req_fail (r, PMO_EINVAL, "answers", "answers: gate %s has no checklist item \"%.60s\"", g->name,
                     a->text ? a->text : "");
}

/*  Merges the answers into a fresh copy of g's checklist (kept by r). */
static int
s_merge_answers (req_t *r, Pmo__Gate *g, Pmo__ChecklistItem *const *answers, size_t n)
{
    Pmo__ChecklistItem **items = req_keep_mem (r, pmo_calloc (g->n_checklist + 1, sizeof *items));
    bool *seen = req_keep_mem (r, pmo_calloc (g->n_checklist + 1, sizeof *seen));
    for (size_t i = 0; i < g->n_checklist; i++) {
        items[i] = req_keep_mem (r, pmo_malloc (sizeof *items[i]));
        *items[i] = *g->checklist[i];
    }
    for (size_t j = 0; j < n; j++) {
        const Pmo__ChecklistItem *a = answers[j];
        size_t at = 0;
        int rc = s_find_item (r, g, a, &at);
        if (rc)
            return rc;
        if (seen[at])
            return req_fail (r, PMO_EINVAL, "answers", "answers: item %zu (\"%.60s\") is answered twice", at + 1,
                             items[at]->text);
        seen[at] = true;
        if (a->answer != PMO__ANSWER__ANSWER_YES && a->answer != PMO__ANSWER__ANSWER_NO)
            return req_fail (r, PMO_EINVAL, "answers", "answers: item %zu (\"%.60s\") needs yes or no", at + 1,
                             items[at]->text);
        rc = pmo_check_text ("answers", a->note, PMO_MAX_NOTE_BYTES, false, &r->reason);
        if (rc)
            return rc;
        items[at]->has_answer = true;
        items[at]->answer = a->answer;
        items[at]->note = a->note;
        items[at]->has_number = false;
    }
    g->checklist = items;
    return PMO_OK;
}

/*  Approval needs every item answered yes; the reason names the first
 *  item that is not. */
static int
s_ready_to_approve (req_t *r, const char *project, const Pmo__Gate *g)
{
    for (size_t i = 0; i < g->n_checklist; i++) {
        const Pmo__ChecklistItem *it = g->checklist[i];
        if (it->answer == PMO__ANSWER__ANSWER_YES)
            continue;
        return req_fail (r, PMO_ESTATE, "answers",
                         "gate %s of project %s cannot be approved: checklist item %zu \"%.60s\" is %s", g->name,
                         project, i + 1, it->text, it->answer == PMO__ANSWER__ANSWER_NO ? "answered no" : "not answered");
    }
    return PMO_OK;
}

int
handle_gate_decide (req_t *r)
{
    const Pmo__GateDecision *q = r->req->gate_decide;
    bool approve = q->decision == PMO__DECISION__DECISION_APPROVE;
    if (!approve && q->decision != PMO__DECISION__DECISION_REJECT)
        return req_fail (r, PMO_EINVAL, "decision", "decision: approve or reject");
    if (!approve && (!q->reason || !*q->reason))
        return req_fail (r, PMO_EINVAL, "reason", "reason: missing; a rejection says why");
    int rc = pmo_check_code ("gate", q->gate, &r->reason);
    if (!rc)
        rc = pmo_check_text ("reason", q->reason, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;
    Pmo__LifeCycle *old;
    rc = s_load_for_change (r, q->project, &old);
    if (rc)
        return rc;
    size_t at = old->n_phases;
    for (size_t i = 0; i < old->n_phases; i++)
        if (old->phases[i]->gate && streq (old->phases[i]->gate->name, q->gate))
            at = i;
    if (at == old->n_phases)
        return req_fail (r, PMO_ENOTFOUND, "gate", "gate %s of project %s: not found", q->gate, q->project);
    const Pmo__Gate *og = old->phases[at]->gate;
    if (og->state == PMO__GATE_STATE__GATE_APPROVED)
        return req_fail (r, PMO_ESTATE, "gate", "gate %s of project %s is already approved; an approval is final",
                         og->name, q->project);
    if (at != old->current)
        return req_fail (r, PMO_ESTATE, "gate", "gate %s of project %s closes phase %s; the project is in phase %s",
                         og->name, q->project, old->phases[at]->name, old->phases[old->current]->name);

    /*  A copy of the life cycle with a new gate in phase `at`. */
    Pmo__LifeCycle lc = *old;
    Pmo__Phase **phases = req_keep_mem (r, pmo_calloc (lc.n_phases + 1, sizeof *phases));
    memcpy (phases, old->phases, lc.n_phases * sizeof *phases);
    Pmo__Phase *ph = phases[at] = req_keep_mem (r, pmo_malloc (sizeof *ph));
    *ph = *old->phases[at];
    Pmo__Gate *g = ph->gate = req_keep_mem (r, pmo_malloc (sizeof *g));
    *g = *og;
    lc.phases = phases;
    rc = s_merge_answers (r, g, q->answers, q->n_answers);
    if (!rc && approve)
        rc = s_ready_to_approve (r, q->project, g);
    if (rc)
        return rc;
    g->has_state = true;
    g->state = approve ? PMO__GATE_STATE__GATE_APPROVED : PMO__GATE_STATE__GATE_REJECTED;
    g->reason = q->reason && *q->reason ? q->reason : NULL;
    g->decided_by = (char *) r->actor;
    g->has_decided_ms = true;
    g->decided_ms = r->now_ms;
    g->project = lc.project;
    g->phase = ph->name;
    rc = s_store (r, &lc);
    return rc ? rc : events_emit (r, approve ? "gate.approved" : "gate.rejected", lc.project, PMO__EVENT__BODY_GATE, g);
}

static size_t
s_unanswered (const Pmo__Gate *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n_checklist; i++)
        n += g->checklist[i]->answer == PMO__ANSWER__ANSWER_UNSET;
    return n;
}

int
handle_phase_advance (req_t *r)
{
    const Pmo__PhaseAdvance *q = r->req->phase_advance;
    Pmo__LifeCycle *old;
    int rc = s_load_for_change (r, q->project, &old);
    if (rc)
        return rc;
    size_t c = old->current;
    const char *from = old->phases[c]->name;
    if (q->to && *q->to) {
        size_t to = old->n_phases;
        for (size_t i = 0; i < old->n_phases; i++)
            if (streq (old->phases[i]->name, q->to))
                to = i;
        if (to == old->n_phases)
            return req_fail (r, PMO_ENOTFOUND, "to", "phase %.40s of project %s: not found", q->to, q->project);
        if (to != c + 1)
            return req_fail (r, PMO_ESTATE, "to", "project %s is in phase %s; it can only move to %s, not to %s",
                             q->project, from, c + 1 < old->n_phases ? old->phases[c + 1]->name : "no other phase",
                             q->to);
    }
    if (c + 1 >= old->n_phases)
        return req_fail (r, PMO_ESTATE, "project", "project %s is in its last phase, %s", q->project, from);
    const Pmo__Gate *g = old->phases[c]->gate;
    if (g->state == PMO__GATE_STATE__GATE_REJECTED)
        return req_fail (r, PMO_ESTATE, "gate", "project %s cannot leave phase %s: gate %s was rejected by %s: %.60s",
                         q->project, from, g->name, g->decided_by ? g->decided_by : "?", g->reason ? g->reason : "");
    if (g->state != PMO__GATE_STATE__GATE_APPROVED)
        return req_fail (r, PMO_ESTATE, "gate",
                         "project %s cannot leave phase %s: gate %s is pending (%zu of %zu checklist items unanswered)",
                         q->project, from, g->name, s_unanswered (g), g->n_checklist);

    Pmo__LifeCycle lc = *old;
    Pmo__Phase **phases = req_keep_mem (r, pmo_calloc (lc.n_phases + 1, sizeof *phases));
    memcpy (phases, old->phases, lc.n_phases * sizeof *phases);
    Pmo__Phase *next = phases[c + 1] = req_keep_mem (r, pmo_malloc (sizeof *next));
    *next = *old->phases[c + 1];
    char *today = req_keep_mem (r, pmo_malloc (11));
    pmo_date_format (pmo_date_from_ms (r->now_ms), today);
    next->entered = today;
    lc.phases = phases;
    lc.current = (uint32_t) c + 1;
    lc.has_current = true;
    lc.phase = next->name;
    lc.from_phase = (char *) from;
    rc = s_store (r, &lc);
    return rc ? rc : events_emit (r, "project.phase", lc.project, PMO__EVENT__BODY_LIFE_CYCLE, &lc);
}
