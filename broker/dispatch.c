/*  dispatch: the table of request kinds, and the single place where an rc
 *  becomes a Reply status.  Handlers never write replies themselves. */
#include "broker.h"
#include "plan.h"
#include "registers.h"
#include "pmo/pmo_error.h"

#define W true
#define R false
#define AGENT true

static const dispatch_entry_t s_table[] = {
    {PMO__REQUEST__BODY_PING, "ping", R, false, handle_ping},
    {PMO__REQUEST__BODY_PORTFOLIO_ADD, "portfolio_add", W, false, handle_portfolio_add},
    {PMO__REQUEST__BODY_PROGRAMME_ADD, "programme_add", W, false, handle_programme_add},
    {PMO__REQUEST__BODY_TEAM_ADD, "team_add", W, false, handle_team_add},
    {PMO__REQUEST__BODY_PERSON_ADD, "person_add", W, false, handle_person_add},
    {PMO__REQUEST__BODY_PROJECT_ADD, "project_add", W, false, handle_project_add},
    {PMO__REQUEST__BODY_PROJECT_UPDATE, "project_update", W, false, handle_project_update},
    {PMO__REQUEST__BODY_MILESTONE_ADD, "milestone_add", W, false, handle_milestone_add},
    {PMO__REQUEST__BODY_MILESTONE_UPDATE, "milestone_update", W, false, handle_milestone_update},
    {PMO__REQUEST__BODY_TIME, "time", W, AGENT, handle_time},
    {PMO__REQUEST__BODY_COST, "cost", W, AGENT, handle_cost},
    {PMO__REQUEST__BODY_PROGRESS, "progress", W, AGENT, handle_progress},
    {PMO__REQUEST__BODY_MILESTONE_REACHED, "milestone_reached", W, AGENT, handle_milestone_reached},
    {PMO__REQUEST__BODY_HEARTBEAT, "heartbeat", W, false, handle_heartbeat},
    {PMO__REQUEST__BODY_LIST, "list", R, false, handle_list},
    {PMO__REQUEST__BODY_PROJECT_SHOW, "project_show", R, false, handle_project_show},
    {PMO__REQUEST__BODY_STATUS, "status", R, false, handle_status},
    {PMO__REQUEST__BODY_LOG, "log", R, false, handle_log},
    {PMO__REQUEST__BODY_REPORT, "report", R, false, handle_report},
    {PMO__REQUEST__BODY_BACKUP, "backup", R, false, handle_backup},
    {PMO__REQUEST__BODY_CLOCK_SET, "clock_set", W, false, handle_clock_set},
    {PMO__REQUEST__BODY_POLICY_SET, "policy_set", W, false, handle_policy_set},
    {PMO__REQUEST__BODY_POLICY_GET, "policy_get", R, false, handle_policy_get},
    /*  Governance (issue 7).  Roles each needs, for the role checks of
     *  issue 5: reads viewer; template_add, gate_decide, phase_advance,
     *  allocation_set, criterion_set, score_set manager. */
    {PMO__REQUEST__BODY_TEMPLATE_ADD, "template_add", W, false, handle_template_add},      /* manager */
    {PMO__REQUEST__BODY_TEMPLATE_SHOW, "template_show", R, false, handle_template_show},   /* viewer */
    {PMO__REQUEST__BODY_TEMPLATE_LIST, "template_list", R, false, handle_template_list},   /* viewer */
    {PMO__REQUEST__BODY_LIFE_CYCLE, "life_cycle", R, false, handle_life_cycle},            /* viewer */
    {PMO__REQUEST__BODY_GATE_DECIDE, "gate_decide", W, false, handle_gate_decide},         /* manager */
    {PMO__REQUEST__BODY_PHASE_ADVANCE, "phase_advance", W, false, handle_phase_advance},   /* manager */
    {PMO__REQUEST__BODY_ALLOCATION_SET, "allocation_set", W, false, handle_allocation_set}, /* manager */
    {PMO__REQUEST__BODY_RESOURCES, "resources", R, false, handle_resources},               /* viewer */
    {PMO__REQUEST__BODY_CRITERION_SET, "criterion_set", W, false, handle_criterion_set},   /* manager */
    {PMO__REQUEST__BODY_SCORE_SET, "score_set", W, false, handle_score_set},               /* manager */
    {PMO__REQUEST__BODY_PRIORITIES, "priorities", R, false, handle_priorities},            /* viewer */
    /*  Governance registers (docs/governance-registers.md).  Roles for the
     *  auth issue to wire: register writes (risk_add, risk_update,
     *  risk_occur, issue_add, issue_update, change_submit) need analyst;
     *  change_decide (approve/reject; withdraw too, being one request kind)
     *  and project_close need manager; register_query needs viewer. */
    {PMO__REQUEST__BODY_RISK_ADD, "risk_add", W, false, handle_risk_add},           /* analyst */
    {PMO__REQUEST__BODY_RISK_UPDATE, "risk_update", W, false, handle_risk_update},  /* analyst */
    {PMO__REQUEST__BODY_RISK_OCCUR, "risk_occur", W, false, handle_risk_occur},     /* analyst */
    {PMO__REQUEST__BODY_ISSUE_ADD, "issue_add", W, false, handle_issue_add},        /* analyst */
    {PMO__REQUEST__BODY_ISSUE_UPDATE, "issue_update", W, false, handle_issue_update}, /* analyst */
    {PMO__REQUEST__BODY_CHANGE_SUBMIT, "change_submit", W, false, handle_change_submit}, /* analyst */
    {PMO__REQUEST__BODY_CHANGE_DECIDE, "change_decide", W, false, handle_change_decide}, /* manager */
    {PMO__REQUEST__BODY_PROJECT_CLOSE, "project_close", W, false, handle_project_close}, /* manager */
    {PMO__REQUEST__BODY_REGISTER_QUERY, "register_query", R, false, handle_register_query}, /* viewer */
    {PMO__REQUEST__BODY_VOID_ENTRY, "void_entry", W, AGENT, handle_void_entry},
};

const dispatch_entry_t *
dispatch_find (const Pmo__Request *req)
{
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_table); i++)
        if ((int) req->body_case == s_table[i].body_case)
            return &s_table[i];
    return NULL;
}

static Pmo__Status
s_status (int rc)
{
    switch (rc) {
    case PMO_OK: return PMO__STATUS__STATUS_OK;
    case PMO_EINVAL:
    case PMO_EOVERFLOW: return PMO__STATUS__STATUS_INVALID;
    case PMO_ENOTFOUND: return PMO__STATUS__STATUS_NOT_FOUND;
    case PMO_EEXIST: return PMO__STATUS__STATUS_EXISTS;
    case PMO_EPROTO: return PMO__STATUS__STATUS_PROTOCOL;
    case PMO_EFULL: return PMO__STATUS__STATUS_FULL;
    case PMO_EDENIED: return PMO__STATUS__STATUS_DENIED;
    case PMO_EBUSY: return PMO__STATUS__STATUS_BUSY;
    case PMO_ESTATE: return PMO__STATUS__STATUS_STATE;
    case PMO_ETOOBIG: return PMO__STATUS__STATUS_TOO_BIG;
    default: return PMO__STATUS__STATUS_INTERNAL;
    }
}

void
dispatch_reply_status (Pmo__Reply *reply, int rc, const pmo_reason_t *reason)
{
    reply->has_status = true;
    reply->status = s_status (rc);
    if (rc == PMO_OK)
        return;
    /*  The reason borrows from the item, which outlives the pack. */
    reply->reason = (char *) (reason->text[0] ? reason->text : pmo_strerror (rc));
    if (reason->field[0])
        reply->field = (char *) reason->field;
}
