/*  cmd_status: pmoctl status, one line per project.
 *
 *  ACTUAL is labour (time entries at each person's rate) plus booked costs;
 *  HOURS is minutes / 60 with two decimals, in integer arithmetic. */
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { S_PROGRAMME, S_TEAM };

const pmoctl_opt_t cmd_status_opts[] = {
    [S_PROGRAMME] = {"programme", "P", false, "only the projects of programme P"},
    [S_TEAM] = {"team", "T", false, "only the projects of team T"},
    {NULL, NULL, false, NULL},
};

/*  "Design approved 2026-12-01", or with a forecast that differs from the
 *  baseline "Design approved 2026-12-10 (due 2026-12-01)". */
static void
s_fmt_next (const Pmo__Milestone *m, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!m || !m->name)
        return;
    const char *due = pmoctl_str (m->due);
    if (m->forecast && *m->forecast && !streq (m->forecast, due))
        snprintf (buf, n, "%s %s (due %s)", m->name, m->forecast, *due ? due : "-");
    else
        snprintf (buf, n, "%s %s", m->name, *due ? due : "-");
}

int
cmd_status (pmoctl_t *ctl)
{
    Pmo__StatusQuery q = PMO__STATUS_QUERY__INIT;
    q.programme = (char *) ctl->opt[S_PROGRAMME];
    q.team = (char *) ctl->opt[S_TEAM];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_STATUS;
    req.status = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_STATUS_VIEW, &reply);
    if (rc)
        return rc;
    const Pmo__StatusView *view = reply->status_view;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (view, "rows");
        pmo_wire_free (reply);
        return PMOCTL_EXIT_OK;
    }
    out_table_t *t = out_table_new ();
    out_table_column (t, "CODE", "code", OUT_LEFT);
    out_table_column (t, "STATUS", "status", OUT_LEFT);
    out_table_column (t, "% COMPLETE", "percent_complete", OUT_RIGHT);
    out_table_column (t, "BUDGET", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, "ACTUAL", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "budget", OUT_CSV_ONLY);
    out_table_column (t, NULL, "actual", OUT_CSV_ONLY);
    out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
    out_table_column (t, "HOURS", "hours", OUT_RIGHT);
    out_table_column (t, "NEXT MILESTONE", NULL, OUT_LEFT | OUT_TEXT_ONLY);
    out_table_column (t, NULL, "next_milestone", OUT_CSV_ONLY);
    out_table_column (t, NULL, "next_due", OUT_CSV_ONLY);
    out_table_column (t, NULL, "next_forecast", OUT_CSV_ONLY);
    for (size_t i = 0; i < view->n_rows; i++) {
        const Pmo__StatusRow *row = view->rows[i];
        const Pmo__Project *p = row->project;
        if (!p)
            continue;
        const Pmo__Milestone *next = row->next_milestone;
        int64_t actual = pmoctl_actual_minor (row->totals);
        char pct[32], bac[PMO_MONEY_FMT_MAX], ac[PMO_MONEY_FMT_MAX];
        char bac_plain[PMO_MONEY_FMT_MAX], ac_plain[PMO_MONEY_FMT_MAX], hours[32], nxt[512];
        pmoctl_fmt_percent (p->percent_bp, pct, sizeof pct);
        pmoctl_fmt_money (p->bac_minor, p->currency, bac, sizeof bac);
        pmoctl_fmt_money (actual, p->currency, ac, sizeof ac);
        pmoctl_fmt_money_plain (p->bac_minor, p->currency, bac_plain, sizeof bac_plain);
        pmoctl_fmt_money_plain (actual, p->currency, ac_plain, sizeof ac_plain);
        pmoctl_fmt_hours (row->totals ? row->totals->minutes : 0, hours, sizeof hours);
        s_fmt_next (next, nxt, sizeof nxt);
        out_table_row (t);
        out_table_cell (t, p->code);
        out_table_cell (t, pmo_wire_status_name (p->status));
        out_table_cell (t, pct);
        out_table_cell (t, bac);
        out_table_cell (t, ac);
        out_table_cell (t, bac_plain);
        out_table_cell (t, ac_plain);
        out_table_cell (t, p->currency);
        out_table_cell (t, hours);
        out_table_cell (t, nxt);
        out_table_cell (t, next ? next->name : NULL);
        out_table_cell (t, next ? next->due : NULL);
        out_table_cell (t, next ? next->forecast : NULL);
    }
    out_table_print (t, ctl->format, stdout);
    out_table_destroy (&t);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
