/*  alerts: the rules that tell subscribers a project needs attention.
 *
 *  Each alert is published once per occurrence.  An occurrence has an
 *  identity (kind, project, subject, and the date or level it concerns),
 *  stored in the alerts table in the same txn as the alert's event, so a
 *  later update, a rescan or a restart never fires it again:
 *    budget.threshold  : project, percentage      (each crossing once)
 *    milestone.missed  : project, milestone, which date (baseline/forecast), date
 *    milestone.at_risk : project, milestone, date (a new forecast is a new occurrence)
 *    team.silent       : team, last-seen instant  (each silence once)
 *  health.changed fires when the colour differs from the stored one.
 *  milestone.reached is published by the change itself (handle_*).
 *
 *  Rules run for each project a batch touched (before its commit) and for
 *  every project and team on the periodic scan, which also runs at start-up
 *  for deadlines that passed while pmod was down.
 */
#include <stdio.h>
#include <stdlib.h>

#include "broker.h"
#include "plan.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"
#include "pmo/pmo_money.h"

/*  True when this occurrence fired before; else records it as fired by the
 *  next event seq (the one about to be emitted). */
static bool
s_fired (req_t *r, const pmo_key_t *k)
{
    pmo_val_t v;
    if (pmo_get (r->txn, DB_ALERTS, k->buf, k->len, &v) == PMO_OK)
        return true;
    uint8_t seq[8];
    pmo_be64_put (seq, r->broker->next_seq);
    return pmo_put (r->txn, DB_ALERTS, k->buf, k->len, seq, 8, 0) != PMO_OK;
}

static int
s_emit (req_t *r, const char *kind, const char *project, const char *milestone, const char *team,
        int32_t pct, const char *date, const char *text)
{
    Pmo__Alert a = PMO__ALERT__INIT;
    a.kind = (char *) kind;
    a.project = (char *) project;
    a.milestone = (char *) milestone;
    a.team = (char *) team;
    a.text = (char *) text;
    a.has_threshold_pct = pct > 0;
    a.threshold_pct = pct;
    a.date = (char *) date;
    return events_emit (r, kind, project, PMO__EVENT__BODY_ALERT, &a);
}

static int
s_budget (req_t *r, const Pmo__Project *p, int64_t ac_minor)
{
    const policy_t *pol = &r->broker->policy;
    for (size_t i = 0; i < pol->n_budget_pct && p->bac_minor > 0; i++) {
        int32_t pct = pol->budget_pct[i];
        /*  AC x 100 >= BAC x pct, exactly, in 128 bits. */
        if ((__int128) ac_minor * 100 < (__int128) p->bac_minor * pct)
            continue;
        pmo_key_t k;
        pmo_key_init (&k);
        pmo_key_str (&k, "budget");
        pmo_key_str (&k, p->code);
        pmo_key_u64 (&k, (uint64_t) pct);
        if (s_fired (r, &k))
            continue;
        char ac[40], bac[40], text[200];
        pmo_money_format (ac_minor, p->currency, ac, sizeof ac);
        pmo_money_format (p->bac_minor, p->currency, bac, sizeof bac);
        snprintf (text, sizeof text, "%s has spent %d%% of its budget: %s of %s", p->code, (int) pct, ac, bac);
        int rc = s_emit (r, "budget.threshold", p->code, NULL, NULL, pct, NULL, text);
        if (rc)
            return rc;
    }
    return PMO_OK;
}

static int
s_milestone (req_t *r, const Pmo__Project *p, const Pmo__Milestone *m, const pmo_evm_t *e, int32_t today)
/*  e is NULL when the project's earned value is undefined (overflow). */
{
    int32_t due, forecast;
    if (m->actual || pmo_date_parse (m->due, &due) != PMO_OK)
        return PMO_OK;
    bool has_forecast = m->forecast && pmo_date_parse (m->forecast, &forecast) == PMO_OK;
    char text[300];
    struct {
        const char *which;
        int32_t day;
        const char *date;
    } checks[2] = {{"baseline", due, m->due}, {"forecast", has_forecast ? forecast : 0, m->forecast}};
    for (int i = 0; i < (has_forecast && forecast != due ? 2 : 1); i++) {
        if (today <= checks[i].day)
            continue;
        pmo_key_t k;
        pmo_key_init (&k);
        pmo_key_str (&k, "missed");
        pmo_key_str (&k, p->code);
        pmo_key_str (&k, m->name);
        pmo_key_str (&k, checks[i].which);
        pmo_key_i32 (&k, checks[i].day);
        if (s_fired (r, &k))
            continue;
        snprintf (text, sizeof text, "milestone \"%s\" of %s was due %s (%s) and is not reached", m->name,
                  p->code, checks[i].date, checks[i].which);
        int rc = s_emit (r, "milestone.missed", p->code, m->name, NULL, 0, checks[i].date, text);
        if (rc)
            return rc;
    }
    /*  At risk: due soon while the project is behind plan (EV < PV). */
    int32_t next = has_forecast ? forecast : due;
    int32_t days = next - today;
    if (!e || days < 0 || days > r->broker->policy.at_risk_days || e->ev >= e->pv)
        return PMO_OK;
    pmo_key_t k;
    pmo_key_init (&k);
    pmo_key_str (&k, "at_risk");
    pmo_key_str (&k, p->code);
    pmo_key_str (&k, m->name);
    pmo_key_i32 (&k, next);
    if (s_fired (r, &k))
        return PMO_OK;
    const char *date = has_forecast ? m->forecast : m->due;
    snprintf (text, sizeof text, "milestone \"%s\" of %s is due %s, in %d day(s), and the project is behind plan",
              m->name, p->code, date, (int) days);
    return s_emit (r, "milestone.at_risk", p->code, m->name, NULL, 0, date, text);
}

static int
s_health (req_t *r, const Pmo__Project *p, const pmo_health_t *h)
{
    pmo_key_t k;
    tables_key_code (&k, p->code);
    Pmo__Health *old = NULL;
    int rc = tables_get (r->txn, DB_HEALTH, &k, &pmo__health__descriptor, (void **) &old);
    if (rc && rc != PMO_ENOTFOUND)
        return req_fail (r, rc, "", "health of %s: %s", p->code, pmo_strerror (rc));
    req_keep (r, old);
    const char *rag = pmo_rag_name (h->rag);
    if (old && old->rag && streq (old->rag, rag))
        return PMO_OK;
    Pmo__Health nh = PMO__HEALTH__INIT;
    nh.project = p->code;
    nh.rag = (char *) rag;
    nh.reason = (char *) h->reason;
    nh.previous = old ? old->rag : NULL;
    nh.has_since_ms = true;
    nh.since_ms = r->now_ms;
    rc = tables_put (r->txn, DB_HEALTH, &k, &nh, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "health of %s: %s", p->code, pmo_strerror (rc));
    /*  A new project starts green without an alert; any later change, or a
     *  first colour that is not green, is published. */
    if (!old && h->rag == PMO_RAG_GREEN)
        return PMO_OK;
    return events_emit (r, "health.changed", p->code, PMO__EVENT__BODY_HEALTH, &nh);
}

int
alerts_project (req_t *r, const char *code)
{
    pmo_key_t k;
    tables_key_code (&k, code);
    Pmo__Project *p = NULL;
    if (tables_get (r->txn, DB_PROJECTS, &k, &pmo__project__descriptor, (void **) &p) != PMO_OK)
        return PMO_OK;
    req_keep (r, p);
    /*  Closed and cancelled projects raise nothing; proposed ones have no
     *  commitments to miss yet. */
    if (p->status == PMO__PROJECT_STATUS__PROJECT_CLOSED || p->status == PMO__PROJECT_STATUS__PROJECT_CANCELLED
        || p->status == PMO__PROJECT_STATUS__PROJECT_PROPOSED)
        return PMO_OK;
    int32_t today = pmo_date_from_ms (r->now_ms);
    figures_t f;
    int rc = analytics_project (r, p, today, &f);
    if (rc) {
        /*  One project's unreadable figures must not refuse the batch that
         *  touched it: nothing is written before this point, and a spent
         *  txn still fails the batch at its commit. */
        pmo_log_warn ("alerts for %s skipped: %s", code, r->reason.text[0] ? r->reason.text : pmo_strerror (rc));
        return PMO_OK;
    }
    rc = s_budget (r, p, f.ac);
    for (size_t i = 0; !rc && i < f.n_milestones; i++)
        rc = s_milestone (r, p, f.milestones[i], f.has_evm ? &f.evm : NULL, today);
    if (!rc)
        rc = s_health (r, p, &f.health);
    return rc;
}

static int
s_teams (req_t *r)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_TEAMS, &cur);
    if (rc)
        return rc;
    int64_t limit_ms = (int64_t) r->broker->policy.silent_minutes * 60000;
    pmo_val_t k, v;
    /*  Collect first: emitting writes to other tables while the cursor
     *  walks this one is allowed, but keep the walk read-only and simple. */
    Pmo__Team **silent = NULL;
    size_t n = 0, cap = 0;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Team *t = pmo_wire_unpack (&pmo__team__descriptor, v.data, v.len);
        if (!t)
            continue;
        req_keep (r, t);
        if (!t->has_last_seen_ms || r->now_ms - t->last_seen_ms <= limit_ms)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            silent = pmo_realloc (silent, cap * sizeof *silent);
        }
        silent[n++] = t;
    }
    pmo_cursor_close (&cur);
    rc = PMO_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        Pmo__Team *t = silent[i];
        pmo_key_t key;
        pmo_key_init (&key);
        pmo_key_str (&key, "silent");
        pmo_key_str (&key, t->code);
        pmo_key_u64 (&key, (uint64_t) t->last_seen_ms);
        if (s_fired (r, &key))
            continue;
        char seen[25], text[300];
        pmo_datetime_format (t->last_seen_ms, seen);
        snprintf (text, sizeof text, "team %s: no heartbeat or update from its agent%s%s since %s (%lld min)",
                  t->code, t->last_agent ? " " : "", t->last_agent ? t->last_agent : "", seen,
                  (long long) ((r->now_ms - t->last_seen_ms) / 60000));
        rc = s_emit (r, "team.silent", NULL, NULL, t->code, 0, NULL, text);
    }
    free (silent);
    return rc;
}

static int
s_scan (req_t *r, void *arg)
{
    (void) arg;
    return alerts_scan_txn (r);
}

int
alerts_scan_txn (req_t *r)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_PROJECTS, &cur);
    if (rc)
        return rc;
    char **codes = NULL;
    size_t n = 0, cap = 0;
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            codes = pmo_realloc (codes, cap * sizeof *codes);
        }
        codes[n++] = pmo_strdup (k.data);  /* keys are NUL-terminated codes */
    }
    pmo_cursor_close (&cur);
    rc = PMO_OK;
    for (size_t i = 0; i < n; i++) {
        if (!rc)
            rc = alerts_project (r, codes[i]);
        free (codes[i]);
        /*  Decoded records of each project are released as we go. */
        req_release (r);
    }
    free (codes);
    return rc ? rc : s_teams (r);
}

void
alerts_scan (broker_t *b)
{
    int rc = batch_run_internal (b, s_scan, NULL);
    if (rc)
        pmo_log_warn ("alert scan failed: %s", pmo_strerror (rc));
}

/*  For other rules with the same once-per-occurrence need (governance:
 *  resource.overallocated). */
bool
alerts_fire_once (req_t *r, const pmo_key_t *k)
{
    return s_fired (r, k);
}
