/*  cmd_change: pmoctl change submit|approve|reject|withdraw|list|show, and
 *  pmoctl project baselines, every baseline version of a project (the
 *  original plan first), so a slip shows against the original. */
#include <errno.h>
#include <stdlib.h>

#include "cmd_governance.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"

enum { C_DESCRIPTION, C_COST, C_CURRENCY, C_FINISH, C_DAYS };

const pmoctl_opt_t cmd_change_submit_opts[] = {
    [C_DESCRIPTION] = {"description", "T", true, "what changes and why"},
    [C_COST] = {"cost", "AMOUNT", false, "cost impact, signed: \"+2500.00 EUR\", \"-1000.00 EUR\""},
    [C_CURRENCY] = {"currency", "CUR", false, "currency of a bare --cost number (the project's)"},
    [C_FINISH] = {"finish", "D", false, "new baseline finish, YYYY-MM-DD"},
    [C_DAYS] = {"days", "N", false, "or: signed days added to the baseline finish when approved"},
    {NULL, NULL, false, NULL},
};

enum { D_REASON };

const pmoctl_opt_t cmd_change_decide_opts[] = {
    [D_REASON] = {"reason", "T", true, "why (recorded with who decided)"},
    {NULL, NULL, false, NULL},
};

enum { L_STATUS };

const pmoctl_opt_t cmd_change_list_opts[] = {
    [L_STATUS] = {"status", "S", false, "only change requests in this status"},
    {NULL, NULL, false, NULL},
};

static int
s_parse_days (const char *s, int32_t *out)
{
    char *end = NULL;
    errno = 0;
    long v = s ? strtol (s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < -36500 || v > 36500) {
        pmoctl_fail ("--days: '%s' is not a whole number of days from -36500 to 36500", s ? s : "");
        return PMO_EINVAL;
    }
    *out = (int32_t) v;
    return PMO_OK;
}

int
cmd_change_submit (pmoctl_t *ctl)
{
    Pmo__ChangeRequest c = PMO__CHANGE_REQUEST__INIT;
    c.project = ctl->args[0];
    char currency[4] = "";
    if (ctl->opt[C_FINISH] && ctl->opt[C_DAYS])
        return pmoctl_fail ("change submit: give --finish or --days, not both");
    if (ctl->opt[C_CURRENCY] && !ctl->opt[C_COST])
        return pmoctl_fail ("--currency: only goes with --cost");
    if (pmoctl_parse_money ("--cost", ctl->opt[C_COST], ctl->opt[C_CURRENCY], &c.cost_impact_minor, currency)
        || pmoctl_check_date ("--finish", ctl->opt[C_FINISH])
        || (ctl->opt[C_DAYS] && s_parse_days (ctl->opt[C_DAYS], &c.schedule_days)))
        return PMOCTL_EXIT_USAGE;
    c.has_cost_impact_minor = ctl->opt[C_COST] != NULL;
    c.currency = c.has_cost_impact_minor ? currency : NULL;
    c.has_schedule_days = ctl->opt[C_DAYS] != NULL;
    c.finish = (char *) ctl->opt[C_FINISH];
    c.description = (char *) ctl->opt[C_DESCRIPTION];
    /*  Milestone due dates: NAME=YYYY-MM-DD (names may hold '=': the last
     *  one splits). */
    int n = ctl->n_args - 1;
    Pmo__MilestoneDue *dues = pmo_calloc ((size_t) (n > 0 ? n : 1), sizeof *dues);
    Pmo__MilestoneDue **ptrs = pmo_calloc ((size_t) (n > 0 ? n : 1), sizeof *ptrs);
    char **names = pmo_calloc ((size_t) (n > 0 ? n : 1), sizeof *names);
    int rc = PMOCTL_EXIT_OK;
    for (int i = 0; i < n && !rc; i++) {
        const char *arg = ctl->args[i + 1];
        const char *eq = strrchr (arg, '=');
        if (!eq || eq == arg) {
            rc = pmoctl_fail ("change submit: '%s' is not MILESTONE=YYYY-MM-DD", arg);
            break;
        }
        if (pmoctl_check_date (arg, eq + 1)) {
            rc = PMOCTL_EXIT_USAGE;
            break;
        }
        names[i] = pmo_strdup (arg);
        names[i][eq - arg] = '\0';
        pmo__milestone_due__init (&dues[i]);
        dues[i].name = names[i];
        dues[i].due = (char *) eq + 1;
        ptrs[i] = &dues[i];
    }
    if (!rc) {
        c.milestones = ptrs;
        c.n_milestones = (size_t) (n > 0 ? n : 0);
        Pmo__Request req = PMO__REQUEST__INIT;
        req.body_case = PMO__REQUEST__BODY_CHANGE_SUBMIT;
        req.change_submit = &c;
        char what[128];
        snprintf (what, sizeof what, "change request %s/%%u submitted", c.project);
        rc = pmoctl_write_item (ctl, &req, PMO__EVENT__BODY_CHANGE, what);
    }
    for (int i = 0; i < n; i++)
        free (names[i]);
    free (names);
    free (ptrs);
    free (dues);
    return rc;
}

static int
s_decide (pmoctl_t *ctl, Pmo__ChangeStatus status, const char *verb)
{
    Pmo__ChangeDecision d = PMO__CHANGE_DECISION__INIT;
    d.project = ctl->args[0];
    d.has_id = true;
    if (pmoctl_parse_id ("ID", ctl->args[1], &d.id))
        return PMOCTL_EXIT_USAGE;
    d.has_status = true;
    d.status = status;
    d.reason = (char *) ctl->opt[D_REASON];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_CHANGE_DECIDE;
    req.change_decide = &d;
    return pmoctl_write (ctl, &req, "change request %s/%u %s", d.project, (unsigned) d.id, verb);
}

int
cmd_change_approve (pmoctl_t *ctl)
{
    return s_decide (ctl, PMO__CHANGE_STATUS__CHANGE_APPROVED, "approved");
}

int
cmd_change_reject (pmoctl_t *ctl)
{
    return s_decide (ctl, PMO__CHANGE_STATUS__CHANGE_REJECTED, "rejected");
}

int
cmd_change_withdraw (pmoctl_t *ctl)
{
    return s_decide (ctl, PMO__CHANGE_STATUS__CHANGE_WITHDRAWN, "withdrawn");
}

/*  "+30 days", "2026-12-31", "" */
static void
s_schedule (const Pmo__ChangeRequest *c, char *buf, size_t n)
{
    if (c->finish && *c->finish)
        snprintf (buf, n, "finish %s", c->finish);
    else if (c->has_schedule_days)
        snprintf (buf, n, "%+d days", (int) c->schedule_days);
    else
        buf[0] = '\0';
}

int
cmd_change_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_CHANGES, ctl->args[0], 0, ctl->opt[L_STATUS],
                               &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"changes", NULL});
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "ID", "id", OUT_RIGHT);
        out_table_column (t, "STATUS", "status", OUT_LEFT);
        out_table_column (t, "COST", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
        out_table_column (t, NULL, "cost_impact", OUT_CSV_ONLY);
        out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
        out_table_column (t, "SCHEDULE", "schedule", OUT_LEFT);
        out_table_column (t, "MILESTONES", "milestones", OUT_RIGHT);
        out_table_column (t, "BY", "requested_by", OUT_LEFT);
        out_table_column (t, "DECIDED BY", "decided_by", OUT_LEFT);
        out_table_column (t, "BASELINE", "baseline_version", OUT_RIGHT);
        out_table_column (t, "DESCRIPTION", "description", OUT_LEFT);
        out_table_column (t, NULL, "decision_reason", OUT_CSV_ONLY);
        for (size_t i = 0; i < v->n_changes; i++) {
            const Pmo__ChangeRequest *x = v->changes[i];
            char cost[PMO_MONEY_FMT_MAX], plain[PMO_MONEY_FMT_MAX], sched[32];
            pmoctl_fmt_money (x->cost_impact_minor, x->currency, cost, sizeof cost);
            pmoctl_fmt_money_plain (x->cost_impact_minor, x->currency, plain, sizeof plain);
            s_schedule (x, sched, sizeof sched);
            out_table_row (t);
            out_table_cellf (t, "%u", (unsigned) x->id);
            out_table_cell (t, pmoctl_enum_name (&pmo__change_status__descriptor, x->status));
            out_table_cell (t, cost);
            out_table_cell (t, plain);
            out_table_cell (t, x->currency);
            out_table_cell (t, sched);
            out_table_cellf (t, "%zu", x->n_milestones);
            out_table_cell (t, x->requested_by);
            out_table_cell (t, x->decided_by);
            if (x->has_baseline_version)
                out_table_cellf (t, "%u", (unsigned) x->baseline_version);
            else
                out_table_cell (t, "");
            out_table_cell (t, x->description);
            out_table_cell (t, x->decision_reason);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_change_show (pmoctl_t *ctl)
{
    uint32_t id;
    if (pmoctl_parse_id ("ID", ctl->args[1], &id))
        return PMOCTL_EXIT_USAGE;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_CHANGES, ctl->args[0], id, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (v->n_changes != 1) {
        rc = pmoctl_fail ("change request %s/%u: pmod sent %zu records", ctl->args[0], (unsigned) id,
                          v->n_changes);
    } else if (ctl->format == OUT_JSON) {
        pmoctl_print_json (v->changes[0], NULL);
    } else {
        const Pmo__ChangeRequest *x = v->changes[0];
        char cost[PMO_MONEY_FMT_MAX], sched[32], when[25];
        pmoctl_fmt_money (x->cost_impact_minor, x->currency, cost, sizeof cost);
        s_schedule (x, sched, sizeof sched);
        out_table_t *t = out_table_new ();
        out_table_hide_header (t);
        out_table_column (t, NULL, NULL, OUT_LEFT);
        out_table_column (t, NULL, NULL, OUT_LEFT);
#define S_KV(k, ...) do { out_table_row (t); out_table_cell (t, (k)); out_table_cellf (t, __VA_ARGS__); } while (0)
        S_KV ("change request", "%s/%u", x->project, (unsigned) x->id);
        S_KV ("status", "%s", pmoctl_enum_name (&pmo__change_status__descriptor, x->status));
        S_KV ("description", "%s", pmoctl_str (x->description));
        S_KV ("cost impact", "%s", cost);
        S_KV ("schedule impact", "%s", sched);
        for (size_t i = 0; i < x->n_milestones; i++)
            S_KV (i ? "" : "milestone dues", "%s: %s", pmoctl_str (x->milestones[i]->name),
                  pmoctl_str (x->milestones[i]->due));
        pmoctl_fmt_time (x->submitted_ms, when);
        S_KV ("submitted", "%s by %s", when, pmoctl_str (x->requested_by));
        if (x->decided_by) {
            pmoctl_fmt_time (x->decided_ms, when);
            S_KV ("decided", "%s by %s: %s", when, x->decided_by, pmoctl_str (x->decision_reason));
        }
        if (x->has_baseline_version) {
            pmoctl_fmt_money (x->new_bac_minor, x->currency, cost, sizeof cost);
            S_KV ("baseline", "version %u: budget %s, finish %s", (unsigned) x->baseline_version, cost,
                  pmoctl_str (x->new_finish));
        }
#undef S_KV
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return rc;
}

/*  The due date of milestone name in b, or NULL. */
static const char *
s_due_in (const Pmo__Baseline *b, const char *name)
{
    for (size_t i = 0; i < b->n_milestones; i++)
        if (b->milestones[i]->name && streq (b->milestones[i]->name, name))
            return b->milestones[i]->due;
    return NULL;
}

int
cmd_project_baselines (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_registers (ctl, PMO__REGISTER_KIND__REGISTER_BASELINES, ctl->args[0], 0, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Registers *v = reply->registers;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_registers_json (v, (const char *const[]) {"baselines", NULL});
        pmo_wire_free (reply);
        return PMOCTL_EXIT_OK;
    }
    out_table_t *t = out_table_new ();
    out_table_column (t, "VERSION", "version", OUT_RIGHT);
    out_table_column (t, "CHANGE", "change", OUT_RIGHT);
    out_table_column (t, "START", "start", OUT_LEFT);
    out_table_column (t, "FINISH", "finish", OUT_LEFT);
    out_table_column (t, "BUDGET", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "budget", OUT_CSV_ONLY);
    out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
    out_table_column (t, "APPROVED BY", "actor", OUT_LEFT);
    out_table_column (t, "AT", "created", OUT_LEFT);
    for (size_t i = 0; i < v->n_baselines; i++) {
        const Pmo__Baseline *b = v->baselines[i];
        char bac[PMO_MONEY_FMT_MAX], plain[PMO_MONEY_FMT_MAX], when[25];
        pmoctl_fmt_money (b->bac_minor, b->currency, bac, sizeof bac);
        pmoctl_fmt_money_plain (b->bac_minor, b->currency, plain, sizeof plain);
        pmoctl_fmt_time (b->created_ms, when);
        out_table_row (t);
        out_table_cellf (t, "%u", (unsigned) b->version);
        if (b->has_change)
            out_table_cellf (t, "%u", (unsigned) b->change);
        else
            out_table_cell (t, "");
        out_table_cell (t, b->start);
        out_table_cell (t, b->finish);
        out_table_cell (t, bac);
        out_table_cell (t, plain);
        out_table_cell (t, b->currency);
        out_table_cell (t, b->provisional ? "(plan in force, not yet under change control)" : b->actor);
        out_table_cell (t, when);
    }
    out_table_print (t, ctl->format, stdout);
    out_table_destroy (&t);
    /*  Milestone due dates across the versions, in text only. */
    const Pmo__Baseline *last = v->n_baselines ? v->baselines[v->n_baselines - 1] : NULL;
    if (ctl->format == OUT_TEXT && last && last->n_milestones) {
        printf ("\nmilestone due dates by version:\n");
        t = out_table_new ();
        out_table_column (t, "MILESTONE", NULL, OUT_LEFT);
        for (size_t i = 0; i < v->n_baselines; i++) {
            char h[16];
            snprintf (h, sizeof h, "V%u", (unsigned) v->baselines[i]->version);
            out_table_column (t, h, NULL, OUT_LEFT);
        }
        for (size_t m = 0; m < last->n_milestones; m++) {
            out_table_row (t);
            out_table_cell (t, last->milestones[m]->name);
            for (size_t i = 0; i < v->n_baselines; i++)
                out_table_cell (t, s_due_in (v->baselines[i], last->milestones[m]->name));
        }
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
