/*  cmd_portfolio: pmoctl portfolio add|list. */
#include "pmoctl.h"

enum { ADD_NAME };

const pmoctl_opt_t cmd_portfolio_add_opts[] = {
    [ADD_NAME] = {"name", "N", true, "portfolio name"},
    {NULL, NULL, false, NULL},
};

int
cmd_portfolio_add (pmoctl_t *ctl)
{
    Pmo__Portfolio portfolio = PMO__PORTFOLIO__INIT;
    portfolio.code = ctl->args[0];
    portfolio.name = (char *) ctl->opt[ADD_NAME];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PORTFOLIO_ADD;
    req.portfolio_add = &portfolio;
    return pmoctl_write (ctl, &req, "portfolio %s created", portfolio.code);
}

int
cmd_portfolio_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_PORTFOLIOS, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "portfolios");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "CODE", "code", OUT_LEFT);
        out_table_column (t, "NAME", "name", OUT_LEFT);
        for (size_t i = 0; i < listing->n_portfolios; i++) {
            const Pmo__Portfolio *p = listing->portfolios[i];
            out_table_row (t);
            out_table_cell (t, p->code);
            out_table_cell (t, p->name);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
