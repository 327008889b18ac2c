/*  gov_util: request builders for the governance register tests (40-42):
 *  each sends one request to the real pmod through libpmo's client and
 *  returns the reply status, leaving the reason in gov_reason. */
#ifndef PMO_TEST_GOV_UTIL_H
#define PMO_TEST_GOV_UTIL_H

#include "cli.h"
#include "client_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN

static pmo_client_t *gov_client;
static char gov_reason[256];

#define OK_ PMO__STATUS__STATUS_OK
#define STATE_ PMO__STATUS__STATUS_STATE
#define INVALID_ PMO__STATUS__STATUS_INVALID
#define NOT_FOUND_ PMO__STATUS__STATUS_NOT_FOUND

/*  Checks a reply status and its exact reason ("" for OK). */
#define CHECK_REPLY(expr, want_status, want_reason) do { \
    int st_ = (expr); \
    CHECK_EQ_I64 (st_, (want_status)); \
    CHECK_STR (gov_reason, (want_reason)); \
} while (0)

static inline int
gov_call (Pmo__Request *req)
{
    gov_reason[0] = '\0';
    return call_status (gov_client, req, gov_reason, sizeof gov_reason);
}

/*  Runs pmoctl expecting exit 0. */
static inline void
gov_ok (run_t r)
{
    CHECK_EQ_I64 (r.status, 0);
    if (r.status)
        fprintf (stderr, "stderr: %s\n", r.err);
    run_free (&r);
}

static inline int
risk_add (const char *project, const char *title, int p, int i, const char *owner)
{
    Pmo__Risk rk = PMO__RISK__INIT;
    rk.project = (char *) project;
    rk.title = (char *) title;
    rk.has_probability = rk.has_impact = true;
    rk.probability = p;
    rk.impact = i;
    rk.owner = (char *) owner;
    REQ (req, RISK_ADD, risk_add, &rk);
    return gov_call (&req);
}

static inline int
risk_status (const char *project, uint32_t id, Pmo__RiskStatus to)
{
    Pmo__RiskUpdate u = PMO__RISK_UPDATE__INIT;
    u.project = (char *) project;
    u.has_id = true;
    u.id = id;
    u.has_status = true;
    u.status = to;
    REQ (req, RISK_UPDATE, risk_update, &u);
    return gov_call (&req);
}

static inline int
risk_occur (const char *project, uint32_t id)
{
    Pmo__RiskOccur o = PMO__RISK_OCCUR__INIT;
    o.project = (char *) project;
    o.has_id = true;
    o.id = id;
    REQ (req, RISK_OCCUR, risk_occur, &o);
    return gov_call (&req);
}

static inline int
issue_add (const char *project, const char *title, Pmo__Severity severity, const char *owner)
{
    Pmo__Issue i = PMO__ISSUE__INIT;
    i.project = (char *) project;
    i.title = (char *) title;
    i.has_severity = true;
    i.severity = severity;
    i.owner = (char *) owner;
    REQ (req, ISSUE_ADD, issue_add, &i);
    return gov_call (&req);
}

static inline int
issue_status (const char *project, uint32_t id, Pmo__IssueStatus to, const char *resolution)
{
    Pmo__IssueUpdate u = PMO__ISSUE_UPDATE__INIT;
    u.project = (char *) project;
    u.has_id = true;
    u.id = id;
    u.has_status = true;
    u.status = to;
    u.resolution = (char *) resolution;
    REQ (req, ISSUE_UPDATE, issue_update, &u);
    return gov_call (&req);
}

/*  A change request: cost (has_cost), a new finish (NULL: none), days
 *  (has_days), one milestone's new due date (NULL: none). */
static inline int
change_submit (const char *project, const char *description, bool has_cost, int64_t cost, const char *finish,
               bool has_days, int32_t days, const char *milestone, const char *due)
{
    Pmo__ChangeRequest c = PMO__CHANGE_REQUEST__INIT;
    c.project = (char *) project;
    c.description = (char *) description;
    c.has_cost_impact_minor = has_cost;
    c.cost_impact_minor = cost;
    c.finish = (char *) finish;
    c.has_schedule_days = has_days;
    c.schedule_days = days;
    Pmo__MilestoneDue md = PMO__MILESTONE_DUE__INIT;
    Pmo__MilestoneDue *mds[] = {&md};
    if (milestone) {
        md.name = (char *) milestone;
        md.due = (char *) due;
        c.milestones = mds;
        c.n_milestones = 1;
    }
    REQ (req, CHANGE_SUBMIT, change_submit, &c);
    return gov_call (&req);
}

static inline int
change_decide (const char *project, uint32_t id, Pmo__ChangeStatus to, const char *reason)
{
    Pmo__ChangeDecision d = PMO__CHANGE_DECISION__INIT;
    d.project = (char *) project;
    d.has_id = true;
    d.id = id;
    d.has_status = true;
    d.status = to;
    d.reason = (char *) reason;
    REQ (req, CHANGE_DECIDE, change_decide, &d);
    return gov_call (&req);
}

/*  Closes project with n_lessons copies of one lesson (0: none). */
static inline int
project_close (const char *code, size_t n_lessons, const char *category, const char *went_well,
               const char *recommendation)
{
    Pmo__Lesson l = PMO__LESSON__INIT;
    l.category = (char *) category;
    l.went_well = (char *) went_well;
    l.recommendation = (char *) recommendation;
    Pmo__Lesson *ls[4] = {&l, &l, &l, &l};
    Pmo__ProjectClose q = PMO__PROJECT_CLOSE__INIT;
    q.code = (char *) code;
    q.lessons = ls;
    q.n_lessons = n_lessons < 4 ? n_lessons : 4;
    REQ (req, PROJECT_CLOSE, project_close, &q);
    return gov_call (&req);
}

static inline int
project_status (const char *code, Pmo__ProjectStatus to)
{
    Pmo__ProjectUpdate u = PMO__PROJECT_UPDATE__INIT;
    u.code = (char *) code;
    u.has_status = true;
    u.status = to;
    REQ (req, PROJECT_UPDATE, project_update, &u);
    return gov_call (&req);
}

/*  The topics of project's events after seq since, through pmoctl log
 *  --json, joined by blanks into buf. */
static inline void
gov_topics (const char *project, const char *since, char *buf, size_t n)
{
    buf[0] = '\0';
    json_object *j = RUN_JSON (CTL, "log", "--project", project, "--since", since, "--json");
    json_object *events = json_get (j, "events");
    for (size_t i = 0; events && i < json_object_array_length (events); i++) {
        size_t len = strlen (buf);
        snprintf (buf + len, n - len, "%s%s", len ? " " : "",
                  json_str (json_object_array_get_idx (events, i), "topic"));
    }
    json_object_put (j);
}

/*  pmod's last seq, as text for --since. */
static inline void
gov_last_seq (char out[24])
{
    snprintf (out, 24, "%lld", tlast_seq ());
}

#endif
