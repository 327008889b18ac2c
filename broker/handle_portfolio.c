/*  handle_portfolio: the P3 structure and its people: portfolios,
 *  programmes, teams, people, projects and milestones, created and changed
 *  by operators.  Each handler validates everything before it writes, and
 *  runs in a child txn, so a refusal changes nothing. */
#include <stdio.h>

#include "broker.h"
#include "plan.h"
#include "registers.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

static int
s_code (req_t *r, const char *field, const char *s)
{
    return pmo_check_code (field, s, &r->reason);
}

static int
s_text (req_t *r, const char *field, const char *s, size_t max, bool required)
{
    return pmo_check_text (field, s, max, required, &r->reason);
}

/*  Refuses when code already exists in db. */
static int
s_must_be_new (req_t *r, unsigned db, const char *what, const char *code)
{
    pmo_key_t k;
    tables_key_code (&k, code);
    if (tables_has (r->txn, db, &k))
        return req_fail (r, PMO_EEXIST, "code", "%s %s already exists", what, code);
    return PMO_OK;
}

/*  An optional reference to another record must name one that exists. */
static int
s_ref (req_t *r, unsigned db, const char *what, const char *code)
{
    if (!code || !*code)
        return PMO_OK;
    int rc = s_code (r, what, code);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_code (&k, code);
    if (!tables_has (r->txn, db, &k))
        return req_fail (r, PMO_ENOTFOUND, what, "%s %s: not found", what, code);
    return PMO_OK;
}

static int
s_put_code (req_t *r, unsigned db, const char *code, const void *msg)
{
    pmo_key_t k;
    tables_key_code (&k, code);
    int rc = tables_put (r->txn, db, &k, msg, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store %s: %s", code, pmo_strerror (rc));
    return PMO_OK;
}

static int
s_currency (req_t *r, const char *field, const char *code, bool required)
{
    if (!code || !*code) {
        if (required)
            return req_fail (r, PMO_EINVAL, field, "%s: missing (an ISO 4217 code such as EUR)", field);
        return PMO_OK;
    }
    if (!pmo_currency_valid (code))
        return req_fail (r, PMO_EINVAL, field, "%s: \"%.8s\" is not an ISO 4217 currency code", field, code);
    return PMO_OK;
}

int
handle_portfolio_add (req_t *r)
{
    Pmo__Portfolio p = *r->req->portfolio_add;
    int rc = s_code (r, "code", p.code);
    if (!rc)
        rc = s_text (r, "name", p.name, PMO_MAX_NAME_BYTES, false);
    if (!rc)
        rc = s_must_be_new (r, DB_PORTFOLIOS, "portfolio", p.code);
    if (rc)
        return rc;
    p.has_created_ms = true;
    p.created_ms = r->now_ms;
    rc = s_put_code (r, DB_PORTFOLIOS, p.code, &p);
    return rc ? rc : events_emit (r, "portfolio.created", NULL, PMO__EVENT__BODY_PORTFOLIO, &p);
}

int
handle_programme_add (req_t *r)
{
    Pmo__Programme p = *r->req->programme_add;
    int rc = s_code (r, "code", p.code);
    if (!rc)
        rc = s_text (r, "name", p.name, PMO_MAX_NAME_BYTES, false);
    if (!rc)
        rc = s_ref (r, DB_PORTFOLIOS, "portfolio", p.portfolio);
    if (!rc)
        rc = s_must_be_new (r, DB_PROGRAMMES, "programme", p.code);
    if (rc)
        return rc;
    p.has_created_ms = true;
    p.created_ms = r->now_ms;
    rc = s_put_code (r, DB_PROGRAMMES, p.code, &p);
    return rc ? rc : events_emit (r, "programme.created", NULL, PMO__EVENT__BODY_PROGRAMME, &p);
}

int
handle_team_add (req_t *r)
{
    Pmo__Team t = *r->req->team_add;
    int rc = s_code (r, "code", t.code);
    if (!rc)
        rc = s_text (r, "name", t.name, PMO_MAX_NAME_BYTES, false);
    if (!rc)
        rc = s_must_be_new (r, DB_TEAMS, "team", t.code);
    if (rc)
        return rc;
    t.has_created_ms = true;
    t.created_ms = r->now_ms;
    t.has_last_seen_ms = false;
    t.last_agent = NULL;
    rc = s_put_code (r, DB_TEAMS, t.code, &t);
    return rc ? rc : events_emit (r, "team.created", NULL, PMO__EVENT__BODY_TEAM, &t);
}

int
handle_person_add (req_t *r)
{
    Pmo__Person p = *r->req->person_add;
    int rc = s_code (r, "id", p.id);
    if (!rc)
        rc = s_text (r, "name", p.name, PMO_MAX_NAME_BYTES, true);
    if (!rc)
        rc = s_text (r, "role", p.role, PMO_MAX_NAME_BYTES, false);
    if (!rc)
        rc = s_ref (r, DB_TEAMS, "team", p.team);
    if (!rc && p.has_rate_minor)
        rc = pmo_check_range ("rate", p.rate_minor, 0, PMO_MAX_RATE_MINOR, &r->reason);
    if (!rc)
        rc = s_currency (r, "currency", p.currency, p.has_rate_minor && p.rate_minor > 0);
    if (!rc && p.has_capacity_minutes)
        rc = pmo_check_range ("capacity_minutes", p.capacity_minutes, 0, PMO_MAX_CAPACITY_MINUTES,
                              &r->reason);
    if (!rc)
        rc = s_must_be_new (r, DB_PEOPLE, "person", p.id);
    if (rc)
        return rc;
    p.has_created_ms = true;
    p.created_ms = r->now_ms;
    rc = s_put_code (r, DB_PEOPLE, p.id, &p);
    return rc ? rc : events_emit (r, "person.created", NULL, PMO__EVENT__BODY_PERSON, &p);
}

/*  The project life cycle.  Closed and cancelled are final. */
static bool
s_transition_ok (Pmo__ProjectStatus from, Pmo__ProjectStatus to)
{
    if (from == to)
        return true;
    switch (from) {
    case PMO__PROJECT_STATUS__PROJECT_PROPOSED:
        return to == PMO__PROJECT_STATUS__PROJECT_APPROVED || to == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
    case PMO__PROJECT_STATUS__PROJECT_APPROVED:
        return to == PMO__PROJECT_STATUS__PROJECT_ACTIVE || to == PMO__PROJECT_STATUS__PROJECT_ON_HOLD
               || to == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
    case PMO__PROJECT_STATUS__PROJECT_ACTIVE:
        return to == PMO__PROJECT_STATUS__PROJECT_ON_HOLD || to == PMO__PROJECT_STATUS__PROJECT_CLOSED
               || to == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
    case PMO__PROJECT_STATUS__PROJECT_ON_HOLD:
        return to == PMO__PROJECT_STATUS__PROJECT_ACTIVE || to == PMO__PROJECT_STATUS__PROJECT_CANCELLED;
    default:
        return false;
    }
}

static bool
s_status_valid (int s)
{
    return s >= PMO__PROJECT_STATUS__PROJECT_PROPOSED && s <= PMO__PROJECT_STATUS__PROJECT_CANCELLED;
}

/*  Rules shared by add and update, checked on the merged record. */
static int
s_check_project (req_t *r, const Pmo__Project *p)
{
    int32_t start, finish;
    int rc = s_text (r, "name", p->name, PMO_MAX_NAME_BYTES, true);
    if (!rc)
        rc = s_ref (r, DB_PROGRAMMES, "programme", p->programme);
    if (!rc)
        rc = s_ref (r, DB_PEOPLE, "manager", p->manager);
    if (!rc)
        rc = s_ref (r, DB_TEAMS, "team", p->team);
    if (!rc)
        rc = req_date (r, "start", p->start, true, 0, &start);
    if (!rc)
        rc = req_date (r, "finish", p->finish, true, 0, &finish);
    if (!rc && finish < start)
        rc = req_fail (r, PMO_EINVAL, "finish", "finish: %s is before start %s", p->finish, p->start);
    if (!rc && !p->has_bac_minor)
        rc = req_fail (r, PMO_EINVAL, "budget", "budget: missing (budget at completion, e.g. 120000.00 EUR)");
    if (!rc)
        rc = pmo_check_range ("budget", p->bac_minor, 0, PMO_MAX_AMOUNT_MINOR, &r->reason);
    if (!rc)
        rc = s_currency (r, "currency", p->currency, true);
    if (!rc && !s_status_valid (p->status))
        rc = req_fail (r, PMO_EINVAL, "status", "status: %d is not a project status", (int) p->status);
    return rc;
}

int
handle_project_add (req_t *r)
{
    Pmo__Project p = *r->req->project_add;
    if (!p.has_status || p.status == PMO__PROJECT_STATUS__PROJECT_STATUS_UNSET) {
        p.has_status = true;
        p.status = PMO__PROJECT_STATUS__PROJECT_PROPOSED;
    }
    int rc = s_code (r, "code", p.code);
    if (!rc)
        rc = s_check_project (r, &p);
    /*  Closed means closed through `project close`, with its closure
     *  record and lessons; a project recorded as cancelled needs none. */
    if (!rc && p.status == PMO__PROJECT_STATUS__PROJECT_CLOSED)
        rc = req_fail (r, PMO_EINVAL, "status", "status: a new project cannot be closed; create it, then close it "
                       "with `project close` (closure record and lessons)");
    if (!rc)
        rc = s_must_be_new (r, DB_PROJECTS, "project", p.code);
    Pmo__Template *tpl = NULL;  /* governance: created from a template */
    if (!rc)
        rc = template_resolve (r, &p, &tpl);
    if (rc)
        return rc;
    p.has_percent_bp = true;
    p.percent_bp = 0;
    p.has_baseline_version = false;  /* server: change control sets it */
    p.has_created_ms = p.has_updated_ms = true;
    p.created_ms = p.updated_ms = r->now_ms;
    rc = s_put_code (r, DB_PROJECTS, p.code, &p);
    if (!rc)
        rc = events_emit (r, "project.created", p.code, PMO__EVENT__BODY_PROJECT_RECORD, &p);
    return rc || !tpl ? rc : template_instantiate (r, &p, tpl);
}

int
handle_project_update (req_t *r)
{
    const Pmo__ProjectUpdate *u = r->req->project_update;
    Pmo__Project *old;
    int rc = req_load (r, DB_PROJECTS, u->code, "project", &pmo__project__descriptor, (void **) &old);
    if (rc)
        return rc;
    Pmo__Project p = *old;
    if (u->name) p.name = u->name;
    if (u->programme) p.programme = *u->programme ? u->programme : NULL;
    if (u->manager) p.manager = *u->manager ? u->manager : NULL;
    if (u->team) p.team = *u->team ? u->team : NULL;
    if (u->start) p.start = u->start;
    if (u->finish) p.finish = u->finish;
    if (u->has_bac_minor) p.bac_minor = u->bac_minor;
    if (u->currency) p.currency = u->currency;
    if (u->has_status && u->status != PMO__PROJECT_STATUS__PROJECT_STATUS_UNSET) {
        if (!s_status_valid (u->status))
            return req_fail (r, PMO_EINVAL, "status", "status: %d is not a project status", (int) u->status);
        if (!s_transition_ok (old->status, u->status))
            return req_fail (r, PMO_ESTATE, "status", "status: project %s cannot go from %s to %s",
                             old->code, pmo_wire_status_name (old->status), pmo_wire_status_name (u->status));
        p.status = u->status;
    }
    rc = s_check_project (r, &p);
    if (!rc)
        rc = governance_check_project_update (r, old, &p);
    if (rc)
        return rc;
    /*  A closed or cancelled project's plan is history: change control
     *  approves no change to it, and neither does a plain update. */
    const char *plan = !streq (p.start, old->start)         ? "start"
                       : !streq (p.finish, old->finish)     ? "finish"
                       : p.bac_minor != old->bac_minor      ? "budget"
                       : !streq (p.currency, old->currency) ? "currency"
                                                            : NULL;
    if (plan && gov_project_is_over (old))
        return req_fail (r, PMO_ESTATE, plan, "%s: project %s is %s: its plan no longer changes", plan, old->code,
                         pmo_wire_status_name (old->status));
    if (!streq (p.currency, old->currency)) {
        pmo_key_t k;
        tables_key_code (&k, p.code);
        if (tables_has (r->txn, DB_TOTALS, &k))
            return req_fail (r, PMO_ESTATE, "currency",
                             "currency: project %s already has costs booked in %s; it cannot change to %s",
                             p.code, old->currency, p.currency);
    }
    p.has_updated_ms = true;
    p.updated_ms = r->now_ms;
    rc = s_put_code (r, DB_PROJECTS, p.code, &p);
    return rc ? rc : events_emit (r, "project.updated", p.code, PMO__EVENT__BODY_PROJECT_RECORD, &p);
}

/*  Milestone dates and weight, checked on the merged record.  A new actual
 *  date is a fact, so it is not in the future (one kept from before is
 *  left as it is). */
static int
s_check_milestone (req_t *r, const Pmo__Milestone *m, bool new_actual)
{
    int32_t day;
    int rc = req_date (r, "due", m->due, true, 0, &day);
    if (!rc)
        rc = req_date (r, "forecast", m->forecast, false, 0, &day);
    if (!rc)
        rc = req_date (r, "actual", m->actual, false, 0, &day);
    if (!rc && new_actual && m->actual)
        rc = req_not_future (r, "actual", m->actual, day);
    if (!rc && m->has_weight)
        rc = pmo_check_range ("weight", m->weight, 0, PMO_MAX_WEIGHT, &r->reason);
    return rc;
}

static int
s_put_milestone (req_t *r, const Pmo__Milestone *m)
{
    pmo_key_t k;
    tables_key_milestone (&k, m->project, m->name);
    int rc = tables_put (r->txn, DB_MILESTONES, &k, m, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "cannot store milestone: %s", pmo_strerror (rc));
    return PMO_OK;
}

int
handle_milestone_add (req_t *r)
{
    Pmo__Milestone m = *r->req->milestone_add;
    Pmo__Project *p;
    int rc = req_load (r, DB_PROJECTS, m.project, "project", &pmo__project__descriptor, (void **) &p);
    if (!rc && gov_project_is_over (p))
        rc = req_fail (r, PMO_ESTATE, "project", "project %s is %s: it takes no new milestones", p->code,
                       pmo_wire_status_name (p->status));
    if (!rc)
        rc = s_text (r, "name", m.name, PMO_MAX_NAME_BYTES, true);
    if (!rc)
        rc = s_check_milestone (r, &m, true);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_milestone (&k, m.project, m.name);
    if (tables_has (r->txn, DB_MILESTONES, &k))
        return req_fail (r, PMO_EEXIST, "name", "milestone \"%s\" of project %s already exists", m.name, m.project);
    /*  Unweighted by default: only milestones given weights time-phase the
     *  project's planned value (otherwise PV is linear over the baseline). */
    if (!m.has_weight) {
        m.has_weight = true;
        m.weight = 0;
    }
    m.has_created_ms = true;
    m.created_ms = r->now_ms;
    rc = s_put_milestone (r, &m);
    return rc ? rc : events_emit (r, "milestone.created", m.project, PMO__EVENT__BODY_MILESTONE, &m);
}

/*  Loads a milestone; the reason names project and milestone when absent. */
static int
s_load_milestone (req_t *r, const char *project, const char *name, Pmo__Milestone **m_p)
{
    Pmo__Project *p;
    int rc = req_load (r, DB_PROJECTS, project, "project", &pmo__project__descriptor, (void **) &p);
    if (!rc)
        rc = s_text (r, "name", name, PMO_MAX_NAME_BYTES, true);
    if (rc)
        return rc;
    pmo_key_t k;
    tables_key_milestone (&k, project, name);
    rc = tables_get (r->txn, DB_MILESTONES, &k, &pmo__milestone__descriptor, (void **) m_p);
    if (rc == PMO_ENOTFOUND)
        return req_fail (r, rc, "name", "milestone \"%s\" of project %s: not found", name, project);
    if (rc)
        return req_fail (r, rc, "name", "milestone \"%s\": %s", name, pmo_strerror (rc));
    req_keep (r, *m_p);
    return PMO_OK;
}

int
handle_milestone_update (req_t *r)
{
    const Pmo__MilestoneUpdate *u = r->req->milestone_update;
    Pmo__Milestone *old;
    int rc = s_load_milestone (r, u->project, u->name, &old);
    if (rc)
        return rc;
    Pmo__Milestone m = *old;
    if (u->due) m.due = u->due;
    if (u->forecast) m.forecast = *u->forecast ? u->forecast : NULL;
    if (u->actual) m.actual = *u->actual ? u->actual : NULL;
    if (u->has_weight) {
        m.has_weight = true;
        m.weight = u->weight;
    }
    rc = s_check_milestone (r, &m, u->actual && *u->actual);
    if (!rc)
        rc = governance_check_milestone_update (r, old, &m);
    if (rc)
        return rc;
    rc = s_put_milestone (r, &m);
    bool reached = m.actual && !old->actual;
    const char *topic = reached ? "milestone.reached" : "milestone.updated";
    return rc ? rc : events_emit (r, topic, m.project, PMO__EVENT__BODY_MILESTONE, &m);
}

/*  An already reached milestone is left as it is: reaching is reported once. */
int
milestone_reach (req_t *r, const char *project, const char *name, const char *date)
{
    Pmo__Milestone *old;
    int rc = s_load_milestone (r, project, name, &old);
    if (rc || old->actual)
        return rc;
    Pmo__Milestone m = *old;
    m.actual = (char *) date;
    rc = s_put_milestone (r, &m);
    return rc ? rc : events_emit (r, "milestone.reached", project, PMO__EVENT__BODY_MILESTONE, &m);
}

int
handle_heartbeat (req_t *r)
{
    const Pmo__Heartbeat *h = r->req->heartbeat;
    Pmo__Team *old;
    int rc = req_load (r, DB_TEAMS, h->team, "team", &pmo__team__descriptor, (void **) &old);
    if (!rc)
        rc = s_text (r, "agent", h->agent, PMO_MAX_AGENT_ID_LEN, true);
    if (rc)
        return rc;
    /*  Liveness, not a change of the portfolio: stored (team.silent needs
     *  it across restarts) but not an event in the audit log. */
    Pmo__Team t = *old;
    t.has_last_seen_ms = true;
    t.last_seen_ms = r->now_ms;
    t.last_agent = h->agent;
    return s_put_code (r, DB_TEAMS, t.code, &t);
}
