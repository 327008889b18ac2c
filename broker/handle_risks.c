/*  handle_risks: the risk register of each project.
 *
 *  A risk has a probability and an impact of 1..5 and a score pmod computes
 *  (probability x impact).  Its life cycle:
 *
 *      open, mitigating, accepted  ->  any other of these, closed, occurred
 *      closed                      ->  nothing (final)
 *      occurred                    ->  nothing, but an occurred risk that is
 *                                      not yet an issue can become one
 *
 *  risk_occur moves a live risk to occurred and opens an issue that names
 *  it, in one transaction; the risk keeps the issue's id.  A final risk's
 *  fields no longer change. */
#include <stdio.h>

#include "registers.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

static bool
s_is_final (Pmo__RiskStatus s)
{
    return s == PMO__RISK_STATUS__RISK_CLOSED || s == PMO__RISK_STATUS__RISK_OCCURRED;
}

static bool
s_status_valid (int s)
{
    return s >= PMO__RISK_STATUS__RISK_OPEN && s <= PMO__RISK_STATUS__RISK_OCCURRED;
}

/*  Whether risk `rk` may go to `to`; the reason names both states. */
static int
s_transition (req_t *r, const Pmo__Risk *rk, Pmo__RiskStatus to)
{
    const char *from_name = gov_risk_status_name (rk->status), *to_name = gov_risk_status_name (to);
    if (rk->status == to)
        return req_fail (r, PMO_ESTATE, "status", "status: risk %s/%u is already %s", rk->project,
                         (unsigned) rk->id, to_name);
    if (rk->status == PMO__RISK_STATUS__RISK_OCCURRED)
        return req_fail (r, PMO_ESTATE, "status",
                         "status: risk %s/%u cannot go from occurred to %s: occurred is final "
                         "(pmoctl risk occur turns it into an issue)",
                         rk->project, (unsigned) rk->id, to_name);
    if (s_is_final (rk->status))
        return req_fail (r, PMO_ESTATE, "status", "status: risk %s/%u cannot go from %s to %s: %s is final",
                         rk->project, (unsigned) rk->id, from_name, to_name, from_name);
    return PMO_OK;
}

static int
s_level (req_t *r, const char *field, bool has, int32_t v)
{
    if (!has)
        return req_fail (r, PMO_EINVAL, field, "%s: missing (1 to 5)", field);
    return pmo_check_range (field, v, 1, 5, &r->reason);
}

/*  The rules of a risk's fields, on the merged record. */
static int
s_check (req_t *r, const Pmo__Risk *rk)
{
    int rc = gov_text (r, "title", rk->title, PMO_MAX_NAME_BYTES, true);
    if (!rc)
        rc = gov_text (r, "cause", rk->cause, PMO_MAX_NOTE_BYTES, false);
    if (!rc)
        rc = gov_text (r, "effect", rk->effect, PMO_MAX_NOTE_BYTES, false);
    if (!rc)
        rc = gov_text (r, "mitigation", rk->mitigation, PMO_MAX_NOTE_BYTES, false);
    if (!rc)
        rc = s_level (r, "probability", rk->has_probability, rk->probability);
    if (!rc)
        rc = s_level (r, "impact", rk->has_impact, rk->impact);
    if (!rc)
        rc = gov_person (r, "owner", rk->owner, true);
    if (!rc)
        rc = gov_date (r, "due", rk->due);
    return rc;
}

static int
s_store (req_t *r, Pmo__Risk *rk, const char *topic)
{
    rk->has_score = true;
    rk->score = rk->probability * rk->impact;
    rk->has_updated_ms = true;
    rk->updated_ms = r->now_ms;
    int rc = gov_put (r, DB_RISKS, rk->project, rk->id, rk);
    return rc ? rc : events_emit (r, topic, rk->project, PMO__EVENT__BODY_RISK, rk);
}

int
handle_risk_add (req_t *r)
{
    Pmo__Risk rk = *r->req->risk_add;
    Pmo__Project *p;
    int rc = gov_live_project (r, rk.project, "risks", &p);
    if (!rc)
        rc = s_check (r, &rk);
    if (rc)
        return rc;
    rk.has_id = true;
    rk.id = gov_next_id (r->txn, DB_RISKS, rk.project);
    rk.has_status = true;
    rk.status = PMO__RISK_STATUS__RISK_OPEN;
    rk.has_issue = false;
    rk.has_created_ms = true;
    rk.created_ms = r->now_ms;
    if (rk.due && !*rk.due)
        rk.due = NULL;
    return s_store (r, &rk, "risk.added");
}

int
handle_risk_update (req_t *r)
{
    const Pmo__RiskUpdate *u = r->req->risk_update;
    Pmo__Project *p;
    Pmo__Risk *old;
    int rc = gov_project (r, u->project, &p);
    if (!rc)
        rc = gov_load (r, DB_RISKS, "risk", u->project, u->id, &pmo__risk__descriptor, (void **) &old);
    if (rc)
        return rc;
    bool has_status = u->has_status && u->status != PMO__RISK_STATUS__RISK_STATUS_UNSET;
    if (has_status && !s_status_valid (u->status))
        return req_fail (r, PMO_EINVAL, "status", "status: %d is not a risk status", (int) u->status);
    if (has_status)
        rc = s_transition (r, old, u->status);
    else if (s_is_final (old->status))
        rc = req_fail (r, PMO_ESTATE, "status", "risk %s/%u is %s, a final state: it no longer changes",
                       old->project, (unsigned) old->id, gov_risk_status_name (old->status));
    if (rc)
        return rc;
    Pmo__Risk rk = *old;
    bool has_any = has_status;
#define S_TAKE(f) do { if (u->f) { rk.f = u->f; has_any = true; } } while (0)
    S_TAKE (title);
    S_TAKE (cause);
    S_TAKE (effect);
    S_TAKE (owner);
    S_TAKE (mitigation);
    S_TAKE (due);
#undef S_TAKE
    if (rk.due && !*rk.due)
        rk.due = NULL;  /* "" clears the due date */
    if (u->has_probability) {
        rk.probability = u->probability;
        has_any = true;
    }
    if (u->has_impact) {
        rk.impact = u->impact;
        has_any = true;
    }
    if (has_status)
        rk.status = u->status;
    if (!has_any)
        return req_fail (r, PMO_EINVAL, "", "risk %s/%u: nothing to change", old->project, (unsigned) old->id);
    rc = s_check (r, &rk);
    return rc ? rc : s_store (r, &rk, "risk.changed");
}

/*  An issue's severity from the risk's impact: 5 critical, 4 high, 3
 *  medium, 1-2 low. */
static Pmo__Severity
s_severity_of (int32_t impact)
{
    return impact >= 5   ? PMO__SEVERITY__SEVERITY_CRITICAL
           : impact == 4 ? PMO__SEVERITY__SEVERITY_HIGH
           : impact == 3 ? PMO__SEVERITY__SEVERITY_MEDIUM
                         : PMO__SEVERITY__SEVERITY_LOW;
}

int
handle_risk_occur (req_t *r)
{
    const Pmo__RiskOccur *o = r->req->risk_occur;
    Pmo__Project *p;
    Pmo__Risk *old;
    int rc = gov_project (r, o->project, &p);
    if (!rc)
        rc = gov_load (r, DB_RISKS, "risk", o->project, o->id, &pmo__risk__descriptor, (void **) &old);
    if (rc)
        return rc;
    if (old->status == PMO__RISK_STATUS__RISK_OCCURRED && old->has_issue && old->issue)
        return req_fail (r, PMO_ESTATE, "status", "status: risk %s/%u occurred and is already issue %s/%u",
                         old->project, (unsigned) old->id, old->project, (unsigned) old->issue);
    if (old->status != PMO__RISK_STATUS__RISK_OCCURRED) {
        rc = s_transition (r, old, PMO__RISK_STATUS__RISK_OCCURRED);
        if (rc)
            return rc;
    }
    rc = gov_live_project (r, o->project, "issues", &p);
    if (rc)
        return rc;

    Pmo__Issue issue = PMO__ISSUE__INIT;
    issue.project = old->project;
    issue.title = o->title && *o->title ? o->title : old->title;
    issue.has_severity = true;
    issue.severity = o->has_severity && o->severity ? o->severity : s_severity_of (old->impact);
    issue.owner = o->owner && *o->owner ? o->owner : old->owner;
    issue.due = o->due && *o->due ? o->due : NULL;
    issue.has_risk = true;
    issue.risk = old->id;
    rc = issue_check (r, &issue);
    if (rc)
        return rc;

    Pmo__Risk rk = *old;
    rk.status = PMO__RISK_STATUS__RISK_OCCURRED;
    rk.has_issue = true;
    rk.issue = gov_next_id (r->txn, DB_ISSUES, rk.project);
    rc = s_store (r, &rk, "risk.occurred");
    /*  issue_create takes the same next id: nothing wrote an issue since. */
    return rc ? rc : issue_create (r, &issue);
}
