/*  cmd_policy: pmoctl policy show|set, the PMO's governance policy.
 *
 *  show prints each key with its value in the syntax `policy set` takes
 *  (indices as "0.95", overspend as percentage points "10"), so what is
 *  shown can be typed back.  set sends the key and value as text: pmod owns
 *  the keys and their checks, and its reason is printed when it refuses. */
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

typedef enum { K_INDEX, K_POINTS, K_COUNT } s_kind_t;

/*  One line of policy show. */
typedef struct {
    const char *key;       /* as policy set takes it */
    bool has;
    int32_t value;
    s_kind_t kind;
    const char *meaning;
} s_line_t;

static void
s_fmt (const s_line_t *l, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!l->has)
        return;
    int rc = PMO_OK;
    switch (l->kind) {
    case K_INDEX: rc = pmo_decimal_format_trim (l->value, 4, buf, n); break;   /* 9500 bp -> 0.95 */
    case K_POINTS: rc = pmo_decimal_format_trim (l->value, 2, buf, n); break;  /* 1000 bp -> 10 */
    case K_COUNT: snprintf (buf, n, "%d", (int) l->value); break;
    }
    if (rc != PMO_OK)
        snprintf (buf, n, "?");
}

static void
s_print (const Pmo__Policy *p)
{
    const s_line_t lines[] = {
        {"cpi_amber", p->has_cpi_amber_bp, p->cpi_amber_bp, K_INDEX, "amber when CPI is below"},
        {"cpi_red", p->has_cpi_red_bp, p->cpi_red_bp, K_INDEX, "red when CPI is below"},
        {"spi_amber", p->has_spi_amber_bp, p->spi_amber_bp, K_INDEX,
         "amber when SPI(t), else SPI, is below"},
        {"spi_red", p->has_spi_red_bp, p->spi_red_bp, K_INDEX,
         "red when SPI(t), else SPI, is below"},
        {"overspend_amber", p->has_overspend_amber_bp, p->overspend_amber_bp, K_POINTS,
         "amber when % of budget spent exceeds % complete by more than (points)"},
        {"overspend_red", p->has_overspend_red_bp, p->overspend_red_bp, K_POINTS,
         "red when % of budget spent exceeds % complete by more than (points)"},
        {"missed_amber", p->has_missed_amber, p->missed_amber, K_COUNT,
         "amber from this many missed milestones"},
        {"missed_red", p->has_missed_red, p->missed_red, K_COUNT,
         "red from this many missed milestones"},
        {"at_risk_days", p->has_at_risk_days, p->at_risk_days, K_COUNT,
         "milestone.at_risk when due within this many days and behind plan"},
        {"silent_minutes", p->has_silent_minutes, p->silent_minutes, K_COUNT,
         "team.silent after this many minutes without a heartbeat"},
    };
    out_table_t *t = out_table_new ();
    out_table_hide_header (t);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    out_table_column (t, NULL, NULL, OUT_LEFT);
    char buf[256];
    for (size_t i = 0; i < PMO_ARRAY_LEN (lines); i++) {
        s_fmt (&lines[i], buf, sizeof buf);
        out_table_row (t);
        out_table_cell (t, lines[i].key);
        out_table_cell (t, buf);
        out_table_cell (t, lines[i].meaning);
    }
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_budget_thresholds_pct; i++) {
        size_t len = strlen (buf);
        snprintf (buf + len, sizeof buf - len, "%s%d", i ? "," : "",
                  (int) p->budget_thresholds_pct[i]);
    }
    out_table_row (t);
    out_table_cell (t, "budget_thresholds");
    out_table_cell (t, buf);
    out_table_cell (t, "budget.threshold when actual cost reaches these % of budget");
    if (p->has_updated_ms) {
        char when[25];
        pmoctl_fmt_time (p->updated_ms, when);
        out_table_row (t);
        out_table_cell (t, "updated");
        out_table_cell (t, when);
        out_table_cell (t, "last change (pmoctl log shows who)");
    }
    out_table_print (t, OUT_TEXT, stdout);
    out_table_destroy (&t);
}

int
cmd_policy_show (pmoctl_t *ctl)
{
    Pmo__PolicyGet get = PMO__POLICY_GET__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_POLICY_GET;
    req.policy_get = &get;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_POLICY, &reply);
    if (rc)
        return rc;
    if (ctl->format == OUT_JSON)
        pmoctl_print_json (reply->policy, "budget_thresholds_pct");
    else
        s_print (reply->policy);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}

int
cmd_policy_set (pmoctl_t *ctl)
{
    Pmo__PolicySet set = PMO__POLICY_SET__INIT;
    set.key = ctl->args[0];
    set.value = ctl->args[1];
    if (!*set.key)
        return pmoctl_fail ("policy set: KEY is empty (see pmoctl policy set --help)");
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_POLICY_SET;
    req.policy_set = &set;
    return pmoctl_write (ctl, &req, "policy %s set to %s", set.key, set.value);
}
