/*  handle_changes: change control.
 *
 *  A change request asks for a cost impact (signed minor units in the
 *  project's currency), a schedule impact (a new baseline finish, or signed
 *  days added to the finish in force when it is approved) and new due
 *  dates for named milestones.  Its life cycle:
 *
 *      submitted  ->  approved, rejected, withdrawn   (each with a reason)
 *      approved, rejected, withdrawn  ->  nothing (final)
 *
 *  Approval changes the project's budget (bac_minor), finish and the
 *  milestones' due dates in the same transaction and stores a new baseline
 *  version.  The first approval of a project first stores version 1, the
 *  plan in force until then, so every version stays queryable and a slip
 *  shows against the original plan.  From then on the project is under
 *  change control: plain updates of its start, finish, budget, currency and
 *  milestone due dates are refused (governance.c).  Everything is checked
 *  before anything is written: a refused approval changes nothing. */
#include <stdio.h>

#include "registers.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

/*  Bounds of a request: days of schedule impact, milestones named. */
#define S_MAX_SCHEDULE_DAYS 36500
#define S_MAX_MILESTONES 200

static int
s_milestone (req_t *r, const char *project, const char *name, Pmo__Milestone **m_out)
{
    pmo_key_t k;
    tables_key_milestone (&k, project, name);
    int rc = tables_get (r->txn, DB_MILESTONES, &k, &pmo__milestone__descriptor, (void **) m_out);
    if (rc == PMO_ENOTFOUND)
        return req_fail (r, rc, "milestones", "milestones: milestone \"%s\" of project %s: not found", name,
                         project);
    if (rc)
        return req_fail (r, rc, "milestones", "milestone \"%s\": %s", name, pmo_strerror (rc));
    req_keep (r, *m_out);
    return PMO_OK;
}

/*  The milestones named with new due dates: existing, each once, dates valid. */
static int
s_check_milestones (req_t *r, const char *project, Pmo__MilestoneDue **ms, size_t n)
{
    if (n > S_MAX_MILESTONES)
        return req_fail (r, PMO_EINVAL, "milestones", "milestones: %zu named; at most %d per change request",
                         n, S_MAX_MILESTONES);
    for (size_t i = 0; i < n; i++) {
        int rc = gov_text (r, "milestones", ms[i]->name, PMO_MAX_NAME_BYTES, true);
        int32_t day;
        if (!rc && (!ms[i]->due || pmo_date_parse (ms[i]->due, &day) != PMO_OK))
            rc = req_fail (r, PMO_EINVAL, "milestones",
                           "milestones: \"%s\" needs a new due date YYYY-MM-DD, not \"%.20s\"", ms[i]->name,
                           ms[i]->due ? ms[i]->due : "");
        for (size_t j = 0; !rc && j < i; j++)
            if (streq (ms[i]->name, ms[j]->name))
                rc = req_fail (r, PMO_EINVAL, "milestones", "milestones: \"%s\" is named twice", ms[i]->name);
        Pmo__Milestone *m;
        if (!rc)
            rc = s_milestone (r, project, ms[i]->name, &m);
        if (rc)
            return rc;
    }
    return PMO_OK;
}

int
handle_change_submit (req_t *r)
{
    Pmo__ChangeRequest c = *r->req->change_submit;
    Pmo__Project *p;
    int rc = gov_live_project (r, c.project, "change requests", &p);
    if (!rc)
        rc = gov_text (r, "description", c.description, PMO_MAX_NOTE_BYTES, true);
    if (rc)
        return rc;
    if (c.currency && *c.currency && !streq (c.currency, p->currency))
        return req_fail (r, PMO_EINVAL, "currency", "currency: project %s is budgeted in %s, not %.8s", p->code,
                         p->currency, c.currency);
    if (c.has_cost_impact_minor)
        rc = pmo_check_range ("cost_impact", c.cost_impact_minor, -PMO_MAX_AMOUNT_MINOR, PMO_MAX_AMOUNT_MINOR,
                              &r->reason);
    bool has_finish = c.finish && *c.finish;
    if (!rc && has_finish && c.has_schedule_days)
        rc = req_fail (r, PMO_EINVAL, "schedule_days",
                       "schedule_days: give a new finish or a number of days, not both");
    int32_t start, finish;
    if (!rc)
        rc = req_date (r, "start", p->start, true, 0, &start);
    if (!rc && has_finish)
        rc = req_date (r, "finish", c.finish, true, 0, &finish);
    if (!rc && has_finish && finish < start)
        rc = req_fail (r, PMO_EINVAL, "finish", "finish: %s is before the start of project %s, %s", c.finish,
                       p->code, p->start);
    if (!rc && c.has_schedule_days)
        rc = pmo_check_range ("schedule_days", c.schedule_days, -S_MAX_SCHEDULE_DAYS, S_MAX_SCHEDULE_DAYS,
                              &r->reason);
    if (!rc)
        rc = s_check_milestones (r, p->code, c.milestones, c.n_milestones);
    if (rc)
        return rc;
    if (!(c.has_cost_impact_minor && c.cost_impact_minor) && !has_finish
        && !(c.has_schedule_days && c.schedule_days) && c.n_milestones == 0)
        return req_fail (r, PMO_EINVAL, "impact",
                         "impact: none given (a cost impact, a new finish, days or milestone due dates)");
    c.has_id = true;
    c.id = gov_next_id (r->txn, DB_CHANGES, c.project);
    c.has_cost_impact_minor = true;  /* 0 when none: the record reads whole */
    c.currency = p->currency;
    c.finish = has_finish ? c.finish : NULL;
    c.has_status = true;
    c.status = PMO__CHANGE_STATUS__CHANGE_SUBMITTED;
    c.requested_by = (char *) r->actor;
    c.has_submitted_ms = true;
    c.submitted_ms = r->now_ms;
    c.decided_by = c.decision_reason = c.new_finish = NULL;
    c.has_decided_ms = c.has_baseline_version = c.has_new_bac_minor = false;
    rc = gov_put (r, DB_CHANGES, c.project, c.id, &c);
    return rc ? rc : events_emit (r, "change.submitted", c.project, PMO__EVENT__BODY_CHANGE, &c);
}

static bool
s_decision_valid (int s)
{
    return s >= PMO__CHANGE_STATUS__CHANGE_SUBMITTED && s <= PMO__CHANGE_STATUS__CHANGE_WITHDRAWN;
}

/*  Whether change request c may go to `to`; the reason names both states. */
static int
s_transition (req_t *r, const Pmo__ChangeRequest *c, Pmo__ChangeStatus to)
{
    const char *from_name = gov_change_status_name (c->status), *to_name = gov_change_status_name (to);
    if (c->status == to)
        return req_fail (r, PMO_ESTATE, "status", "status: change request %s/%u is already %s", c->project,
                         (unsigned) c->id, to_name);
    if (c->status != PMO__CHANGE_STATUS__CHANGE_SUBMITTED)
        return req_fail (r, PMO_ESTATE, "status",
                         "status: change request %s/%u cannot go from %s to %s: %s is final", c->project,
                         (unsigned) c->id, from_name, to_name, from_name);
    return PMO_OK;
}

/*  The plan an approval leads to, computed and checked before any write. */
typedef struct {
    int64_t bac;
    char finish[11];
} s_plan_t;

static int
s_plan (req_t *r, const Pmo__Project *p, const Pmo__ChangeRequest *c, s_plan_t *plan)
{
    char a[PMO_MONEY_FMT_MAX], b[PMO_MONEY_FMT_MAX];
    int64_t cost = c->has_cost_impact_minor ? c->cost_impact_minor : 0;
    /*  The cost is in the currency the project had at submission; a budget
     *  re-planned in another currency since (before change control) cannot
     *  take it: minor units of two currencies are never added. */
    if (cost && c->currency && !streq (c->currency, p->currency))
        return req_fail (r, PMO_EINVAL, "currency",
                         "currency: change request %s/%u is in %s, but project %s is now budgeted in %s: reject "
                         "it and submit it again",
                         p->code, (unsigned) c->id, c->currency, p->code, p->currency);
    pmo_money_format (p->bac_minor, p->currency, a, sizeof a);
    pmo_money_format (cost, p->currency, b, sizeof b);
    if (pmo_i64_add (p->bac_minor, cost, &plan->bac) != PMO_OK || plan->bac > PMO_MAX_AMOUNT_MINOR)
        return req_fail (r, PMO_EINVAL, "cost_impact",
                         "cost_impact: %s on a budget of %s would exceed the limit of 10^15 minor units", b, a);
    if (plan->bac < 0)
        return req_fail (r, PMO_EINVAL, "cost_impact", "cost_impact: %s on a budget of %s would make it negative",
                         b, a);
    int32_t start, finish;
    int rc = req_date (r, "start", p->start, true, 0, &start);
    if (!rc)
        rc = req_date (r, "finish", c->finish && *c->finish ? c->finish : p->finish, true, 0, &finish);
    if (rc)
        return rc;
    if (c->has_schedule_days)
        finish += c->schedule_days;
    pmo_date_format (finish, plan->finish);
    int32_t check;
    if (pmo_date_parse (plan->finish, &check) != PMO_OK)
        return req_fail (r, PMO_EINVAL, "schedule_days", "schedule_days: %+d days from %s is not a valid date",
                         (int) c->schedule_days, p->finish);
    if (finish < start)
        return req_fail (r, PMO_EINVAL, "finish", "finish: %s would be before the start of project %s, %s",
                         plan->finish, p->code, p->start);
    /*  The milestones may have been re-planned or removed since submission. */
    return s_check_milestones (r, p->code, c->milestones, c->n_milestones);
}

static int
s_put_baseline (req_t *r, Pmo__Baseline *b)
{
    b->has_created_ms = true;
    b->created_ms = r->now_ms;
    b->actor = (char *) r->actor;
    b->has_provisional = false;
    int rc = gov_put (r, DB_BASELINES, b->project, b->version, b);
    return rc ? rc : events_emit (r, "baseline.created", b->project, PMO__EVENT__BODY_BASELINE, b);
}

/*  Applies an approved change: version 1 when none is stored, the
 *  milestones' new dates, the project's budget and finish, the new
 *  baseline. */
static int
s_apply (req_t *r, const Pmo__Project *old, Pmo__ChangeRequest *c, const s_plan_t *plan)
{
    Pmo__Baseline *latest;
    int rc = gov_baseline_latest (r, old->code, &latest);
    if (rc)
        return rc;
    uint32_t version = latest ? latest->version : 0;
    if (version == 0) {
        Pmo__Baseline *first;
        rc = gov_baseline_from_project (r, old, 1, &first);
        if (!rc)
            rc = s_put_baseline (r, first);
        if (rc)
            return rc;
        version = 1;
    }
    for (size_t i = 0; i < c->n_milestones; i++) {
        Pmo__Milestone *m;
        rc = s_milestone (r, old->code, c->milestones[i]->name, &m);
        if (rc)
            return rc;
        Pmo__Milestone nm = *m;
        nm.due = c->milestones[i]->due;
        pmo_key_t k;
        tables_key_milestone (&k, nm.project, nm.name);
        rc = tables_put (r->txn, DB_MILESTONES, &k, &nm, &r->broker->scratch, 0);
        if (rc)
            return req_fail (r, rc, "", "cannot store milestone: %s", pmo_strerror (rc));
        rc = events_emit (r, "milestone.updated", nm.project, PMO__EVENT__BODY_MILESTONE, &nm);
        if (rc)
            return rc;
    }
    Pmo__Project p = *old;
    p.bac_minor = plan->bac;
    p.finish = (char *) plan->finish;
    p.has_baseline_version = true;
    p.baseline_version = version + 1;
    p.has_updated_ms = true;
    p.updated_ms = r->now_ms;
    pmo_key_t k;
    tables_key_code (&k, p.code);
    rc = tables_put (r->txn, DB_PROJECTS, &k, &p, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store project %s: %s", p.code, pmo_strerror (rc));
    rc = events_emit (r, "project.updated", p.code, PMO__EVENT__BODY_PROJECT_RECORD, &p);
    Pmo__Baseline *next;
    if (!rc)
        rc = gov_baseline_from_project (r, &p, version + 1, &next);
    if (rc)
        return rc;
    next->has_change = true;
    next->change = c->id;
    rc = s_put_baseline (r, next);
    c->has_baseline_version = true;
    c->baseline_version = version + 1;
    c->has_new_bac_minor = true;
    c->new_bac_minor = plan->bac;
    c->new_finish = (char *) plan->finish;
    return rc;
}

int
handle_change_decide (req_t *r)
{
    const Pmo__ChangeDecision *d = r->req->change_decide;
    Pmo__Project *p;
    Pmo__ChangeRequest *old;
    int rc = gov_project (r, d->project, &p);
    if (!rc)
        rc = gov_load (r, DB_CHANGES, "change request", d->project, d->id, &pmo__change_request__descriptor,
                       (void **) &old);
    if (rc)
        return rc;
    if (!d->has_status || d->status == PMO__CHANGE_STATUS__CHANGE_STATUS_UNSET)
        return req_fail (r, PMO_EINVAL, "status", "status: missing (approved, rejected or withdrawn)");
    if (!s_decision_valid (d->status))
        return req_fail (r, PMO_EINVAL, "status", "status: %d is not a change request status", (int) d->status);
    rc = s_transition (r, old, d->status);
    if (!rc && !(d->reason && *d->reason))
        rc = req_fail (r, PMO_EINVAL, "reason", "reason: required to decide change request %s/%u (why)",
                       old->project, (unsigned) old->id);
    if (!rc)
        rc = gov_text (r, "reason", d->reason, PMO_MAX_NOTE_BYTES, true);
    if (rc)
        return rc;

    Pmo__ChangeRequest c = *old;
    s_plan_t plan;
    const char *topic = "change.withdrawn";
    if (d->status == PMO__CHANGE_STATUS__CHANGE_APPROVED) {
        topic = "change.approved";
        if (gov_project_is_over (p))
            return req_fail (r, PMO_ESTATE, "project", "project %s is %s: no change to its baseline can be approved",
                             p->code, pmo_wire_status_name (p->status));
        rc = s_plan (r, p, &c, &plan);
        if (!rc)
            rc = s_apply (r, p, &c, &plan);
        if (rc)
            return rc;
    } else if (d->status == PMO__CHANGE_STATUS__CHANGE_REJECTED) {
        topic = "change.rejected";
    }
    c.status = d->status;
    c.decided_by = (char *) r->actor;
    c.decision_reason = d->reason;
    c.has_decided_ms = true;
    c.decided_ms = r->now_ms;
    rc = gov_put (r, DB_CHANGES, c.project, c.id, &c);
    return rc ? rc : events_emit (r, topic, c.project, PMO__EVENT__BODY_CHANGE, &c);
}
