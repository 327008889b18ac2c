/*  cmd_priorities: pmoctl criterion set|list, score set and priorities,
 *  the ranked portfolio.  pmod computes scores, ranks, cumulative budget
 *  and the fit against the budget line; this file only prints them. */
#include <inttypes.h>
#include <stdlib.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { CRIT_WEIGHT, CRIT_DESCRIPTION };

const pmoctl_opt_t cmd_criterion_set_opts[] = {
    [CRIT_WEIGHT] = {"weight", "N", true, "weight, a whole number 0..100"},
    [CRIT_DESCRIPTION] = {"description", "TEXT", false, "what the criterion measures"},
    {NULL, NULL, false, NULL},
};

enum { PRI_BUDGET, PRI_CURRENCY };

const pmoctl_opt_t cmd_priorities_opts[] = {
    [PRI_BUDGET] = {"budget", "AMOUNT", false, "the available budget line, \"500000.00 EUR\""},
    [PRI_CURRENCY] = {"currency", "CUR", false, "rank only this currency (and of a bare --budget)"},
    {NULL, NULL, false, NULL},
};

/*  A whole number that may be negative: pmod checks the range and says so. */
static int
s_int (const char *flag, const char *s, int32_t *out)
{
    bool negative = s[0] == '-';
    uint64_t v = 0;
    if (pmoctl_parse_u64 (flag, s + negative, INT32_MAX, &v) != PMO_OK)
        return PMO_EINVAL;
    *out = negative ? -(int32_t) v : (int32_t) v;
    return PMO_OK;
}

int
cmd_criterion_set (pmoctl_t *ctl)
{
    Pmo__Criterion c = PMO__CRITERION__INIT;
    c.name = ctl->args[0];
    c.has_weight = true;
    if (s_int ("--weight", ctl->opt[CRIT_WEIGHT], &c.weight) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    c.description = (char *) ctl->opt[CRIT_DESCRIPTION];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_CRITERION_SET;
    req.criterion_set = &c;
    return pmoctl_write (ctl, &req, "criterion %s weight %d", c.name, (int) c.weight);
}

int
cmd_score_set (pmoctl_t *ctl)
{
    Pmo__Score s = PMO__SCORE__INIT;
    s.project = ctl->args[0];
    s.criterion = ctl->args[1];
    s.has_value = true;
    if (s_int ("VALUE", ctl->args[2], &s.value) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_SCORE_SET;
    req.score_set = &s;
    return pmoctl_write (ctl, &req, "project %s scores %d on %s", s.project, (int) s.value, s.criterion);
}

static int
s_fetch (pmoctl_t *ctl, Pmo__PriorityQuery *q, Pmo__Reply **reply_p)
{
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PRIORITIES;
    req.priorities = q;
    return pmoctl_query (ctl, &req, PMO__REPLY__BODY_PRIORITIES, reply_p);
}

int
cmd_criterion_list (pmoctl_t *ctl)
{
    Pmo__PriorityQuery q = PMO__PRIORITY_QUERY__INIT;
    Pmo__Reply *reply = NULL;
    int rc = s_fetch (ctl, &q, &reply);
    if (rc)
        return rc;
    const Pmo__PriorityView *v = reply->priorities;
    if (ctl->format == OUT_JSON) {
        /*  The criteria part of the view. */
        Pmo__PriorityView only = PMO__PRIORITY_VIEW__INIT;
        only.criteria = v->criteria;
        only.n_criteria = v->n_criteria;
        only.has_max_score = v->has_max_score;
        only.max_score = v->max_score;
        pmoctl_print_json (&only, "criteria");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "CRITERION", "criterion", OUT_LEFT);
        out_table_column (t, "WEIGHT", "weight", OUT_RIGHT);
        out_table_column (t, "DESCRIPTION", "description", OUT_LEFT);
        for (size_t i = 0; i < v->n_criteria; i++) {
            out_table_row (t);
            out_table_cell (t, v->criteria[i]->name);
            out_table_cellf (t, "%d", (int) v->criteria[i]->weight);
            out_table_cell (t, pmoctl_str (v->criteria[i]->description));
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_priorities (pmoctl_t *ctl)
{
    Pmo__PriorityQuery q = PMO__PRIORITY_QUERY__INIT;
    char currency[4] = "";
    const char *cur = ctl->opt[PRI_CURRENCY];
    if (ctl->opt[PRI_BUDGET]) {
        if (pmoctl_parse_money ("--budget", ctl->opt[PRI_BUDGET], cur, &q.budget_minor, currency) != PMO_OK)
            return PMOCTL_EXIT_USAGE;  /* also when it differs from --currency */
        q.has_budget_minor = true;
        q.currency = currency;
    } else if (cur) {
        q.currency = (char *) cur;
    }
    Pmo__Reply *reply = NULL;
    int rc = s_fetch (ctl, &q, &reply);
    if (rc)
        return rc;
    const Pmo__PriorityView *v = reply->priorities;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (v, "rows");
        pmo_wire_free (reply);
        return PMOCTL_EXIT_OK;
    }
    bool is_csv = ctl->format == OUT_CSV;
    out_table_t *t = out_table_new ();
    out_table_column (t, "RANK", "rank", OUT_RIGHT);
    out_table_column (t, "PROJECT", "project", OUT_LEFT);
    out_table_column (t, "SCORE", "score", OUT_RIGHT);
    out_table_column (t, "BAC", "bac", OUT_RIGHT);
    out_table_column (t, "CUMULATIVE", "cumulative", OUT_RIGHT);
    out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
    if (v->has_budget_minor)
        out_table_column (t, "FITS", "fits", OUT_LEFT);
    for (size_t i = 0; i < v->n_rows; i++) {
        const Pmo__PriorityRow *row = v->rows[i];
        char bac[48], cum[48];
        if (is_csv) {
            pmoctl_fmt_money_plain (row->bac_minor, row->currency, bac, sizeof bac);
            pmoctl_fmt_money_plain (row->cumulative_minor, row->currency, cum, sizeof cum);
        } else {
            pmoctl_fmt_money (row->bac_minor, row->currency, bac, sizeof bac);
            pmoctl_fmt_money (row->cumulative_minor, row->currency, cum, sizeof cum);
        }
        out_table_row (t);
        out_table_cellf (t, "%u", (unsigned) row->rank);
        out_table_cell (t, row->project);
        out_table_cellf (t, "%" PRId64, row->score);
        out_table_cell (t, bac);
        out_table_cell (t, cum);
        out_table_cell (t, row->currency);
        if (v->has_budget_minor)
            out_table_cell (t, row->fits ? "yes" : "no");
    }
    out_table_print (t, ctl->format, stdout);
    out_table_destroy (&t);
    if (!is_csv) {
        char line[48];
        printf ("\nscore = sum of weight x score (highest possible %" PRId64 ")", v->max_score);
        if (v->has_budget_minor) {
            pmoctl_fmt_money (v->budget_minor, v->currency, line, sizeof line);
            printf ("; budget line %s", line);
        }
        printf ("\n");
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
