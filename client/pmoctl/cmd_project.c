/*  cmd_project: pmoctl project add|list|show|set.
 *
 *  show prints the project's card: baseline, budget (BAC), actual cost
 *  (labour from time entries plus booked costs, split by category), hours,
 *  percent complete, the health line, the earned value pmod computed as of
 *  today (indices are exact ratios shown with three decimals, days with
 *  one; undefined is "-"), the milestones with their slip, and recent
 *  events. */
#include <inttypes.h>
#include <stdlib.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

/*  add and set share one option layout; set has nothing required. */
enum { P_NAME, P_START, P_FINISH, P_BUDGET, P_CURRENCY, P_PROGRAMME, P_MANAGER, P_TEAM, P_STATUS, P_TEMPLATE };

#define S_PROJECT_OPTS(req)                                                                      \
    [P_NAME] = {"name", "N", req, "project name"},                                               \
    [P_START] = {"start", "D", req, "baseline start, YYYY-MM-DD"},                               \
    [P_FINISH] = {"finish", "D", req, "baseline finish, YYYY-MM-DD"},                            \
    [P_BUDGET] = {"budget", "AMOUNT", req, "budget at completion (BAC), \"120000.00 EUR\""},     \
    [P_CURRENCY] = {"currency", "CUR", false, "currency of a bare --budget number (ISO 4217)"}, \
    [P_PROGRAMME] = {"programme", "P", false, "programme code"},                                 \
    [P_MANAGER] = {"manager", "PERSON", false, "project manager (a person id)"},                 \
    [P_TEAM] = {"team", "T", false, "owning team code"},                                         \
    [P_STATUS] = {"status", "S", false,                                                          \
                  "proposed|approved|active|on_hold|closed|cancelled"}

const pmoctl_opt_t cmd_project_add_opts[] = {
    S_PROJECT_OPTS (true),
    [P_TEMPLATE] = {"template", "NAME[@V]", false,
                    "create from a template (its newest version, or version V): milestones, life cycle, RAG "
                    "policy"},
    {NULL, NULL, false, NULL},
};
const pmoctl_opt_t cmd_project_set_opts[] = {S_PROJECT_OPTS (false), {NULL, NULL, false, NULL}};

enum { SHOW_RECENT };

const pmoctl_opt_t cmd_project_show_opts[] = {
    [SHOW_RECENT] = {"recent", "N", false, "how many recent events to show (default 10, at most 100)"},
    {NULL, NULL, false, NULL},
};

/*  The checks add and set share: dates, budget, status.  Fills *bac,
 *  currency and *status when given.  Returns PMO_OK or PMO_EINVAL (line
 *  printed). */
static int
s_check_fields (pmoctl_t *ctl, int64_t *bac, char currency[4], Pmo__ProjectStatus *status)
{
    const char *start = ctl->opt[P_START], *finish = ctl->opt[P_FINISH];
    if (pmoctl_check_date ("--start", start) || pmoctl_check_date ("--finish", finish))
        return PMO_EINVAL;
    int32_t s_days, f_days;
    if (start && finish && pmo_date_parse (start, &s_days) == PMO_OK
        && pmo_date_parse (finish, &f_days) == PMO_OK && f_days < s_days) {
        pmoctl_fail ("--finish: %s is before --start %s", finish, start);
        return PMO_EINVAL;
    }
    if (ctl->opt[P_CURRENCY] && !ctl->opt[P_BUDGET]) {
        pmoctl_fail ("--currency: only goes with --budget");
        return PMO_EINVAL;
    }
    if (pmoctl_parse_money ("--budget", ctl->opt[P_BUDGET], ctl->opt[P_CURRENCY], bac, currency))
        return PMO_EINVAL;
    return pmoctl_parse_status ("--status", ctl->opt[P_STATUS], status);
}

int
cmd_project_add (pmoctl_t *ctl)
{
    Pmo__Project project = PMO__PROJECT__INIT;
    char currency[4] = "";
    project.code = ctl->args[0];
    if (s_check_fields (ctl, &project.bac_minor, currency, &project.status) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    project.name = (char *) ctl->opt[P_NAME];
    project.start = (char *) ctl->opt[P_START];
    project.finish = (char *) ctl->opt[P_FINISH];
    project.has_bac_minor = true;
    project.currency = currency;
    project.programme = (char *) ctl->opt[P_PROGRAMME];
    project.manager = (char *) ctl->opt[P_MANAGER];
    project.team = (char *) ctl->opt[P_TEAM];
    project.has_status = ctl->opt[P_STATUS] != NULL;
    char template_name[64] = "";
    if (ctl->opt[P_TEMPLATE]
        && pmoctl_parse_template_ref (ctl->opt[P_TEMPLATE], template_name, sizeof template_name,
                                      &project.template_version) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    project.template_ = ctl->opt[P_TEMPLATE] ? template_name : NULL;
    project.has_template_version = project.template_version > 0;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROJECT_ADD;
    req.project_add = &project;
    return pmoctl_write (ctl, &req, "project %s created", project.code);
}

int
cmd_project_set (pmoctl_t *ctl)
{
    Pmo__ProjectUpdate update = PMO__PROJECT_UPDATE__INIT;
    char currency[4] = "";
    update.code = ctl->args[0];
    bool has_any = false;
    for (size_t i = 0; cmd_project_set_opts[i].name; i++)
        has_any = has_any || ctl->opt[i];
    if (!has_any)
        return pmoctl_fail ("project set: nothing to change (see pmoctl project set --help)");
    if (s_check_fields (ctl, &update.bac_minor, currency, &update.status) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    update.name = (char *) ctl->opt[P_NAME];
    update.start = (char *) ctl->opt[P_START];
    update.finish = (char *) ctl->opt[P_FINISH];
    update.has_bac_minor = ctl->opt[P_BUDGET] != NULL;
    update.currency = update.has_bac_minor ? currency : NULL;
    update.programme = (char *) ctl->opt[P_PROGRAMME];
    update.manager = (char *) ctl->opt[P_MANAGER];
    update.team = (char *) ctl->opt[P_TEAM];
    update.has_status = ctl->opt[P_STATUS] != NULL;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROJECT_UPDATE;
    req.project_update = &update;
    return pmoctl_write (ctl, &req, "project %s updated", update.code);
}

int
cmd_project_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_PROJECTS, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "projects");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "CODE", "code", OUT_LEFT);
        out_table_column (t, "STATUS", "status", OUT_LEFT);
        out_table_column (t, "START", "start", OUT_LEFT);
        out_table_column (t, "FINISH", "finish", OUT_LEFT);
        out_table_column (t, "BUDGET", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
        out_table_column (t, NULL, "budget", OUT_CSV_ONLY);
        out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
        out_table_column (t, "% COMPLETE", "percent_complete", OUT_RIGHT);
        out_table_column (t, "PROGRAMME", "programme", OUT_LEFT);
        out_table_column (t, "TEAM", "team", OUT_LEFT);
        out_table_column (t, "MANAGER", "manager", OUT_LEFT);
        out_table_column (t, "NAME", "name", OUT_LEFT);
        for (size_t i = 0; i < listing->n_projects; i++) {
            const Pmo__Project *p = listing->projects[i];
            char bac[PMO_MONEY_FMT_MAX], plain[PMO_MONEY_FMT_MAX], pct[32];
            pmoctl_fmt_money (p->bac_minor, p->currency, bac, sizeof bac);
            pmoctl_fmt_money_plain (p->bac_minor, p->currency, plain, sizeof plain);
            pmoctl_fmt_percent (p->percent_bp, pct, sizeof pct);
            out_table_row (t);
            out_table_cell (t, p->code);
            out_table_cell (t, pmo_wire_status_name (p->status));
            out_table_cell (t, p->start);
            out_table_cell (t, p->finish);
            out_table_cell (t, bac);
            out_table_cell (t, plain);
            out_table_cell (t, p->currency);
            out_table_cell (t, pct);
            out_table_cell (t, p->programme);
            out_table_cell (t, p->team);
            out_table_cell (t, p->manager);
            out_table_cell (t, p->name);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

/*  The money lines of the card, right-aligned among themselves. */
typedef struct {
    const char *label;
    int64_t minor;
} s_money_line_t;

/*  "health: red (CPI 0.812 below 0.85; 1 milestone missed)" */
static void
s_print_health (const Pmo__Health *h)
{
    if (!h || !h->rag)
        return;
    const char *why = pmoctl_health_reason (h);
    printf ("\nhealth: %s%s%s%s\n", h->rag, *why ? " (" : "", why, *why ? ")" : "");
}

/*  One line of the earned value section: label, figure (right-aligned),
 *  unit, what it is. */
static void
s_evm_line (out_table_t *t, const char *label, const char *figure, const char *unit,
            const char *meaning)
{
    out_table_row (t);
    out_table_cell (t, label);
    out_table_cell (t, figure);  /* "" shows as "-": undefined */
    out_table_cell (t, *figure && unit ? unit : " ");
    out_table_cell (t, meaning);
}

static void
s_evm_money (out_table_t *t, const char *label, bool has, int64_t minor, const char *cur,
             const char *meaning)
{
    char buf[PMO_MONEY_FMT_MAX];
    pmoctl_fmt_amount (has, minor, cur, true, buf, sizeof buf);
    s_evm_line (t, label, buf, cur, meaning);
}

static void
s_evm_ratio (out_table_t *t, const char *label, const Pmo__Ratio *r, int decimals,
             const char *unit, const char *meaning)
{
    char buf[32];
    pmoctl_fmt_ratio (r, decimals, buf, sizeof buf);
    s_evm_line (t, label, buf, unit, meaning);
}

static void
s_print_evm (const Pmo__Evm *e, const char *project_currency)
{
    if (!e)
        return;
    const char *cur = e->currency && *e->currency ? e->currency : project_currency;
    const char *method = pmoctl_str (e->method);
    printf ("\nearned value as of %s, method %s (planned value %s):\n", pmoctl_str (e->as_of),
            *method ? method : "-",
            streq (method, "milestones") ? "by milestone weights due"
            : streq (method, "linear")   ? "linear over the baseline"
                                         : "phasing unknown");
    out_table_t *t = out_table_new ();
    out_table_hide_header (t);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_RIGHT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    s_evm_money (t, "  PV", e->has_pv_minor, e->pv_minor, cur, "planned value");
    s_evm_money (t, "  EV", e->has_ev_minor, e->ev_minor, cur, "earned value: BAC x % complete");
    s_evm_money (t, "  AC", e->has_ac_minor, e->ac_minor, cur, "actual cost");
    s_evm_money (t, "  CV", e->has_cv_minor, e->cv_minor, cur, "cost variance: EV - AC");
    s_evm_money (t, "  SV", e->has_sv_minor, e->sv_minor, cur, "schedule variance: EV - PV");
    s_evm_ratio (t, "  CPI", e->cpi, 3, NULL, "EV / AC");
    s_evm_ratio (t, "  SPI", e->spi, 3, NULL, "EV / PV");
    s_evm_money (t, "  EAC", e->has_eac_minor, e->eac_minor, cur,
                 "estimate at completion: BAC / CPI");
    s_evm_money (t, "  EAC (atypical)", e->has_eac_atypical_minor, e->eac_atypical_minor, cur,
                 "AC + (BAC - EV)");
    s_evm_money (t, "  EAC (combined)", e->has_eac_combined_minor, e->eac_combined_minor, cur,
                 "AC + (BAC - EV) / (CPI x SPI)");
    s_evm_money (t, "  ETC", e->has_etc_minor, e->etc_minor, cur, "estimate to complete: EAC - AC");
    s_evm_money (t, "  VAC", e->has_vac_minor, e->vac_minor, cur,
                 "variance at completion: BAC - EAC");
    s_evm_ratio (t, "  TCPI", e->tcpi, 3, NULL,
                 "to-complete index for BAC: (BAC - EV) / (BAC - AC)");
    s_evm_ratio (t, "  TCPI (EAC)", e->tcpi_eac, 3, NULL, "for EAC: (BAC - EV) / (EAC - AC)");
    s_evm_ratio (t, "  ES", e->es_days, 1, "days", "earned schedule, from the baseline start");
    char at[16] = "";
    if (e->has_at_days)
        snprintf (at, sizeof at, "%d", (int) e->at_days);
    s_evm_line (t, "  AT", at, "days", "actual time, from the baseline start");
    s_evm_ratio (t, "  SV(t)", e->sv_t_days, 1, "days", "ES - AT");
    s_evm_ratio (t, "  SPI(t)", e->spi_t, 3, NULL, "ES / AT");
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
}

static void
s_print_card (const Pmo__ProjectView *view)
{
    const Pmo__Project *p = view->project;
    const Pmo__ProjectTotals *tot = view->totals;
    Pmo__ProjectTotals zero = PMO__PROJECT_TOTALS__INIT;
    if (!tot)
        tot = &zero;
    const char *cur = p->currency;

    int64_t labour;
    if (pmo_i64_add (tot->labour_minor, tot->labour_cost_minor, &labour) != PMO_OK)
        labour = INT64_MAX;
    s_money_line_t money[] = {
        {"budget (BAC)", p->bac_minor},       {"actual cost", pmoctl_actual_minor (tot)},
        {"  labour", labour},                 {"  material", tot->material_minor},
        {"  travel", tot->travel_minor},      {"  contractor", tot->contractor_minor},
        {"  other", tot->other_minor},
    };
    char text[PMO_ARRAY_LEN (money)][PMO_MONEY_FMT_MAX];
    int width = 0;
    for (size_t i = 0; i < PMO_ARRAY_LEN (money); i++) {
        pmoctl_fmt_money (money[i].minor, cur, text[i], sizeof text[i]);
        int w = (int) strlen (text[i]);
        width = w > width ? w : width;
    }

    out_table_t *t = out_table_new ();
    out_table_hide_header (t);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
#define S_KV(k, v) do { out_table_row (t); out_table_cell (t, (k)); out_table_cell (t, (v)); } while (0)
    S_KV ("code", p->code);
    S_KV ("name", p->name);
    S_KV ("status", pmo_wire_status_name (p->status));
    S_KV ("programme", p->programme);
    S_KV ("team", p->team);
    S_KV ("manager", p->manager);
    S_KV ("start", p->start);
    S_KV ("finish", p->finish);
    for (size_t i = 0; i < PMO_ARRAY_LEN (money); i++) {
        out_table_row (t);
        out_table_cell (t, money[i].label);
        out_table_cellf (t, "%*s", width, text[i]);
    }
    char buf[64];
    pmoctl_fmt_hours (tot->minutes, buf, sizeof buf);
    S_KV ("hours", buf);
    pmoctl_fmt_percent (p->percent_bp, buf, sizeof buf);
    out_table_row (t);
    out_table_cell (t, "complete");
    out_table_cellf (t, "%s %%", buf);
#undef S_KV
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);

    s_print_health (view->health);
    s_print_evm (view->evm, cur);

    printf ("\nmilestones:\n");
    if (view->n_milestones == 0) {
        printf ("  (none)\n");
    } else {
        t = out_table_new ();
        pmoctl_milestone_columns (t);
        for (size_t i = 0; i < view->n_milestones; i++)
            pmoctl_milestone_row (t, view->milestones[i]);
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }

    printf ("\nrecent activity:\n");
    if (view->n_recent == 0) {
        printf ("  (none)\n");
    } else {
        t = out_table_new ();
        pmoctl_event_columns (t);
        for (size_t i = 0; i < view->n_recent; i++)
            pmoctl_event_row (t, view->recent[i]);
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }
}

int
cmd_project_show (pmoctl_t *ctl)
{
    Pmo__ProjectQuery q = PMO__PROJECT_QUERY__INIT;
    q.code = ctl->args[0];
    uint64_t recent = 0;
    if (ctl->opt[SHOW_RECENT]) {
        if (pmoctl_parse_u64 ("--recent", ctl->opt[SHOW_RECENT], PMO_RECENT_MAX, &recent))
            return PMOCTL_EXIT_USAGE;
        q.has_recent = true;
        q.recent = (uint32_t) recent;
    }
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROJECT_SHOW;
    req.project_show = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_PROJECT, &reply);
    if (rc)
        return rc;
    const Pmo__ProjectView *view = reply->project;
    if (ctl->format == OUT_JSON) {
        json_object *obj = pmo_json_from_msg (view);
        out_json_ensure_array (obj, "milestones");
        out_json_ensure_array (obj, "recent");
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else if (!view->project) {
        rc = pmoctl_fail ("project %s: pmod sent no project record", q.code);
    } else {
        s_print_card (view);
    }
    pmo_wire_free (reply);
    return rc;
}
