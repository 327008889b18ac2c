/*  analytics: a project's earned value and health as of a date, read from
 *  the aggregates kept in each write txn (totals, daily, milestones), never
 *  from entries.
 *
 *  As of today (or later) the running totals are the answer.  As of an
 *  earlier date the per-day records up to that date are summed, so a cost
 *  booked late for an earlier period counts on the day it was dated, and
 *  percent complete is the last progress reported on or before the date.
 *  Planned value: time-phased by milestone weights when the project has
 *  weighted milestones, else linear over the baseline (pmo_evm).
 */
#include <stdio.h>

#include "broker.h"
#include "plan.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_money.h"
#include "totals.h"

/*  An AC too large for int64: the project then has no earned value. */
#define S_AC_UNKNOWN INT64_MIN

static int
s_past (req_t *r, const char *code, int32_t as_of, int64_t *ac, int32_t *percent_bp)
{
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_DAILY, &cur);
    if (rc)
        return req_fail (r, rc, "", "daily totals of %s: %s", code, pmo_strerror (rc));
    pmo_key_t prefix;
    tables_key_code (&prefix, code);
    pmo_val_t k = {prefix.buf, prefix.len}, v;
    *ac = 0;
    *percent_bp = 0;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &k, &v); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        if (k.len != prefix.len + 4 || memcmp (k.data, prefix.buf, prefix.len) != 0)
            break;
        if (pmo_bei32_get ((const uint8_t *) k.data + prefix.len) > as_of)
            break;
        Pmo__ProjectTotals *t = pmo_wire_unpack (&pmo__project_totals__descriptor, v.data, v.len);
        if (!t) {
            pmo_cursor_close (&cur);
            return req_fail (r, PMO_ECORRUPT, "", "daily totals of %s do not decode", code);
        }
        /*  Back-dated entries can make a running sum pass what any total
         *  ever held: that date's AC is then unknown, not wrapped. */
        int64_t day_ac;
        if (*ac != S_AC_UNKNOWN
            && (pmo_i64_add (t->labour_minor, t->cost_minor, &day_ac) || pmo_i64_add (*ac, day_ac, ac)))
            *ac = S_AC_UNKNOWN;
        if (t->has_percent_bp)
            *percent_bp = t->percent_bp;
        pmo_wire_free (t);
    }
    pmo_cursor_close (&cur);
    return PMO_OK;
}

/*  How far back a percent as of today is looked for by key before the
 *  daily table is walked by cursor. */
#define S_PERCENT_LOOKBACK_DAYS 31

/*  Today's figures come from the running totals, which can already hold
 *  entries dated tomorrow: dates run to UTC's today + 1, for a team ahead
 *  of UTC.  Figures as of a date count only what is dated on or before
 *  it, so that day is taken out again, by key: alerts run this for every
 *  project a batch touches, and a cursor over the daily table there would
 *  fold every pending write-back value into the batch.  A progress report
 *  dated tomorrow hides today's percent, which is found by key a few days
 *  back.  Sets *walk when only s_past can tell (an older percent). */
/*  The project's daily record of day into *t, by key (pending write-back
 *  values included).  PMO_OK, PMO_ENOTFOUND, or another rc, reason set. */
static int
s_day_get (req_t *r, const char *code, int32_t day, Pmo__ProjectTotals *t)
{
    pmo_key_t k;
    tables_key_day (&k, code, day);
    int rc = totals_get (r->txn, DB_DAILY, &k, t);
    if (rc && rc != PMO_ENOTFOUND)
        return req_fail (r, rc, "", "daily totals of %s: %s", code, pmo_strerror (rc));
    return rc;
}

static int
s_without_later (req_t *r, const Pmo__Project *p, int32_t as_of, int32_t today, int64_t *ac, int32_t *percent,
                 bool *walk)
{
    *walk = false;
    for (int32_t day = as_of + 1; day <= today + 1; day++) {
        Pmo__ProjectTotals t;
        int rc = s_day_get (r, p->code, day, &t);
        if (rc == PMO_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        int64_t day_ac;
        if (*ac != S_AC_UNKNOWN
            && (pmo_i64_add (t.labour_minor, t.cost_minor, &day_ac) || pmo_i64_sub (*ac, day_ac, ac)))
            *ac = S_AC_UNKNOWN;
    }
    int32_t reported;
    if (!p->percent_date || pmo_date_parse (p->percent_date, &reported) != PMO_OK || reported <= as_of)
        return PMO_OK;
    for (int32_t day = as_of; day > as_of - S_PERCENT_LOOKBACK_DAYS; day--) {
        Pmo__ProjectTotals t;
        int rc = s_day_get (r, p->code, day, &t);
        if (rc && rc != PMO_ENOTFOUND)
            return rc;
        if (rc == PMO_OK && t.has_percent_bp) {
            *percent = t.percent_bp;
            return PMO_OK;
        }
    }
    *walk = true;
    return PMO_OK;
}

int
analytics_project (req_t *r, const Pmo__Project *p, int32_t as_of, figures_t *f)
{
    memset (f, 0, sizeof *f);
    pmo_key_t k;
    tables_key_code (&k, p->code);
    /*  Absent or unreadable totals count as none, as before. */
    f->totals = req_keep_mem (r, pmo_malloc (sizeof *f->totals));
    int rc = totals_get (r->txn, DB_TOTALS, &k, f->totals);
    if (rc)
        pmo__project_totals__init (f->totals);
    f->totals->project = p->code;

    /*  Milestones of the project (key prefix CODE\0), decoded and kept. */
    pmo_cursor_t *cur;
    rc = pmo_cursor_open (r->txn, DB_MILESTONES, &cur);
    if (rc)
        return req_fail (r, rc, "", "milestones of %s: %s", p->code, pmo_strerror (rc));
    size_t cap = 0;
    pmo_val_t key = {k.buf, k.len}, val;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_SEEK, &key, &val); rc == PMO_OK;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &key, &val)) {
        if (key.len < k.len || memcmp (key.data, k.buf, k.len) != 0)
            break;
        Pmo__Milestone *m = pmo_wire_unpack (&pmo__milestone__descriptor, val.data, val.len);
        if (!m)
            continue;
        if (f->n_milestones == cap) {
            cap = cap ? cap * 2 : 8;
            Pmo__Milestone **grown = pmo_malloc (cap * sizeof *grown);
            if (f->n_milestones)
                memcpy (grown, f->milestones, f->n_milestones * sizeof *grown);
            f->milestones = req_keep_mem (r, grown);
        }
        f->milestones[f->n_milestones++] = req_keep (r, m);
    }
    pmo_cursor_close (&cur);

    int32_t today = pmo_date_from_ms (r->now_ms);
    int64_t ac;
    if (pmo_i64_add (f->totals->labour_minor, f->totals->cost_minor, &ac))
        ac = S_AC_UNKNOWN;  /* only in data written before bookings were bounded */
    int32_t percent = p->percent_bp;
    /*  Figures as of a date count only what is dated on or before it. */
    bool walk = as_of < today;
    if (!walk) {
        rc = s_without_later (r, p, as_of, today, &ac, &percent, &walk);
        if (rc)
            return rc;
    }
    if (walk) {
        rc = s_past (r, p->code, as_of, &ac, &percent);
        if (rc)
            return rc;
    }

    pmo_evm_milestone_t *ms = req_keep_mem (r, pmo_calloc (f->n_milestones + 1, sizeof *ms));
    size_t n_ms = 0;
    for (size_t i = 0; i < f->n_milestones; i++) {
        const Pmo__Milestone *m = f->milestones[i];
        int32_t due, forecast, actual;
        if (pmo_date_parse (m->due, &due) != PMO_OK)
            continue;
        ms[n_ms++] = (pmo_evm_milestone_t) {due, m->has_weight ? m->weight : 0};
        bool reached = m->actual && pmo_date_parse (m->actual, &actual) == PMO_OK && actual <= as_of;
        bool has_forecast = m->forecast && pmo_date_parse (m->forecast, &forecast) == PMO_OK;
        if (!reached && (due < as_of || (has_forecast && forecast < as_of)))
            f->missed++;
    }
    pmo_evm_input_t in = {0};
    if (pmo_date_parse (p->start, &in.start) != PMO_OK || pmo_date_parse (p->finish, &in.finish) != PMO_OK)
        return req_fail (r, PMO_ECORRUPT, "", "project %s has unreadable baseline dates", p->code);
    in.bac_minor = p->bac_minor;
    in.percent_bp = percent;
    in.ac_minor = ac;
    in.milestones = ms;
    in.n_milestones = n_ms;
    f->ac = ac;
    /*  Credits may exceed costs as of a date (a refund booked before its
     *  cost, or back-dated past it): an AC below zero has no cost
     *  performance to measure.  That, and figures too large for int64 (an
     *  EAC past 9.2 x 10^18 minor units), leave the project without earned
     *  value, not the portfolio without a report. */
    if (ac >= 0) {
        rc = pmo_evm_compute (&in, as_of, &f->evm);
        f->has_evm = rc == PMO_OK;
        if (rc && rc != PMO_EOVERFLOW)
            return req_fail (r, rc, "", "earned value of %s: %s", p->code, pmo_strerror (rc));
    }
    /*  A project made from a template is judged by that template's policy. */
    pmo_health_policy_t own;
    const pmo_health_policy_t *rag = governance_rag_policy (p, &r->broker->policy.rag, &own);
    pmo_health_eval (rag, f->has_evm ? &f->evm : NULL, f->missed, &f->health);
    return PMO_OK;
}

static Pmo__Ratio *
s_ratio (req_t *r, pmo_ratio_t x)
{
    if (!x.defined)
        return NULL;  /* absent means undefined: never 0, never inf */
    Pmo__Ratio *m = req_keep_mem (r, pmo_malloc (sizeof *m));
    pmo__ratio__init (m);
    m->has_num = m->has_den = true;
    m->num = x.num;
    m->den = x.den;
    return m;
}

Pmo__Evm *
analytics_evm_msg (req_t *r, const pmo_evm_t *e, const char *currency, int32_t as_of)
{
    Pmo__Evm *m = req_keep_mem (r, pmo_malloc (sizeof *m));
    pmo__evm__init (m);
    char *date = req_keep_mem (r, pmo_malloc (11));
    pmo_date_format (as_of, date);
    m->as_of = date;
    m->method = (char *) (e->method == PMO_PV_MILESTONES ? "milestones" : "linear");
    m->currency = (char *) currency;
#define S_SET(field, value) do { m->has_##field = true; m->field = (value); } while (0)
    S_SET (bac_minor, e->bac);
    S_SET (pv_minor, e->pv);
    S_SET (ev_minor, e->ev);
    S_SET (ac_minor, e->ac);
    S_SET (cv_minor, e->cv);
    S_SET (sv_minor, e->sv);
    if (e->eac_defined) {
        S_SET (eac_minor, e->eac);
        S_SET (etc_minor, e->etc);
        S_SET (vac_minor, e->vac);
    }
    if (e->eac_atypical_defined)
        S_SET (eac_atypical_minor, e->eac_atypical);
    if (e->eac_combined_defined)
        S_SET (eac_combined_minor, e->eac_combined);
    S_SET (at_days, e->at_days);
#undef S_SET
    m->cpi = s_ratio (r, e->cpi);
    m->spi = s_ratio (r, e->spi);
    m->tcpi = s_ratio (r, e->tcpi);
    m->tcpi_eac = s_ratio (r, e->tcpi_eac);
    m->es_days = s_ratio (r, e->es_days);
    m->sv_t_days = s_ratio (r, e->sv_t_days);
    m->spi_t = s_ratio (r, e->spi_t);
    return m;
}
