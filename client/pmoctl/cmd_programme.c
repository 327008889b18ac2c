/*  cmd_programme: pmoctl programme add|list. */
#include "pmoctl.h"

enum { ADD_PORTFOLIO, ADD_NAME };

const pmoctl_opt_t cmd_programme_add_opts[] = {
    [ADD_PORTFOLIO] = {"portfolio", "P", true, "the portfolio it belongs to"},
    [ADD_NAME] = {"name", "N", true, "programme name"},
    {NULL, NULL, false, NULL},
};

int
cmd_programme_add (pmoctl_t *ctl)
{
    Pmo__Programme programme = PMO__PROGRAMME__INIT;
    programme.code = ctl->args[0];
    programme.name = (char *) ctl->opt[ADD_NAME];
    programme.portfolio = (char *) ctl->opt[ADD_PORTFOLIO];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PROGRAMME_ADD;
    req.programme_add = &programme;
    return pmoctl_write (ctl, &req, "programme %s created", programme.code);
}

int
cmd_programme_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_PROGRAMMES, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "programmes");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "CODE", "code", OUT_LEFT);
        out_table_column (t, "PORTFOLIO", "portfolio", OUT_LEFT);
        out_table_column (t, "NAME", "name", OUT_LEFT);
        for (size_t i = 0; i < listing->n_programmes; i++) {
            const Pmo__Programme *p = listing->programmes[i];
            out_table_row (t);
            out_table_cell (t, p->code);
            out_table_cell (t, p->portfolio);
            out_table_cell (t, p->name);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
