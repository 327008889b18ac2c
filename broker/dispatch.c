/*  dispatch: the table of request kinds, and the single place where an rc
 *  becomes a Reply status.  Handlers never write replies themselves. */
#include "broker.h"
#include "plan.h"
#include "registers.h"
#include "pmo/pmo_error.h"

#define W true
#define R false
#define AGENT true

/*  The last column says who may send the kind (ACCESS_* in broker.h): the
 *  lowest operator role, | AGENT for team agents (own team only), | SUB for
 *  subscribers.  A row without it is admin-only. */
#define SUB ACCESS_SUBSCRIBER
#define AGT ACCESS_AGENT

static const dispatch_entry_t s_table[] = {
    {PMO__REQUEST__BODY_PING, "ping", R, false, handle_ping, ACCESS_VIEWER | AGT | SUB},
    {PMO__REQUEST__BODY_PORTFOLIO_ADD, "portfolio_add", W, false, handle_portfolio_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PROGRAMME_ADD, "programme_add", W, false, handle_programme_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_TEAM_ADD, "team_add", W, false, handle_team_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PERSON_ADD, "person_add", W, false, handle_person_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PROJECT_ADD, "project_add", W, false, handle_project_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PROJECT_UPDATE, "project_update", W, false, handle_project_update, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_MILESTONE_ADD, "milestone_add", W, false, handle_milestone_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_MILESTONE_UPDATE, "milestone_update", W, false, handle_milestone_update, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_TIME, "time", W, AGENT, handle_time, ACCESS_MANAGER | AGT},
    {PMO__REQUEST__BODY_COST, "cost", W, AGENT, handle_cost, ACCESS_MANAGER | AGT},
    {PMO__REQUEST__BODY_PROGRESS, "progress", W, AGENT, handle_progress, ACCESS_MANAGER | AGT},
    {PMO__REQUEST__BODY_MILESTONE_REACHED, "milestone_reached", W, AGENT, handle_milestone_reached, ACCESS_MANAGER | AGT},
    {PMO__REQUEST__BODY_HEARTBEAT, "heartbeat", W, false, handle_heartbeat, ACCESS_ADMIN | AGT},
    {PMO__REQUEST__BODY_LIST, "list", R, false, handle_list, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_PROJECT_SHOW, "project_show", R, false, handle_project_show, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_STATUS, "status", R, false, handle_status, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_LOG, "log", R, false, handle_log, ACCESS_ANALYST | SUB},
    {PMO__REQUEST__BODY_REPORT, "report", R, false, handle_report, ACCESS_ANALYST},
    {PMO__REQUEST__BODY_BACKUP, "backup", R, false, handle_backup, ACCESS_ADMIN},
    {PMO__REQUEST__BODY_CLOCK_SET, "clock_set", W, false, handle_clock_set, ACCESS_ADMIN},
    {PMO__REQUEST__BODY_POLICY_SET, "policy_set", W, false, handle_policy_set, ACCESS_ADMIN},
    {PMO__REQUEST__BODY_POLICY_GET, "policy_get", R, false, handle_policy_get, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_KEY_ENROL, "key_enrol", W, false, handle_key_enrol, ACCESS_ADMIN},
    {PMO__REQUEST__BODY_KEY_REVOKE, "key_revoke", W, false, handle_key_revoke, ACCESS_ADMIN},
    {PMO__REQUEST__BODY_KEY_LIST, "key_list", R, false, handle_key_list, ACCESS_ADMIN},
    /*  Governance (docs/governance-plan.md, docs/governance-registers.md):
     *  reads for viewers; every change, register entries included, for
     *  managers (an analyst reads and exports, the issue says).  */
    {PMO__REQUEST__BODY_TEMPLATE_ADD, "template_add", W, false, handle_template_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_TEMPLATE_SHOW, "template_show", R, false, handle_template_show, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_TEMPLATE_LIST, "template_list", R, false, handle_template_list, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_LIFE_CYCLE, "life_cycle", R, false, handle_life_cycle, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_GATE_DECIDE, "gate_decide", W, false, handle_gate_decide, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PHASE_ADVANCE, "phase_advance", W, false, handle_phase_advance, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_ALLOCATION_SET, "allocation_set", W, false, handle_allocation_set, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_RESOURCES, "resources", R, false, handle_resources, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_CRITERION_SET, "criterion_set", W, false, handle_criterion_set, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_SCORE_SET, "score_set", W, false, handle_score_set, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PRIORITIES, "priorities", R, false, handle_priorities, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_RISK_ADD, "risk_add", W, false, handle_risk_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_RISK_UPDATE, "risk_update", W, false, handle_risk_update, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_RISK_OCCUR, "risk_occur", W, false, handle_risk_occur, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_ISSUE_ADD, "issue_add", W, false, handle_issue_add, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_ISSUE_UPDATE, "issue_update", W, false, handle_issue_update, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_CHANGE_SUBMIT, "change_submit", W, false, handle_change_submit, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_CHANGE_DECIDE, "change_decide", W, false, handle_change_decide, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_PROJECT_CLOSE, "project_close", W, false, handle_project_close, ACCESS_MANAGER},
    {PMO__REQUEST__BODY_REGISTER_QUERY, "register_query", R, false, handle_register_query, ACCESS_VIEWER},
    {PMO__REQUEST__BODY_VOID_ENTRY, "void_entry", W, AGENT, handle_void_entry, ACCESS_MANAGER | AGT},
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
