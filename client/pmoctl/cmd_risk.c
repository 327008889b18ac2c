/*  cmd_risk: pmoctl risk add|set|occur|list|show, and pmoctl risks, the
 *  portfolio's heat map (probability x impact counts of open and
 *  mitigating risks) with the risks behind it, highest score first. */
#include <stdlib.h>

#include "cmd_governance.h"
#include "pmo/pmo_error.h"

enum { K_TITLE, K_PROBABILITY, K_IMPACT, K_OWNER, K_CAUSE, K_EFFECT, K_MITIGATION, K_DUE, K_STATUS };

#define S_RISK_OPTS(req)                                                                           \
    [K_TITLE] = {"title", "T", req, "what could happen"},                                          \
    [K_PROBABILITY] = {"probability", "1-5", req, "how likely (1 rare .. 5 almost certain)"},      \
    [K_IMPACT] = {"impact", "1-5", req, "how bad (1 negligible .. 5 severe)"},                      \
    [K_OWNER] = {"owner", "PERSON", req, "who owns the risk (a person id)"},                        \
    [K_CAUSE] = {"cause", "T", false, "why it could happen"},                                      \
    [K_EFFECT] = {"effect", "T", false, "what it would do to the project"},                        \
    [K_MITIGATION] = {"mitigation", "T", false, "what is done about it"},                          \
    [K_DUE] = {"due", "D", false, "review or mitigation due date, YYYY-MM-DD (set: \"\" clears)"}

const pmoctl_opt_t cmd_risk_add_opts[] = {S_RISK_OPTS (true), {NULL, NULL, false, NULL}};
const pmoctl_opt_t cmd_risk_set_opts[] = {
    S_RISK_OPTS (false),
    [K_STATUS] = {"status", "S", false, "open|mitigating|accepted|closed|occurred"},
    {NULL, NULL, false, NULL},
};

enum { O_TITLE, O_SEVERITY, O_OWNER, O_DUE };

const pmoctl_opt_t cmd_risk_occur_opts[] = {
    [O_TITLE] = {"title", "T", false, "the issue's title (default: the risk's)"},
    [O_SEVERITY] = {"severity", "S", false,
                    "low|medium|high|critical (default from the impact: 5 critical, 4 high, 3 medium, "
                    "else low)"},
    [O_OWNER] = {"owner", "PERSON", false, "the issue's owner (default: the risk's)"},
    [O_DUE] = {"due", "D", false, "the issue's due date"},
    {NULL, NULL, false, NULL},
};

enum { L_STATUS };

const pmoctl_opt_t cmd_risk_list_opts[] = {
    [L_STATUS] = {"status", "S", false, "only risks in this status"},
    {NULL, NULL, false, NULL},
};

enum { H_PROGRAMME, H_PROJECT };

const pmoctl_opt_t cmd_risks_opts[] = {
    [H_PROGRAMME] = {"programme", "P", false, "only projects of programme P"},
    [H_PROJECT] = {"project", "CODE", false, "only project CODE"},
    {NULL, NULL, false, NULL},
};

static int
s_date_opt (const char *flag, const char *s)
{
    return s && *s ? pmoctl_check_date (flag, s) : PMO_OK;
}

int
cmd_risk_add (pmoctl_t *ctl)
{
    Pmo__Risk rk = PMO__RISK__INIT;
    rk.project = ctl->args[0];
    if (pmoctl_parse_level ("--probability", ctl->opt[K_PROBABILITY], &rk.probability)
        || pmoctl_parse_level ("--impact", ctl->opt[K_IMPACT], &rk.impact) || s_date_opt ("--due", ctl->opt[K_DUE]))
        return PMOCTL_EXIT_USAGE;
    rk.has_probability = rk.has_impact = true;
    rk.title = (char *) ctl->opt[K_TITLE];
    rk.owner = (char *) ctl->opt[K_OWNER];
    rk.cause = (char *) ctl->opt[K_CAUSE];
    rk.effect = (char *) ctl->opt[K_EFFECT];
    rk.mitigation = (char *) ctl->opt[K_MITIGATION];
    rk.due = (char *) ctl->opt[K_DUE];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_RISK_ADD;
    req.risk_add = &rk;
    char what[128];
    snprintf (what, sizeof what, "risk %s/%%u added", rk.project);
    return pmoctl_write_item (ctl, &req, PMO__EVENT__BODY_RISK, what);
}

int
cmd_risk_set (pmoctl_t *ctl)
{
    Pmo__RiskUpdate u = PMO__RISK_UPDATE__INIT;
    u.project = ctl->args[0];
    u.has_id = true;
    if (pmoctl_parse_id ("ID", ctl->args[1], &u.id))
        return PMOCTL_EXIT_USAGE;
    bool has_any = false;
    for (size_t i = 0; cmd_risk_set_opts[i].name; i++)
        has_any = has_any || ctl->opt[i];
    if (!has_any)
        return pmoctl_fail ("risk set: nothing to change (see pmoctl risk set --help)");
    int status = 0;
    if (pmoctl_parse_level ("--probability", ctl->opt[K_PROBABILITY], &u.probability)
        || pmoctl_parse_level ("--impact", ctl->opt[K_IMPACT], &u.impact) || s_date_opt ("--due", ctl->opt[K_DUE])
        || pmoctl_parse_enum ("--status", ctl->opt[K_STATUS], &pmo__risk_status__descriptor, &status))
        return PMOCTL_EXIT_USAGE;
    u.has_probability = ctl->opt[K_PROBABILITY] != NULL;
    u.has_impact = ctl->opt[K_IMPACT] != NULL;
    u.has_status = status != 0;
    u.status = (Pmo__RiskStatus) status;
    u.title = (char *) ctl->opt[K_TITLE];
    u.owner = (char *) ctl->opt[K_OWNER];
    u.cause = (char *) ctl->opt[K_CAUSE];
    u.effect = (char *) ctl->opt[K_EFFECT];
    u.mitigation = (char *) ctl->opt[K_MITIGATION];
    u.due = (char *) ctl->opt[K_DUE];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_RISK_UPDATE;
    req.risk_update = &u;
    return pmoctl_write (ctl, &req, "risk %s/%u updated", u.project, (unsigned) u.id);
}

int
cmd_risk_occur (pmoctl_t *ctl)
{
    Pmo__RiskOccur o = PMO__RISK_OCCUR__INIT;
    o.project = ctl->args[0];
    o.has_id = true;
    int severity = 0;
    if (pmoctl_parse_id ("ID", ctl->args[1], &o.id) || s_date_opt ("--due", ctl->opt[O_DUE])
        || pmoctl_parse_enum ("--severity", ctl->opt[O_SEVERITY], &pmo__severity__descriptor, &severity))
        return PMOCTL_EXIT_USAGE;
    o.has_severity = severity != 0;
    o.severity = (Pmo__Severity) severity;
    o.title = (char *) ctl->opt[O_TITLE];
    o.owner = (char *) ctl->opt[O_OWNER];
    o.due = (char *) ctl->opt[O_DUE];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_RISK_OCCUR;
    req.risk_occur = &o;
    char what[160];
    snprintf (what, sizeof what, "risk %s/%u occurred: issue %s/%%u opened", o.project, (unsigned) o.id,
              o.project);
    return pmoctl_write_item (ctl, &req, PMO__EVENT__BODY_ISSUE, what);
}

static void
s_columns (out_table_t *t, bool with_project)
{
    if (with_project)
        out_table_column (t, "PROJECT", "project", OUT_LEFT);
    out_table_column (t, "ID", "id", OUT_RIGHT);
    out_table_column (t, "STATUS", "status", OUT_LEFT);
    out_table_column (t, "SCORE", "score", OUT_RIGHT);
    out_table_column (t, "P", "probability", OUT_RIGHT);
    out_table_column (t, "I", "impact", OUT_RIGHT);
    out_table_column (t, "OWNER", "owner", OUT_LEFT);
    out_table_column (t, "DUE", "due", OUT_LEFT);
    out_table_column (t, "ISSUE", "issue", OUT_RIGHT);
    out_table_column (t, "TITLE", "title", OUT_LEFT);
}

static void
s_row (out_table_t *t, const Pmo__Risk *x, bool with_project)
{
    out_table_row (t);
    if (with_project)
        out_table_cell (t, x->project);
    out_table_cellf (t, "%u", (unsigned) x->id);
    out_table_cell (t, pmoctl_enum_name (&pmo__risk_status__descriptor, x->status));
    out_table_cellf (t, "%d", (int) x->score);
    out_table_cellf (t, "%d", (int) x->probability);
    out_table_cellf (t, "%d", (int) x->impact);
    out_table_cell (t, x->owner);
    out_table_cell (t, x->due);
    if (x->has_issue)
        out_table_cellf (t, "%u", (unsigned) x->issue);
    else
        out_table_cell (t, "");
    out_table_cell (t, x->title);
}

int
cmd_risk_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_RISKS, ctl->args[0], 0, ctl->opt[L_STATUS],
                               &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"risks", NULL});
    } else {
        out_table_t *t = out_table_new ();
        s_columns (t, false);
        for (size_t i = 0; i < v->n_risks; i++)
            s_row (t, v->risks[i], false);
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_risk_show (pmoctl_t *ctl)
{
    uint32_t id;
    if (pmoctl_parse_id ("ID", ctl->args[1], &id))
        return PMOCTL_EXIT_USAGE;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_RISKS, ctl->args[0], id, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (v->n_risks != 1) {
        rc = pmoctl_fail ("risk %s/%u: pmod sent %zu records", ctl->args[0], (unsigned) id, v->n_risks);
    } else if (ctl->format == OUT_JSON) {
        pmoctl_print_json (v->risks[0], NULL);
    } else {
        const Pmo__Risk *x = v->risks[0];
        out_table_t *t = out_table_new ();
        out_table_hide_header (t);
        out_table_column (t, NULL, NULL, OUT_LEFT);
        out_table_column (t, NULL, NULL, OUT_LEFT);
#define S_KV(k, ...) do { out_table_row (t); out_table_cell (t, (k)); out_table_cellf (t, __VA_ARGS__); } while (0)
        S_KV ("risk", "%s/%u", x->project, (unsigned) x->id);
        S_KV ("title", "%s", pmoctl_str (x->title));
        S_KV ("status", "%s", pmoctl_enum_name (&pmo__risk_status__descriptor, x->status));
        S_KV ("score", "%d (probability %d x impact %d)", (int) x->score, (int) x->probability, (int) x->impact);
        S_KV ("owner", "%s", pmoctl_str (x->owner));
        S_KV ("due", "%s", pmoctl_str (x->due));
        S_KV ("cause", "%s", pmoctl_str (x->cause));
        S_KV ("effect", "%s", pmoctl_str (x->effect));
        S_KV ("mitigation", "%s", pmoctl_str (x->mitigation));
        if (x->has_issue)
            S_KV ("issue", "%s/%u", x->project, (unsigned) x->issue);
#undef S_KV
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return rc;
}

static const char *const s_probability_words[] = {"", "rare", "unlikely", "possible", "likely", "almost certain"};

/*  The heat map as a 5 x 5 grid: probability 5..1 down, impact 1..5 across. */
static void
s_print_grid (const Pmo__Registers *v)
{
    out_table_t *t = out_table_new ();
    out_table_column (t, "PROBABILITY \\ IMPACT", NULL, OUT_LEFT);
    for (int im = 1; im <= 5; im++) {
        char h[4];
        snprintf (h, sizeof h, "%d", im);
        out_table_column (t, h, NULL, OUT_RIGHT);
    }
    for (size_t i = 0; i + 5 <= v->n_heatmap; i += 5) {
        int pr = v->heatmap[i]->probability;
        out_table_row (t);
        out_table_cellf (t, "%d %s", pr, pr >= 1 && pr <= 5 ? s_probability_words[pr] : "");
        for (size_t j = i; j < i + 5; j++)
            out_table_cellf (t, "%u", (unsigned) v->heatmap[j]->count);
    }
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
}

int
cmd_risks (pmoctl_t *ctl)
{
    Pmo__RegisterQuery q = PMO__REGISTER_QUERY__INIT;
    q.has_kind = true;
    q.kind = PMO__REGISTER_KIND__REGISTER_HEATMAP;
    q.programme = (char *) ctl->opt[H_PROGRAMME];
    q.project = (char *) ctl->opt[H_PROJECT];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_REGISTER_QUERY;
    req.register_query = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_REGISTERS, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"heatmap", "risks", NULL});
    } else if (ctl->format == OUT_CSV) {
        out_table_t *t = out_table_new ();
        out_table_column (t, NULL, "probability", OUT_RIGHT);
        out_table_column (t, NULL, "impact", OUT_RIGHT);
        out_table_column (t, NULL, "score", OUT_RIGHT);
        out_table_column (t, NULL, "count", OUT_RIGHT);
        for (size_t i = 0; i < v->n_heatmap; i++) {
            const Pmo__HeatCell *c = v->heatmap[i];
            out_table_row (t);
            out_table_cellf (t, "%d", (int) c->probability);
            out_table_cellf (t, "%d", (int) c->impact);
            out_table_cellf (t, "%d", (int) c->score);
            out_table_cellf (t, "%u", (unsigned) c->count);
        }
        out_table_print (t, OUT_CSV, stdout);
        out_table_destroy (&t);
    } else {
        char scope[96] = "all live projects";
        if (ctl->opt[H_PROJECT])
            snprintf (scope, sizeof scope, "project %s", ctl->opt[H_PROJECT]);
        else if (ctl->opt[H_PROGRAMME])
            snprintf (scope, sizeof scope, "programme %s", ctl->opt[H_PROGRAMME]);
        printf ("risk heat map of %s: %u open or mitigating risk%s\n\n", scope, (unsigned) v->counted,
                v->counted == 1 ? "" : "s");
        s_print_grid (v);
        if (v->n_risks) {
            printf ("\nby score:\n");
            out_table_t *t = out_table_new ();
            s_columns (t, true);
            for (size_t i = 0; i < v->n_risks; i++)
                s_row (t, v->risks[i], true);
            out_table_print (t, OUT_TEXT, stdout);
            out_table_destroy (&t);
        }
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
