/*  cmd_team: pmoctl team add|list. */
#include "pmoctl.h"

enum { ADD_NAME };

const pmoctl_opt_t cmd_team_add_opts[] = {
    [ADD_NAME] = {"name", "N", true, "team name"},
    {NULL, NULL, false, NULL},
};

int
cmd_team_add (pmoctl_t *ctl)
{
    Pmo__Team team = PMO__TEAM__INIT;
    team.code = ctl->args[0];
    team.name = (char *) ctl->opt[ADD_NAME];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_TEAM_ADD;
    req.team_add = &team;
    return pmoctl_write (ctl, &req, "team %s created", team.code);
}

int
cmd_team_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_TEAMS, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "teams");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "CODE", "code", OUT_LEFT);
        out_table_column (t, "LAST SEEN", "last_seen", OUT_LEFT);
        out_table_column (t, "AGENT", "last_agent", OUT_LEFT);
        out_table_column (t, "NAME", "name", OUT_LEFT);
        for (size_t i = 0; i < listing->n_teams; i++) {
            const Pmo__Team *team = listing->teams[i];
            char seen[25];
            pmoctl_fmt_time (team->last_seen_ms, seen);
            out_table_row (t);
            out_table_cell (t, team->code);
            out_table_cell (t, seen);
            out_table_cell (t, team->last_agent);
            out_table_cell (t, team->name);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
