/*  cmd_issue: pmoctl issue add|set|list|show, the issue log of a project. */
#include <stdlib.h>

#include "cmd_governance.h"
#include "pmo/pmo_error.h"

enum { I_TITLE, I_SEVERITY, I_OWNER, I_DUE, I_STATUS, I_RESOLUTION };

#define S_ISSUE_OPTS(req)                                                                   \
    [I_TITLE] = {"title", "T", req, "what is wrong"},                                       \
    [I_SEVERITY] = {"severity", "S", req, "low|medium|high|critical"},                      \
    [I_OWNER] = {"owner", "PERSON", req, "who owns the issue (a person id)"},                \
    [I_DUE] = {"due", "D", false, "due date, YYYY-MM-DD (set: \"\" clears)"}

const pmoctl_opt_t cmd_issue_add_opts[] = {S_ISSUE_OPTS (true), {NULL, NULL, false, NULL}};
const pmoctl_opt_t cmd_issue_set_opts[] = {
    S_ISSUE_OPTS (false),
    [I_STATUS] = {"status", "S", false, "open|in_progress|resolved|closed"},
    [I_RESOLUTION] = {"resolution", "T", false, "how it was resolved (required with --status resolved)"},
    {NULL, NULL, false, NULL},
};

enum { L_STATUS };

const pmoctl_opt_t cmd_issue_list_opts[] = {
    [L_STATUS] = {"status", "S", false, "only issues in this status"},
    {NULL, NULL, false, NULL},
};

int
cmd_issue_add (pmoctl_t *ctl)
{
    Pmo__Issue i = PMO__ISSUE__INIT;
    i.project = ctl->args[0];
    int severity = 0;
    if (pmoctl_parse_enum ("--severity", ctl->opt[I_SEVERITY], &pmo__severity__descriptor, &severity)
        || pmoctl_check_date ("--due", ctl->opt[I_DUE]))
        return PMOCTL_EXIT_USAGE;
    i.has_severity = true;
    i.severity = (Pmo__Severity) severity;
    i.title = (char *) ctl->opt[I_TITLE];
    i.owner = (char *) ctl->opt[I_OWNER];
    i.due = (char *) ctl->opt[I_DUE];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_ISSUE_ADD;
    req.issue_add = &i;
    char what[128];
    snprintf (what, sizeof what, "issue %s/%%u added", i.project);
    return pmoctl_write_item (ctl, &req, PMO__EVENT__BODY_ISSUE, what);
}

int
cmd_issue_set (pmoctl_t *ctl)
{
    Pmo__IssueUpdate u = PMO__ISSUE_UPDATE__INIT;
    u.project = ctl->args[0];
    u.has_id = true;
    if (pmoctl_parse_id ("ID", ctl->args[1], &u.id))
        return PMOCTL_EXIT_USAGE;
    bool has_any = false;
    for (size_t i = 0; cmd_issue_set_opts[i].name; i++)
        has_any = has_any || ctl->opt[i];
    if (!has_any)
        return pmoctl_fail ("issue set: nothing to change (see pmoctl issue set --help)");
    int severity = 0, status = 0;
    if (pmoctl_parse_enum ("--severity", ctl->opt[I_SEVERITY], &pmo__severity__descriptor, &severity)
        || pmoctl_parse_enum ("--status", ctl->opt[I_STATUS], &pmo__issue_status__descriptor, &status)
        || (ctl->opt[I_DUE] && *ctl->opt[I_DUE] && pmoctl_check_date ("--due", ctl->opt[I_DUE])))
        return PMOCTL_EXIT_USAGE;
    u.has_severity = severity != 0;
    u.severity = (Pmo__Severity) severity;
    u.has_status = status != 0;
    u.status = (Pmo__IssueStatus) status;
    u.title = (char *) ctl->opt[I_TITLE];
    u.owner = (char *) ctl->opt[I_OWNER];
    u.due = (char *) ctl->opt[I_DUE];
    u.resolution = (char *) ctl->opt[I_RESOLUTION];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_ISSUE_UPDATE;
    req.issue_update = &u;
    return pmoctl_write (ctl, &req, "issue %s/%u updated", u.project, (unsigned) u.id);
}

int
cmd_issue_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_ISSUES, ctl->args[0], 0, ctl->opt[L_STATUS],
                               &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"issues", NULL});
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "ID", "id", OUT_RIGHT);
        out_table_column (t, "STATUS", "status", OUT_LEFT);
        out_table_column (t, "SEVERITY", "severity", OUT_LEFT);
        out_table_column (t, "OWNER", "owner", OUT_LEFT);
        out_table_column (t, "DUE", "due", OUT_LEFT);
        out_table_column (t, "RISK", "risk", OUT_RIGHT);
        out_table_column (t, "TITLE", "title", OUT_LEFT);
        out_table_column (t, NULL, "resolution", OUT_CSV_ONLY);
        for (size_t i = 0; i < v->n_issues; i++) {
            const Pmo__Issue *x = v->issues[i];
            out_table_row (t);
            out_table_cellf (t, "%u", (unsigned) x->id);
            out_table_cell (t, pmoctl_enum_name (&pmo__issue_status__descriptor, x->status));
            out_table_cell (t, pmoctl_enum_name (&pmo__severity__descriptor, x->severity));
            out_table_cell (t, x->owner);
            out_table_cell (t, x->due);
            if (x->has_risk)
                out_table_cellf (t, "%u", (unsigned) x->risk);
            else
                out_table_cell (t, "");
            out_table_cell (t, x->title);
            out_table_cell (t, x->resolution);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_issue_show (pmoctl_t *ctl)
{
    uint32_t id;
    if (pmoctl_parse_id ("ID", ctl->args[1], &id))
        return PMOCTL_EXIT_USAGE;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_ISSUES, ctl->args[0], id, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (v->n_issues != 1) {
        rc = pmoctl_fail ("issue %s/%u: pmod sent %zu records", ctl->args[0], (unsigned) id, v->n_issues);
    } else if (ctl->format == OUT_JSON) {
        pmoctl_print_json (v->issues[0], NULL);
    } else {
        const Pmo__Issue *x = v->issues[0];
        out_table_t *t = out_table_new ();
        out_table_hide_header (t);
        out_table_column (t, NULL, NULL, OUT_LEFT);
        out_table_column (t, NULL, NULL, OUT_LEFT);
#define S_KV(k, ...) do { out_table_row (t); out_table_cell (t, (k)); out_table_cellf (t, __VA_ARGS__); } while (0)
        S_KV ("issue", "%s/%u", x->project, (unsigned) x->id);
        S_KV ("title", "%s", pmoctl_str (x->title));
        S_KV ("status", "%s", pmoctl_enum_name (&pmo__issue_status__descriptor, x->status));
        S_KV ("severity", "%s", pmoctl_enum_name (&pmo__severity__descriptor, x->severity));
        S_KV ("owner", "%s", pmoctl_str (x->owner));
        S_KV ("due", "%s", pmoctl_str (x->due));
        S_KV ("resolution", "%s", pmoctl_str (x->resolution));
        if (x->has_risk)
            S_KV ("from risk", "%s/%u", x->project, (unsigned) x->risk);
#undef S_KV
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return rc;
}
