/*  handle_issues: the issue log of each project.
 *
 *  An issue has a severity (low, medium, high, critical), an owner and a
 *  due date.  Its life cycle:
 *
 *      open         ->  in_progress, resolved
 *      in_progress  ->  open, resolved
 *      resolved     ->  open, in_progress (reopened), closed
 *      closed       ->  nothing (final)
 *
 *  An issue is resolved before it is closed, and resolving needs the
 *  resolution text in the same request.  Issues opened from a risk (risk
 *  occur) name the risk in `risk`. */
#include <stdio.h>

#include "registers.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

static bool
s_status_valid (int s)
{
    return s >= PMO__ISSUE_STATUS__ISSUE_OPEN && s <= PMO__ISSUE_STATUS__ISSUE_CLOSED;
}

/*  Whether issue i may go to `to`; the reason names both states. */
static int
s_transition (req_t *r, const Pmo__Issue *i, Pmo__IssueStatus to)
{
    const char *from_name = gov_issue_status_name (i->status), *to_name = gov_issue_status_name (to);
    unsigned id = (unsigned) i->id;
    if (i->status == to)
        return req_fail (r, PMO_ESTATE, "status", "status: issue %s/%u is already %s", i->project, id, to_name);
    if (i->status == PMO__ISSUE_STATUS__ISSUE_CLOSED)
        return req_fail (r, PMO_ESTATE, "status", "status: issue %s/%u cannot go from closed to %s: closed is final",
                         i->project, id, to_name);
    if (to == PMO__ISSUE_STATUS__ISSUE_CLOSED && i->status != PMO__ISSUE_STATUS__ISSUE_RESOLVED)
        return req_fail (r, PMO_ESTATE, "status",
                         "status: issue %s/%u cannot go from %s to closed: resolve it first", i->project, id,
                         from_name);
    return PMO_OK;
}

int
issue_check (req_t *r, const Pmo__Issue *i)
{
    int rc = gov_text (r, "title", i->title, PMO_MAX_NAME_BYTES, true);
    if (!rc && (!i->has_severity || i->severity == PMO__SEVERITY__SEVERITY_UNSET))
        rc = req_fail (r, PMO_EINVAL, "severity", "severity: missing (low, medium, high or critical)");
    if (!rc && (i->severity < PMO__SEVERITY__SEVERITY_LOW || i->severity > PMO__SEVERITY__SEVERITY_CRITICAL))
        rc = req_fail (r, PMO_EINVAL, "severity", "severity: %d is not low, medium, high or critical",
                       (int) i->severity);
    if (!rc)
        rc = gov_person (r, "owner", i->owner, true);
    if (!rc)
        rc = gov_date (r, "due", i->due);
    if (!rc)
        rc = gov_text (r, "resolution", i->resolution, PMO_MAX_NOTE_BYTES, false);
    return rc;
}

static int
s_store (req_t *r, Pmo__Issue *i, const char *topic)
{
    i->has_updated_ms = true;
    i->updated_ms = r->now_ms;
    int rc = gov_put (r, DB_ISSUES, i->project, i->id, i);
    return rc ? rc : events_emit (r, topic, i->project, PMO__EVENT__BODY_ISSUE, i);
}

int
issue_create (req_t *r, Pmo__Issue *i)
{
    if (i->due && !*i->due)
        i->due = NULL;
    i->resolution = NULL;  /* an issue is resolved later, with its resolution */
    int rc = issue_check (r, i);
    if (rc)
        return rc;
    i->has_id = true;
    i->id = gov_next_id (r->txn, DB_ISSUES, i->project);
    i->has_status = true;
    i->status = PMO__ISSUE_STATUS__ISSUE_OPEN;
    i->has_created_ms = true;
    i->created_ms = r->now_ms;
    return s_store (r, i, "issue.added");
}

int
handle_issue_add (req_t *r)
{
    Pmo__Issue i = *r->req->issue_add;
    Pmo__Project *p;
    int rc = gov_live_project (r, i.project, "issues", &p);
    if (rc)
        return rc;
    i.has_risk = false;  /* only risk occur links an issue to its risk */
    return issue_create (r, &i);
}

int
handle_issue_update (req_t *r)
{
    const Pmo__IssueUpdate *u = r->req->issue_update;
    Pmo__Project *p;
    Pmo__Issue *old;
    int rc = gov_project (r, u->project, &p);
    if (!rc)
        rc = gov_load (r, DB_ISSUES, "issue", u->project, u->id, &pmo__issue__descriptor, (void **) &old);
    if (rc)
        return rc;
    bool has_status = u->has_status && u->status != PMO__ISSUE_STATUS__ISSUE_STATUS_UNSET;
    if (has_status && !s_status_valid (u->status))
        return req_fail (r, PMO_EINVAL, "status", "status: %d is not an issue status", (int) u->status);
    if (has_status)
        rc = s_transition (r, old, u->status);
    else if (old->status == PMO__ISSUE_STATUS__ISSUE_CLOSED)
        rc = req_fail (r, PMO_ESTATE, "status", "issue %s/%u is closed, a final state: it no longer changes",
                       old->project, (unsigned) old->id);
    if (rc)
        return rc;
    if (has_status && u->status == PMO__ISSUE_STATUS__ISSUE_RESOLVED && !(u->resolution && *u->resolution))
        return req_fail (r, PMO_EINVAL, "resolution", "resolution: required to resolve issue %s/%u",
                         old->project, (unsigned) old->id);
    Pmo__Issue i = *old;
    bool has_any = has_status;
#define S_TAKE(f) do { if (u->f) { i.f = u->f; has_any = true; } } while (0)
    S_TAKE (title);
    S_TAKE (owner);
    S_TAKE (due);
    S_TAKE (resolution);
#undef S_TAKE
    if (i.due && !*i.due)
        i.due = NULL;
    if (u->has_severity && u->severity != PMO__SEVERITY__SEVERITY_UNSET) {
        i.severity = u->severity;
        has_any = true;
    }
    if (has_status)
        i.status = u->status;
    if (!has_any)
        return req_fail (r, PMO_EINVAL, "", "issue %s/%u: nothing to change", old->project, (unsigned) old->id);
    rc = issue_check (r, &i);
    return rc ? rc : s_store (r, &i, "issue.changed");
}
