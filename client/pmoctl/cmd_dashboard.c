/*  cmd_dashboard: pmoctl dashboard, the portfolio on one screen.
 *
 *  Every project's earned value as of --as-of (default today) with its
 *  colour, then the roll-ups pmod computes per programme, portfolio and in
 *  total, one line per currency (money is never summed across currencies).
 *  In text the two parts are two tables; in CSV one table whose `level`
 *  column says which a row is, so a spreadsheet can filter it. */
#include <stdlib.h>

#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { D_AS_OF };

const pmoctl_opt_t cmd_dashboard_opts[] = {
    [D_AS_OF] = {"as-of", "D", false, "figures as of date D (default today)"},
    {NULL, NULL, false, NULL},
};

/*  Columns common to both parts; `is_rollup` picks the text headings of
 *  one part (CSV has every column once). */
static void
s_columns (out_table_t *t, out_format_t format, bool is_rollup)
{
    bool is_csv = format == OUT_CSV;
    if (is_csv || is_rollup)
        out_table_column (t, "LEVEL", "level", OUT_LEFT);
    out_table_column (t, "CODE", "code", OUT_LEFT);
    if (is_csv || !is_rollup) {
        out_table_column (t, "RAG", "rag", OUT_LEFT);
        out_table_column (t, "STATUS", "status", OUT_LEFT);
    }
    out_table_column (t, "CUR", "currency", OUT_LEFT);
    if (is_csv || is_rollup)
        out_table_column (t, "PROJECTS", "projects", OUT_RIGHT);
    static const char *const money[][2] = {
        {"BAC", "bac"}, {"PV", "pv"}, {"EV", "ev"}, {"AC", "ac"}, {"CV", "cv"}, {"SV", "sv"},
    };
    for (size_t i = 0; i < PMO_ARRAY_LEN (money); i++)
        out_table_column (t, money[i][0], money[i][1], OUT_RIGHT);
    out_table_column (t, "CPI", "cpi", OUT_RIGHT);
    out_table_column (t, "SPI", "spi", OUT_RIGHT);
    if (is_csv || !is_rollup) {
        out_table_column (t, "EAC", "eac", OUT_RIGHT);
        out_table_column (t, "ETC", "etc", OUT_RIGHT);
        out_table_column (t, "VAC", "vac", OUT_RIGHT);
        out_table_column (t, "TCPI", "tcpi", OUT_RIGHT);
        out_table_column (t, "SPI(t)", "spi_t", OUT_RIGHT);
    }
}

/*  One row.  project is NULL for a roll-up (then level, code and projects
 *  come from r); e may be NULL (every figure empty). */
static void
s_row (out_table_t *t, out_format_t format, const Pmo__StatusRow *row, const Pmo__Rollup *r)
{
    bool is_csv = format == OUT_CSV;
    bool is_rollup = r != NULL;
    Pmo__Evm none = PMO__EVM__INIT;
    const Pmo__Evm *e = is_rollup ? r->evm : row->evm;
    if (!e)
        e = &none;
    const char *cur = e->currency;
    if (!is_rollup && (!cur || !*cur))
        cur = row->project->currency;

    out_table_row (t);
    if (is_csv || is_rollup)
        out_table_cell (t, is_rollup ? r->level : "project");
    if (is_rollup)
        out_table_cell (t, is_csv ? r->code : pmoctl_rollup_code (r));
    else
        out_table_cell (t, row->project->code);
    if (is_csv || !is_rollup) {
        out_table_cell (t, !is_rollup && row->health ? row->health->rag : NULL);
        out_table_cell (t, is_rollup ? NULL : pmo_wire_status_name (row->project->status));
    }
    out_table_cell (t, cur);
    if (is_csv || is_rollup) {
        if (is_rollup)
            out_table_cellf (t, "%u", (unsigned) r->projects);
        else
            out_table_cell (t, NULL);
    }
    struct {
        bool has;
        int64_t minor;
    } money[] = {
        {e->has_bac_minor, e->bac_minor}, {e->has_pv_minor, e->pv_minor},
        {e->has_ev_minor, e->ev_minor},   {e->has_ac_minor, e->ac_minor},
        {e->has_cv_minor, e->cv_minor},   {e->has_sv_minor, e->sv_minor},
    };
    char buf[PMO_MONEY_FMT_MAX];
    for (size_t i = 0; i < PMO_ARRAY_LEN (money); i++) {
        pmoctl_fmt_amount (money[i].has, money[i].minor, cur, true, buf, sizeof buf);
        out_table_cell (t, buf);
    }
    pmoctl_fmt_ratio (e->cpi, 3, buf, sizeof buf);
    out_table_cell (t, buf);
    pmoctl_fmt_ratio (e->spi, 3, buf, sizeof buf);
    out_table_cell (t, buf);
    if (is_csv || !is_rollup) {
        /*  A roll-up's forecasts are left empty: pmod sends only sums and
         *  the indices of sums for them. */
        pmoctl_fmt_amount (!is_rollup && e->has_eac_minor, e->eac_minor, cur, true, buf,
                           sizeof buf);
        out_table_cell (t, buf);
        pmoctl_fmt_amount (!is_rollup && e->has_etc_minor, e->etc_minor, cur, true, buf,
                           sizeof buf);
        out_table_cell (t, buf);
        pmoctl_fmt_amount (!is_rollup && e->has_vac_minor, e->vac_minor, cur, true, buf,
                           sizeof buf);
        out_table_cell (t, buf);
        pmoctl_fmt_ratio (is_rollup ? NULL : e->tcpi, 3, buf, sizeof buf);
        out_table_cell (t, buf);
        pmoctl_fmt_ratio (is_rollup ? NULL : e->spi_t, 3, buf, sizeof buf);
        out_table_cell (t, buf);
    }
}

int
cmd_dashboard (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_status_fetch (ctl, NULL, NULL, ctl->opt[D_AS_OF], &reply);
    if (rc)
        return rc;
    const Pmo__StatusView *view = reply->status_view;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_status_json (view, view->rows, view->n_rows);
        pmo_wire_free (reply);
        return PMOCTL_EXIT_OK;
    }
    size_t n_rollups = 0;
    const Pmo__Rollup **rollups = pmoctl_rollups_sorted (view, &n_rollups);
    out_table_t *t = out_table_new ();
    s_columns (t, ctl->format, false);
    for (size_t i = 0; i < view->n_rows; i++)
        if (view->rows[i]->project)
            s_row (t, ctl->format, view->rows[i], NULL);
    if (ctl->format == OUT_CSV) {
        for (size_t i = 0; i < n_rollups; i++)
            s_row (t, ctl->format, NULL, rollups[i]);
        out_table_print (t, OUT_CSV, stdout);
    } else {
        printf ("portfolio dashboard as of %s\n\nprojects:\n", view->as_of ? view->as_of : "today");
        out_table_print (t, OUT_TEXT, stdout);
        out_table_destroy (&t);
        printf ("\nprogrammes, portfolios and total (sums per currency; cancelled projects "
                "excluded):\n");
        t = out_table_new ();
        s_columns (t, OUT_TEXT, true);
        for (size_t i = 0; i < n_rollups; i++)
            s_row (t, OUT_TEXT, NULL, rollups[i]);
        if (n_rollups)
            out_table_print (t, OUT_TEXT, stdout);
        else
            printf ("  (none)\n");
    }
    out_table_destroy (&t);
    free (rollups);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
