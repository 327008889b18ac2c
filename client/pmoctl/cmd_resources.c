/*  cmd_resources: pmoctl allocation set|remove and pmoctl resources, the
 *  planned load of people per ISO week against their weekly capacity.
 *
 *  Hours are given as decimal hours (12.5) or whole minutes and travel as
 *  minutes; the table shows hours with two decimals, CSV and JSON whole
 *  minutes. */
#include <inttypes.h>
#include <stdlib.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { SET_HOURS, SET_MINUTES };

const pmoctl_opt_t cmd_allocation_set_opts[] = {
    [SET_HOURS] = {"hours", "H", false, "planned hours in the week, 12.5"},
    [SET_MINUTES] = {"minutes", "N", false, "planned minutes in the week (instead of --hours)"},
    {NULL, NULL, false, NULL},
};

enum { RES_PERSON, RES_PROJECT, RES_FROM, RES_TO, RES_OVER };

const pmoctl_opt_t cmd_resources_opts[] = {
    [RES_PERSON] = {"person", "P", false, "one person"},
    [RES_PROJECT] = {"project", "C", false, "person-weeks with an allocation on project C"},
    [RES_FROM] = {"from", "WEEK", false, "first ISO week, 2026-W40"},
    [RES_TO] = {"to", "WEEK", false, "last ISO week"},
    [RES_OVER] = {"over", NULL, false, "only over-allocated person-weeks"},
    {NULL, NULL, false, NULL},
};

static int
s_check_week (const char *flag, const char *s)
{
    int32_t monday;
    if (!s || pmo_date_parse_iso_week (s, &monday) == PMO_OK)
        return PMO_OK;
    pmoctl_fail ("%s: '%s' is not an ISO week (YYYY-Www, such as 2026-W48)", flag, s);
    return PMO_EINVAL;
}

/*  --hours 12.5 or --minutes 750 -> minutes; pmod checks the range. */
static int
s_minutes (pmoctl_t *ctl, int32_t *minutes)
{
    const char *hours = ctl->opt[SET_HOURS], *mins = ctl->opt[SET_MINUTES];
    if (!hours == !mins) {
        pmoctl_fail ("allocation set: give --hours or --minutes");
        return PMO_EINVAL;
    }
    int64_t v = 0;
    if (mins) {
        uint64_t m = 0;
        if (pmoctl_parse_u64 ("--minutes", mins, INT32_MAX, &m) != PMO_OK)
            return PMO_EINVAL;
        v = (int64_t) m;
    } else {
        int64_t hundredths = 0;
        if (pmo_decimal_parse (hours, 2, &hundredths) != PMO_OK || hundredths < 0
            || pmo_i64_muldiv (hundredths, 60, 100, &v) != PMO_OK || v > INT32_MAX) {
            pmoctl_fail ("--hours: '%s' is not a number of hours like 12.5", hours);
            return PMO_EINVAL;
        }
        /*  Minutes are what is stored: 1.01 h would become 61 minutes and
         *  read back as 1.02 (pmo-agent refuses such hours too). */
        if (hundredths * 60 % 100 != 0) {
            pmoctl_fail ("--hours: '%s' is not a whole number of minutes (give --minutes)", hours);
            return PMO_EINVAL;
        }
    }
    *minutes = (int32_t) v;
    return PMO_OK;
}

static int
s_send (pmoctl_t *ctl, Pmo__Allocation *a, const char *what)
{
    if (s_check_week ("WEEK", a->week) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_ALLOCATION_SET;
    req.allocation_set = a;
    return pmoctl_write (ctl, &req, "allocation of %s to %s in %s %s", a->person, a->project, a->week, what);
}

int
cmd_allocation_set (pmoctl_t *ctl)
{
    Pmo__Allocation a = PMO__ALLOCATION__INIT;
    a.person = ctl->args[0];
    a.project = ctl->args[1];
    a.week = ctl->args[2];
    a.has_minutes = true;
    if (s_minutes (ctl, &a.minutes) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    return s_send (ctl, &a, "set");
}

int
cmd_allocation_remove (pmoctl_t *ctl)
{
    Pmo__Allocation a = PMO__ALLOCATION__INIT;
    a.person = ctl->args[0];
    a.project = ctl->args[1];
    a.week = ctl->args[2];
    a.has_remove = a.remove = true;
    return s_send (ctl, &a, "removed");
}

int
cmd_resources (pmoctl_t *ctl)
{
    const char *from = ctl->opt[RES_FROM], *to = ctl->opt[RES_TO];
    if (s_check_week ("--from", from) || s_check_week ("--to", to))
        return PMOCTL_EXIT_USAGE;
    /*  An empty table would read as "nothing planned": say what is wrong,
     *  as report does for its dates. */
    int32_t from_monday, to_monday;
    if (from && to && pmo_date_parse_iso_week (from, &from_monday) == PMO_OK
        && pmo_date_parse_iso_week (to, &to_monday) == PMO_OK && to_monday < from_monday)
        return pmoctl_fail ("--to: %s is before --from %s", to, from);
    Pmo__ResourceQuery q = PMO__RESOURCE_QUERY__INIT;
    q.person = (char *) ctl->opt[RES_PERSON];
    q.project = (char *) ctl->opt[RES_PROJECT];
    q.from_week = (char *) ctl->opt[RES_FROM];
    q.to_week = (char *) ctl->opt[RES_TO];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_RESOURCES;
    req.resources = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_RESOURCES, &reply);
    if (rc)
        return rc;
    /*  --over: a shallow view of the flagged rows; the reply keeps owning
     *  every row and frees them all. */
    Pmo__ResourceView shown = *reply->resources;
    Pmo__ResourceView *view = &shown;
    Pmo__ResourceRow **kept = pmo_calloc (shown.n_rows + 1, sizeof *kept);
    size_t n_kept = 0;
    for (size_t i = 0; i < shown.n_rows; i++)
        if (!ctl->opt[RES_OVER] || shown.rows[i]->overallocated)
            kept[n_kept++] = shown.rows[i];
    shown.rows = kept;
    shown.n_rows = n_kept;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (view, "rows");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "PERSON", "person", OUT_LEFT);
        out_table_column (t, "WEEK", "week", OUT_LEFT);
        out_table_column (t, "PLANNED", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
        out_table_column (t, NULL, "planned_minutes", OUT_CSV_ONLY);
        out_table_column (t, "CAPACITY", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
        out_table_column (t, NULL, "capacity_minutes", OUT_CSV_ONLY);
        out_table_column (t, "FLAG", "flag", OUT_LEFT);
        out_table_column (t, "PROJECTS", NULL, OUT_LEFT | OUT_TEXT_ONLY);
        for (size_t i = 0; i < view->n_rows; i++) {
            const Pmo__ResourceRow *row = view->rows[i];
            char planned[32], capacity[32] = "", projects[512] = "";
            pmoctl_fmt_hours (row->planned_minutes, planned, sizeof planned);
            if (row->has_capacity_minutes)
                pmoctl_fmt_hours (row->capacity_minutes, capacity, sizeof capacity);
            for (size_t j = 0; j < row->n_allocations; j++) {
                char h[32];
                size_t len = strlen (projects);
                pmoctl_fmt_hours (row->allocations[j]->minutes, h, sizeof h);
                snprintf (projects + len, sizeof projects - len, "%s%s %s", j ? ", " : "",
                          row->allocations[j]->project, h);
            }
            out_table_row (t);
            out_table_cell (t, row->person);
            out_table_cell (t, row->week);
            out_table_cell (t, planned);
            out_table_cellf (t, "%d", (int) row->planned_minutes);
            out_table_cell (t, capacity);
            if (row->has_capacity_minutes)
                out_table_cellf (t, "%d", (int) row->capacity_minutes);
            else
                out_table_cell (t, "");
            out_table_cell (t, row->overallocated ? "overallocated" : "");
            out_table_cell (t, projects);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    free (kept);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
