/*  policy: the PMO's governance thresholds, stored in settings so they
 *  survive restarts, changed one key at a time by operators (each change is
 *  an event in the audit trail). */
#include <stdio.h>
#include <stdlib.h>

#include "broker.h"
#include "pmo/pmo_error.h"

#define S_POLICY_KEY "policy"

void
policy_default (policy_t *p)
{
    memset (p, 0, sizeof *p);
    pmo_health_policy_default (&p->rag);
    p->at_risk_days = 14;
    p->budget_pct[0] = 50;
    p->budget_pct[1] = 80;
    p->budget_pct[2] = 100;
    p->n_budget_pct = 3;
    p->silent_minutes = 60;
}

static void
s_to_msg (const policy_t *p, Pmo__Policy *m, int32_t *pct_buf)
{
    pmo__policy__init (m);
    m->has_cpi_amber_bp = m->has_cpi_red_bp = m->has_spi_amber_bp = m->has_spi_red_bp = true;
    m->has_overspend_amber_bp = m->has_overspend_red_bp = m->has_missed_amber = m->has_missed_red = true;
    m->has_at_risk_days = m->has_silent_minutes = true;
    m->cpi_amber_bp = p->rag.cpi_amber_bp;
    m->cpi_red_bp = p->rag.cpi_red_bp;
    m->spi_amber_bp = p->rag.spi_amber_bp;
    m->spi_red_bp = p->rag.spi_red_bp;
    m->overspend_amber_bp = p->rag.overspend_amber_bp;
    m->overspend_red_bp = p->rag.overspend_red_bp;
    m->missed_amber = p->rag.missed_amber;
    m->missed_red = p->rag.missed_red;
    m->at_risk_days = p->at_risk_days;
    m->silent_minutes = p->silent_minutes;
    memcpy (pct_buf, p->budget_pct, p->n_budget_pct * sizeof *pct_buf);
    m->budget_thresholds_pct = pct_buf;
    m->n_budget_thresholds_pct = p->n_budget_pct;
}

static void
s_from_msg (policy_t *p, const Pmo__Policy *m)
{
    policy_default (p);
    p->rag.cpi_amber_bp = m->cpi_amber_bp;
    p->rag.cpi_red_bp = m->cpi_red_bp;
    p->rag.spi_amber_bp = m->spi_amber_bp;
    p->rag.spi_red_bp = m->spi_red_bp;
    p->rag.overspend_amber_bp = m->overspend_amber_bp;
    p->rag.overspend_red_bp = m->overspend_red_bp;
    p->rag.missed_amber = m->missed_amber;
    p->rag.missed_red = m->missed_red;
    p->at_risk_days = m->at_risk_days;
    p->silent_minutes = m->silent_minutes;
    p->n_budget_pct = m->n_budget_thresholds_pct < 8 ? m->n_budget_thresholds_pct : 8;
    if (p->n_budget_pct)
        memcpy (p->budget_pct, m->budget_thresholds_pct, p->n_budget_pct * sizeof *p->budget_pct);
}

void
policy_load (broker_t *b, pmo_txn_t *txn)
{
    policy_default (&b->policy);
    pmo_key_t k;
    tables_key_code (&k, S_POLICY_KEY);
    Pmo__Policy *m = NULL;
    if (tables_get (txn, DB_SETTINGS, &k, &pmo__policy__descriptor, (void **) &m) == PMO_OK) {
        s_from_msg (&b->policy, m);
        pmo_wire_free (m);
    }
}

static bool
s_is_digit (char c)
{
    return c >= '0' && c <= '9';
}

/*  "50,80,100": ascending percentages 1..1000. */
static int
s_parse_pcts (req_t *r, const char *text, policy_t *p)
{
    size_t n = 0;
    int32_t last = 0;
    const char *s = text;
    while (*s) {
        char *end;
        /*  Digits only: strtol would also take " 50" and "+50". */
        long v = s_is_digit (*s) ? strtol (s, &end, 10) : 0;
        if (!s_is_digit (*s) || v < 1 || v > 1000 || v <= last || n == 8 || (*end && *end != ',')
            || (*end == ',' && !end[1]))
            return req_fail (r, PMO_EINVAL, "value",
                             "budget_thresholds: \"%.40s\" is not ascending percentages like 50,80,100", text);
        p->budget_pct[n++] = (int32_t) v;
        last = (int32_t) v;
        s = *end ? end + 1 : end;
    }
    if (n == 0)
        return req_fail (r, PMO_EINVAL, "value", "budget_thresholds: give at least one percentage");
    p->n_budget_pct = n;
    return PMO_OK;
}

static int
s_parse_int (req_t *r, const char *key, const char *text, int32_t min, int32_t max, int32_t *out)
{
    char *end = NULL;
    long v = s_is_digit (*text) ? strtol (text, &end, 10) : 0;
    if (!s_is_digit (*text) || *end || v < min || v > max)
        return req_fail (r, PMO_EINVAL, "value", "%s: \"%.40s\" is not a whole number in %d..%d", key, text,
                         (int) min, (int) max);
    *out = (int32_t) v;
    return PMO_OK;
}

int
handle_policy_set (req_t *r)
{
    const Pmo__PolicySet *q = r->req->policy_set;
    if (!q->key || !q->value)
        return req_fail (r, PMO_EINVAL, "key", "policy: give a key and a value");
    policy_t p = r->broker->policy;
    int rc;
    if (streq (q->key, "at_risk_days"))
        rc = s_parse_int (r, q->key, q->value, 0, 365, &p.at_risk_days);
    else if (streq (q->key, "silent_minutes"))
        rc = s_parse_int (r, q->key, q->value, 1, 525600, &p.silent_minutes);
    else if (streq (q->key, "budget_thresholds"))
        rc = s_parse_pcts (r, q->value, &p);
    else {
        rc = pmo_health_policy_set (&p.rag, q->key, q->value);
        if (rc == PMO_ENOTFOUND)
            return req_fail (r, PMO_EINVAL, "key",
                             "policy: unknown key \"%.40s\" (cpi_amber, cpi_red, spi_amber, spi_red, "
                             "overspend_amber, overspend_red, missed_amber, missed_red, at_risk_days, "
                             "budget_thresholds, silent_minutes)", q->key);
        if (rc)
            return req_fail (r, rc, "value", "policy: %.40s = \"%.40s\" is not valid (or red is looser than amber)",
                             q->key, q->value);
    }
    if (rc)
        return rc;
    Pmo__Policy m;
    int32_t pcts[8];
    s_to_msg (&p, &m, pcts);
    m.has_updated_ms = true;
    m.updated_ms = r->now_ms;
    pmo_key_t k;
    tables_key_code (&k, S_POLICY_KEY);
    rc = tables_put (r->txn, DB_SETTINGS, &k, &m, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "policy: %s", pmo_strerror (rc));
    rc = events_emit (r, "policy.changed", NULL, PMO__EVENT__BODY_POLICY, &m);
    if (rc)
        return rc;
    /*  Takes effect for the rest of the batch; reverted by batch.c if the
     *  batch does not commit.  Health is re-evaluated at once, so a colour
     *  the new policy changes is published with the change. */
    r->broker->policy = p;
    r->internal = true;
    r->actor = "pmod";
    return alerts_scan_txn (r);
}

int
handle_policy_get (req_t *r)
{
    Pmo__Policy *m = req_keep_mem (r, pmo_malloc (sizeof *m));
    int32_t *pcts = req_keep_mem (r, pmo_malloc (8 * sizeof *pcts));
    s_to_msg (&r->broker->policy, m, pcts);
    r->reply->body_case = PMO__REPLY__BODY_POLICY;
    r->reply->policy = m;
    return PMO_OK;
}
