/*  cmd_report: pmoctl report time|cost|slip|resources.
 *
 *  pmod answers every report with the same generic table (Report): named
 *  key columns (text), named value columns (integers) and flags per row.
 *  This file prints any such table, choosing each value column's format
 *  from its name, so a new value column in pmod needs no change here:
 *    *_minor      money in the row's `currency` key, else Report.currency
 *                 (plain decimals when the row names its currency; the raw
 *                 integer when no currency is known)
 *    *minutes     hours with two decimals, "1.50" (integer arithmetic)
 *    slip_days    signed whole days, "+9", "-2", "0"
 *    other        the integer
 *  CSV keeps the raw integers (minor units, minutes) so a spreadsheet gets
 *  exact numbers; its header is key_names, value_names, then flags. */
#include <ctype.h>
#include <inttypes.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { T_FROM, T_TO, T_BY, T_PROJECT };

const pmoctl_opt_t cmd_report_time_opts[] = {
    [T_FROM] = {"from", "D", true, "first day, YYYY-MM-DD"},
    [T_TO] = {"to", "D", true, "last day (inclusive), YYYY-MM-DD"},
    [T_BY] = {"by", "GROUP", false, "person, project (default), team or activity"},
    [T_PROJECT] = {"project", "CODE", false, "only the time booked on project CODE"},
    {NULL, NULL, false, NULL},
};

enum { C_FROM, C_TO, C_PROJECT };

const pmoctl_opt_t cmd_report_cost_opts[] = {
    [C_FROM] = {"from", "D", false, "first day (default: no lower bound)"},
    [C_TO] = {"to", "D", false, "last day, inclusive (default: no upper bound)"},
    [C_PROJECT] = {"project", "CODE", false, "only project CODE"},
    {NULL, NULL, false, NULL},
};

enum { S_PROJECT };

const pmoctl_opt_t cmd_report_slip_opts[] = {
    [S_PROJECT] = {"project", "CODE", false, "only the milestones of project CODE"},
    {NULL, NULL, false, NULL},
};

enum { RS_FROM, RS_TO };

const pmoctl_opt_t cmd_report_resources_opts[] = {
    [RS_FROM] = {"from", "D", false, "first day (default: the Monday three weeks before "
                                     "this week's)"},
    [RS_TO] = {"to", "D", false, "last day, inclusive (default today)"},
    {NULL, NULL, false, NULL},
};

/*  How a value column is printed in text. */
typedef enum { V_INT, V_MONEY, V_HOURS, V_DAYS } s_vkind_t;

static bool
s_ends_with (const char *s, const char *suffix)
{
    size_t n = strlen (s), m = strlen (suffix);
    return n >= m && streq (s + n - m, suffix);
}

static s_vkind_t
s_vkind (const char *name)
{
    if (s_ends_with (name, "_minor"))
        return V_MONEY;
    if (s_ends_with (name, "minutes"))
        return V_HOURS;
    if (streq (name, "slip_days"))
        return V_DAYS;
    return V_INT;
}

/*  The text heading of a column: "total_minor" -> "TOTAL", "minutes" ->
 *  "HOURS", "booked_minutes" -> "BOOKED HOURS", "slip_days" -> "SLIP
 *  (DAYS)", "person" -> "PERSON". */
static void
s_heading (const char *name, s_vkind_t kind, bool is_value, char *buf, size_t n)
{
    char base[128];
    pmo_strlcpy (base, name, sizeof base);
    size_t len = strlen (base);
    if (is_value && kind == V_MONEY)
        base[len - strlen ("_minor")] = '\0';
    else if (is_value && kind == V_HOURS)
        snprintf (base + len - strlen ("minutes"), sizeof base - (len - strlen ("minutes")),
                  "hours");
    else if (is_value && kind == V_DAYS)
        pmo_strlcpy (base, "slip (days)", sizeof base);
    size_t i = 0;
    for (; base[i] && i + 1 < n; i++)
        buf[i] = base[i] == '_' ? ' ' : (char) toupper ((unsigned char) base[i]);
    buf[i] = '\0';
}

/*  "overallocated,missed" */
static void
s_flags (const Pmo__ReportRow *row, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < row->n_flags; i++) {
        size_t len = strlen (buf);
        snprintf (buf + len, n - len, "%s%s", i ? "," : "", pmoctl_str (row->flags[i]));
    }
}

static void
s_print_report (const Pmo__Report *rep, out_format_t format)
{
    bool is_csv = format == OUT_CSV;
    /*  A row names its currency when the report has a `currency` key. */
    size_t cur_key = SIZE_MAX;
    for (size_t k = 0; k < rep->n_key_names; k++)
        if (rep->key_names[k] && streq (rep->key_names[k], "currency"))
            cur_key = k;
    s_vkind_t *kinds = pmo_calloc (rep->n_value_names + 1, sizeof *kinds);
    out_table_t *t = out_table_new ();
    char head[160];
    for (size_t k = 0; k < rep->n_key_names; k++) {
        const char *name = pmoctl_str (rep->key_names[k]);
        s_heading (name, V_INT, false, head, sizeof head);
        out_table_column (t, head, name, OUT_LEFT);
    }
    for (size_t v = 0; v < rep->n_value_names; v++) {
        const char *name = pmoctl_str (rep->value_names[v]);
        kinds[v] = s_vkind (name);
        s_heading (name, kinds[v], true, head, sizeof head);
        out_table_column (t, head, name, OUT_RIGHT);
    }
    out_table_column (t, "FLAGS", "flags", OUT_LEFT);

    for (size_t r = 0; r < rep->n_rows; r++) {
        const Pmo__ReportRow *row = rep->rows[r];
        out_table_row (t);
        for (size_t k = 0; k < rep->n_key_names; k++)
            out_table_cell (t, k < row->n_keys ? row->keys[k] : NULL);
        const char *cur = cur_key < row->n_keys ? row->keys[cur_key] : NULL;
        bool is_plain = cur && pmo_currency_valid (cur);
        if (!is_plain)
            cur = rep->currency;
        for (size_t v = 0; v < rep->n_value_names; v++) {
            if (v >= row->n_values) {
                out_table_cell (t, NULL);
                continue;
            }
            int64_t x = row->values[v];
            char buf[PMO_MONEY_FMT_MAX];
            if (is_csv) {
                snprintf (buf, sizeof buf, "%" PRId64, x);
            } else {
                switch (kinds[v]) {
                case V_MONEY:
                    if (pmo_currency_valid (cur))
                        pmoctl_fmt_amount (true, x, cur, is_plain, buf, sizeof buf);
                    else
                        snprintf (buf, sizeof buf, "%" PRId64, x);
                    break;
                case V_HOURS: pmoctl_fmt_hours (x, buf, sizeof buf); break;
                case V_DAYS: snprintf (buf, sizeof buf, x > 0 ? "+%" PRId64 : "%" PRId64, x); break;
                case V_INT: snprintf (buf, sizeof buf, "%" PRId64, x); break;
                }
            }
            out_table_cell (t, buf);
        }
        char flags[256];
        s_flags (row, flags, sizeof flags);
        out_table_cell (t, flags);
    }
    out_table_print (t, format, stdout);
    out_table_destroy (&t);
    free (kinds);
}

/*  Checks the dates and the grouping (NULL: not given), sends the query,
 *  prints the reply.  Returns the exit code. */
static int
s_report (pmoctl_t *ctl, Pmo__ReportKind kind, const char *from, const char *to, const char *by,
          const char *project)
{
    if (pmoctl_check_date ("--from", from) || pmoctl_check_date ("--to", to))
        return PMOCTL_EXIT_USAGE;
    int32_t f_days, t_days;
    if (from && to && pmo_date_parse (from, &f_days) == PMO_OK
        && pmo_date_parse (to, &t_days) == PMO_OK && t_days < f_days)
        return pmoctl_fail ("--to: %s is before --from %s", to, from);
    if (by && !streq (by, "person") && !streq (by, "project") && !streq (by, "team")
        && !streq (by, "activity"))
        return pmoctl_fail ("--by: '%s' is not person, project, team or activity", by);

    Pmo__ReportQuery q = PMO__REPORT_QUERY__INIT;
    q.has_kind = true;
    q.kind = kind;
    q.from = (char *) from;
    q.to = (char *) to;
    q.group_by = (char *) by;
    q.project = (char *) project;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_REPORT;
    req.report = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_REPORT, &reply);
    if (rc)
        return rc;
    const Pmo__Report *rep = reply->report;
    if (ctl->format == OUT_JSON) {
        json_object *obj = pmo_json_from_msg (rep);
        out_json_ensure_array (obj, "key_names");
        out_json_ensure_array (obj, "value_names");
        out_json_ensure_array (obj, "rows");
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else {
        s_print_report (rep, ctl->format);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_report_time (pmoctl_t *ctl)
{
    return s_report (ctl, PMO__REPORT_KIND__REPORT_TIME, ctl->opt[T_FROM], ctl->opt[T_TO],
                     ctl->opt[T_BY], ctl->opt[T_PROJECT]);
}

int
cmd_report_cost (pmoctl_t *ctl)
{
    return s_report (ctl, PMO__REPORT_KIND__REPORT_COST, ctl->opt[C_FROM], ctl->opt[C_TO], NULL,
                     ctl->opt[C_PROJECT]);
}

int
cmd_report_slip (pmoctl_t *ctl)
{
    return s_report (ctl, PMO__REPORT_KIND__REPORT_SLIP, NULL, NULL, NULL, ctl->opt[S_PROJECT]);
}

int
cmd_report_resources (pmoctl_t *ctl)
{
    return s_report (ctl, PMO__REPORT_KIND__REPORT_RESOURCES, ctl->opt[RS_FROM], ctl->opt[RS_TO],
                     NULL, NULL);
}
