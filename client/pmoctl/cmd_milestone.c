/*  cmd_milestone: pmoctl milestone add|list|set|reach.
 *
 *  Slip is computed here, in whole days, from the dates pmod returns:
 *  (actual, else forecast) minus the baseline due date; late is positive. */
#include <stdint.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmoctl.h"

enum { M_DUE, M_FORECAST, M_WEIGHT, M_ACTUAL };

const pmoctl_opt_t cmd_milestone_add_opts[] = {
    [M_DUE] = {"due", "D", true, "baseline due date, YYYY-MM-DD"},
    [M_FORECAST] = {"forecast", "D", false, "forecast date, YYYY-MM-DD"},
    [M_WEIGHT] = {"weight", "N", false, "relative weight (whole number)"},
    {NULL, NULL, false, NULL},
};

const pmoctl_opt_t cmd_milestone_set_opts[] = {
    [M_DUE] = {"due", "D", false, "baseline due date, YYYY-MM-DD"},
    [M_FORECAST] = {"forecast", "D", false, "forecast date, YYYY-MM-DD"},
    [M_WEIGHT] = {"weight", "N", false, "relative weight (whole number)"},
    [M_ACTUAL] = {"actual", "D", false, "date it was reached, YYYY-MM-DD"},
    {NULL, NULL, false, NULL},
};

enum { R_DATE };

const pmoctl_opt_t cmd_milestone_reach_opts[] = {
    [R_DATE] = {"date", "D", false, "date it was reached (default today)"},
    {NULL, NULL, false, NULL},
};

void
pmoctl_fmt_slip (const Pmo__Milestone *m, char *buf, size_t n)
{
    const char *when = m->actual && *m->actual ? m->actual : m->forecast;
    int32_t due, at;
    buf[0] = '\0';
    if (!m->due || !when || pmo_date_parse (m->due, &due) != PMO_OK
        || pmo_date_parse (when, &at) != PMO_OK)
        return;
    int32_t slip = at - due;
    snprintf (buf, n, slip > 0 ? "+%d" : "%d", (int) slip);
}

void
pmoctl_milestone_columns (out_table_t *t)
{
    out_table_column (t, "NAME", "name", OUT_LEFT);
    out_table_column (t, "WEIGHT", "weight", OUT_RIGHT);
    out_table_column (t, "DUE", "due", OUT_LEFT);
    out_table_column (t, "FORECAST", "forecast", OUT_LEFT);
    out_table_column (t, "ACTUAL", "actual", OUT_LEFT);
    out_table_column (t, "SLIP (DAYS)", "slip_days", OUT_RIGHT);
}

void
pmoctl_milestone_row (out_table_t *t, const Pmo__Milestone *m)
{
    char slip[16];
    pmoctl_fmt_slip (m, slip, sizeof slip);
    out_table_row (t);
    out_table_cell (t, m->name);
    if (m->has_weight)
        out_table_cellf (t, "%u", (unsigned) m->weight);
    else
        out_table_cell (t, "");
    out_table_cell (t, m->due);
    out_table_cell (t, m->forecast);
    out_table_cell (t, m->actual);
    out_table_cell (t, slip);
}

/*  Checks the dates and weight of add/set, filling the weight. */
static int
s_check (pmoctl_t *ctl, bool has_actual, protobuf_c_boolean *has_weight, uint32_t *weight)
{
    if (pmoctl_check_date ("--due", ctl->opt[M_DUE])
        || pmoctl_check_date ("--forecast", ctl->opt[M_FORECAST])
        || (has_actual && pmoctl_check_date ("--actual", ctl->opt[M_ACTUAL])))
        return PMO_EINVAL;
    uint64_t w = 0;
    if (pmoctl_parse_u64 ("--weight", ctl->opt[M_WEIGHT], PMO_MAX_WEIGHT, &w))
        return PMO_EINVAL;
    *has_weight = ctl->opt[M_WEIGHT] != NULL;
    *weight = (uint32_t) w;
    return PMO_OK;
}

int
cmd_milestone_add (pmoctl_t *ctl)
{
    Pmo__Milestone m = PMO__MILESTONE__INIT;
    m.project = ctl->args[0];
    m.name = ctl->args[1];
    if (s_check (ctl, false, &m.has_weight, &m.weight) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    m.due = (char *) ctl->opt[M_DUE];
    m.forecast = (char *) ctl->opt[M_FORECAST];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_MILESTONE_ADD;
    req.milestone_add = &m;
    return pmoctl_write (ctl, &req, "milestone \"%s\" of %s created", m.name, m.project);
}

int
cmd_milestone_set (pmoctl_t *ctl)
{
    Pmo__MilestoneUpdate u = PMO__MILESTONE_UPDATE__INIT;
    u.project = ctl->args[0];
    u.name = ctl->args[1];
    if (!ctl->opt[M_DUE] && !ctl->opt[M_FORECAST] && !ctl->opt[M_ACTUAL] && !ctl->opt[M_WEIGHT])
        return pmoctl_fail ("milestone set: nothing to change (see pmoctl milestone set --help)");
    if (s_check (ctl, true, &u.has_weight, &u.weight) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    u.due = (char *) ctl->opt[M_DUE];
    u.forecast = (char *) ctl->opt[M_FORECAST];
    u.actual = (char *) ctl->opt[M_ACTUAL];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_MILESTONE_UPDATE;
    req.milestone_update = &u;
    return pmoctl_write (ctl, &req, "milestone \"%s\" of %s updated", u.name, u.project);
}

int
cmd_milestone_reach (pmoctl_t *ctl)
{
    Pmo__MilestoneUpdate u = PMO__MILESTONE_UPDATE__INIT;
    char today[11];
    u.project = ctl->args[0];
    u.name = ctl->args[1];
    if (pmoctl_check_date ("--date", ctl->opt[R_DATE]))
        return PMOCTL_EXIT_USAGE;
    pmo_date_format (pmo_clock_today (), today);
    u.actual = ctl->opt[R_DATE] ? (char *) ctl->opt[R_DATE] : today;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_MILESTONE_UPDATE;
    req.milestone_update = &u;
    return pmoctl_write (ctl, &req, "milestone \"%s\" of %s reached on %s", u.name, u.project,
                         u.actual);
}

int
cmd_milestone_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_MILESTONES, ctl->args[0], &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "milestones");
    } else {
        out_table_t *t = out_table_new ();
        pmoctl_milestone_columns (t);
        for (size_t i = 0; i < listing->n_milestones; i++)
            pmoctl_milestone_row (t, listing->milestones[i]);
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
