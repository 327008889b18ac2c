/*  handle_report: what team agents send: time, cost, progress, milestones
 *  reached.  Each carries an update id (dedup is done by batch.c before the
 *  handler runs).  Totals per project and per project-day are updated in
 *  the same txn as the entry, so reports never scan entries and a figure is
 *  never ahead of or behind the entries it sums. */
#include <stdio.h>

#include "broker.h"
#include "entries.h"
#include "person_day.h"
#include "totals.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

/*  A project's actual cost (labour + costs): room is left for a budget
 *  (at most PMO_MAX_AMOUNT_MINOR) on top, so AC + BAC fits in int64. */
#define S_MAX_ACTUAL_MINOR (INT64_MAX - PMO_MAX_AMOUNT_MINOR)

/*  A project that accepts bookings: exists and is not closed or cancelled. */
static int
s_open_project (req_t *r, const char *code, Pmo__Project **p_out)
{
    int rc = req_load (r, DB_PROJECTS, code, "project", &pmo__project__descriptor, (void **) p_out);
    if (rc)
        return rc;
    Pmo__ProjectStatus s = (*p_out)->status;
    if (s == PMO__PROJECT_STATUS__PROJECT_CLOSED || s == PMO__PROJECT_STATUS__PROJECT_CANCELLED)
        return req_fail (r, PMO_ESTATE, "project", "project %s is %s: it takes no more bookings", code,
                         pmo_wire_status_name (s));
    return PMO_OK;
}

int
entries_open_project (req_t *r, const char *code)
{
    Pmo__Project *p;
    return s_open_project (r, code, &p);
}

/*  An entry date: valid, and not in the future (work is booked once done). */
static int
s_entry_date (req_t *r, const char *text, int32_t *day)
{
    int rc = req_date (r, "date", text, false, pmo_date_from_ms (r->now_ms), day);
    return rc ? rc : req_not_future (r, "date", text, *day);
}

static int
s_add (req_t *r, int64_t *total, int64_t delta, const char *what)
{
    if (pmo_i64_add (*total, delta, total) != PMO_OK)
        return req_fail (r, PMO_EOVERFLOW, what, "%s: the project's total would overflow", what);
    return PMO_OK;
}

/*  Adds delta to the totals record at key (creating it); a reversal
 *  subtracts the delta's money and counts instead (an entry corrected or
 *  voided). */
static int
s_add_totals_at (req_t *r, unsigned db, const pmo_key_t *k, const char *project,
                 const Pmo__ProjectTotals *d, bool is_reversal)
{
    Pmo__ProjectTotals t;
    int rc = totals_get (r->txn, db, k, &t);
    if (rc && rc != PMO_ENOTFOUND)
        return req_fail (r, rc, "", "totals of %s: %s", project, pmo_strerror (rc));
    t.project = db == DB_TOTALS ? (char *) project : NULL;
    int64_t sign = is_reversal ? -1 : 1;
    rc = s_add (r, &t.minutes, sign * d->minutes, "minutes");
    if (!rc) rc = s_add (r, &t.labour_minor, sign * d->labour_minor, "cost");
    if (!rc) rc = s_add (r, &t.cost_minor, sign * d->cost_minor, "amount");
    if (!rc) rc = s_add (r, &t.material_minor, sign * d->material_minor, "amount");
    if (!rc) rc = s_add (r, &t.travel_minor, sign * d->travel_minor, "amount");
    if (!rc) rc = s_add (r, &t.contractor_minor, sign * d->contractor_minor, "amount");
    if (!rc) rc = s_add (r, &t.other_minor, sign * d->other_minor, "amount");
    if (!rc) rc = s_add (r, &t.labour_cost_minor, sign * d->labour_cost_minor, "amount");
    if (rc)
        return rc;
    /*  Earned value and every roll-up read AC = labour + cost: it must fit
     *  too, with room for a budget (EAC = AC + BAC - EV), or the project
     *  silently loses its figures. */
    int64_t ac;
    bool moves_ac = d->labour_minor || d->cost_minor;
    if (moves_ac && (pmo_i64_add (t.labour_minor, t.cost_minor, &ac) != PMO_OK || ac > S_MAX_ACTUAL_MINOR
                     || ac < -S_MAX_ACTUAL_MINOR)) {
        const char *what = d->cost_minor ? "amount" : "minutes";
        return req_fail (r, PMO_EOVERFLOW, what, "%s: project %s's actual cost would overflow", what, project);
    }
    t.has_minutes = t.has_labour_minor = t.has_cost_minor = true;
    t.has_material_minor = t.has_travel_minor = t.has_contractor_minor = true;
    t.has_other_minor = t.has_labour_cost_minor = true;
    t.has_time_entries = t.has_cost_entries = t.has_progress_updates = true;
    if (is_reversal) {
        t.time_entries -= d->time_entries < t.time_entries ? d->time_entries : t.time_entries;
        t.cost_entries -= d->cost_entries < t.cost_entries ? d->cost_entries : t.cost_entries;
    } else {
        t.time_entries += d->time_entries;
        t.cost_entries += d->cost_entries;
        t.progress_updates += d->progress_updates;
    }
    t.has_last_update_ms = true;
    t.last_update_ms = r->now_ms;
    if (d->has_percent_bp) {
        t.has_percent_bp = true;
        t.percent_bp = d->percent_bp;
    }
    rc = totals_put (r->txn, db, k, &t);
    return rc ? req_fail (r, rc, "", "totals of %s: %s", project, pmo_strerror (rc)) : PMO_OK;
}

static int
s_add_totals (req_t *r, const char *project, int32_t day, const Pmo__ProjectTotals *d,
              bool is_reversal)
{
    pmo_key_t k;
    tables_key_code (&k, project);
    int rc = s_add_totals_at (r, DB_TOTALS, &k, project, d, is_reversal);
    if (rc)
        return rc;
    /*  Per day too: figures "as of a date" and monthly reports read these,
     *  whenever the entries arrived. */
    tables_key_day (&k, project, day);
    return s_add_totals_at (r, DB_DAILY, &k, project, d, is_reversal);
}

int
entries_emit (req_t *r, const char *kind, const char *project, Pmo__Event__BodyCase body_case,
              const void *body)
{
    char topic[64];
    snprintf (topic, sizeof topic, "%s.%s", kind, project);
    return events_emit (r, topic, project, body_case, body);
}

/*  The end of every booking: its totals, then its event on the topic
 *  "<kind>.<CODE>" (time.APOLLO, cost.APOLLO, progress.APOLLO). */
static int
s_book (req_t *r, const char *project, int32_t day, const Pmo__ProjectTotals *delta, const char *kind,
        Pmo__Event__BodyCase body_case, const void *body)
{
    int rc = s_add_totals (r, project, day, delta, false);
    if (rc)
        return rc;
    return entries_emit (r, kind, project, body_case, body);
}

static uint64_t
s_next_entry_id (req_t *r)
{
    return r->broker->next_entry_id++;
}

/*  Subtracts minutes from a u64 counter; a counter back at 0 is deleted so
 *  reports show no empty rows. */
static int
s_sub_u64 (pmo_txn_t *txn, unsigned db, const pmo_key_t *k, int64_t minutes)
{
    int64_t left = 0;
    int rc = tables_add_u64 (txn, db, k, -minutes, &left);
    if (!rc && left <= 0)
        rc = pmo_del (txn, db, k->buf, k->len);
    return rc;
}

static void
s_time_agg_key (pmo_key_t *k, const Pmo__TimeEntry *e, int32_t day)
{
    /*  By day first, so a time report over a date range reads only that
     *  range of aggregates. */
    pmo_key_init (k);
    pmo_key_i32 (k, day);
    pmo_key_str (k, e->project);
    pmo_key_str (k, e->person);
    pmo_key_str (k, e->activity ? e->activity : "");
}

int
entries_time_check (req_t *r, const Pmo__TimeEntry *in, const Pmo__TimeEntry *replacing,
                    entry_booking_t *b)
{
    memset (b, 0, sizeof *b);
    b->time = *in;
    Pmo__TimeEntry *e = &b->time;
    Pmo__Project *p;
    Pmo__Person *who;
    int rc = s_open_project (r, e->project, &p);
    if (!rc)
        rc = req_load (r, DB_PEOPLE, e->person, "person", &pmo__person__descriptor, (void **) &who);
    if (!rc)
        rc = s_entry_date (r, e->date, &b->day);
    if (!rc && !e->has_minutes)
        rc = req_fail (r, PMO_EINVAL, "minutes", "minutes: missing");
    if (!rc)
        rc = pmo_check_range ("minutes", e->minutes, 1, PMO_MAX_MINUTES_PER_DAY, &r->reason);
    if (!rc)
        rc = pmo_check_text ("activity", e->activity, PMO_MAX_NAME_BYTES, false, &r->reason);
    if (!rc)
        rc = pmo_check_text ("note", e->note, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;

    /*  One person, one day, all projects: at most 24 h (without the entry
     *  this one replaces). */
    int32_t booked = 0;
    rc = person_day_get (r->txn, DB_PERSON_DAY, e->person, b->day, &booked);
    if (rc)
        return req_fail (r, rc, "", "person-day minutes of %s: %s", e->person, pmo_strerror (rc));
    int32_t old_day;
    if (replacing && streq (replacing->person, e->person)
        && pmo_date_parse (replacing->date, &old_day) == PMO_OK && old_day == b->day)
        booked -= replacing->minutes;
    pmo_date_format (b->day, b->date);
    if (booked + e->minutes > PMO_MAX_MINUTES_PER_DAY)
        return req_fail (r, PMO_EINVAL, "minutes",
                         "minutes: %s would have %d minutes on %s, more than 24 h (%d already booked)",
                         e->person, booked + e->minutes, b->date, booked);

    /*  Labour cost at the person's rate when booked: a later rate change
     *  does not rewrite history. */
    int64_t cost = 0;
    if (who->has_rate_minor && who->rate_minor > 0) {
        if (!streq (who->currency, p->currency))
            return req_fail (r, PMO_EINVAL, "person",
                             "person %s is paid in %s but project %s budgets in %s", e->person,
                             who->currency, e->project, p->currency);
        rc = pmo_i64_muldiv (e->minutes, who->rate_minor, 60, &cost);
        if (rc)
            return req_fail (r, rc, "minutes", "minutes: labour cost out of range");
    }
    e->date = b->date;
    e->has_cost_minor = true;
    e->cost_minor = cost;
    e->currency = p->currency;
    e->has_id = false;
    e->has_replaced_by = e->has_voided_ms = false;
    return PMO_OK;
}

int
entries_time_book (req_t *r, entry_booking_t *b)
{
    Pmo__TimeEntry *e = &b->time;
    pmo_key_t ak;
    s_time_agg_key (&ak, e, b->day);
    int rc = person_day_add (r->txn, DB_PERSON_DAY, e->person, b->day, e->minutes);
    if (!rc)
        rc = tables_add_u64 (r->txn, DB_TIME_AGG, &ak, e->minutes, NULL);
    if (rc)
        return req_fail (r, rc, "", "time aggregates: %s", pmo_strerror (rc));
    e->has_id = true;
    e->id = s_next_entry_id (r);
    e->has_booked_ms = true;
    e->booked_ms = r->now_ms;
    pmo_key_t k;
    tables_key_seq (&k, e->id);
    rc = tables_put (r->txn, DB_TIME, &k, e, &r->broker->scratch, PMO_PUT_APPEND);
    if (rc)
        return req_fail (r, rc, "", "time entry: %s", pmo_strerror (rc));
    Pmo__ProjectTotals d = PMO__PROJECT_TOTALS__INIT;
    d.minutes = e->minutes;
    d.labour_minor = e->cost_minor;
    d.time_entries = 1;
    return s_add_totals (r, e->project, b->day, &d, false);
}

int
entries_time_unbook (req_t *r, const Pmo__TimeEntry *old)
{
    int32_t day;
    if (pmo_date_parse (old->date, &day) != PMO_OK)
        return req_fail (r, PMO_ECORRUPT, "", "time entry %llu: stored date is damaged",
                         (unsigned long long) old->id);
    pmo_key_t ak;
    s_time_agg_key (&ak, old, day);
    int rc = person_day_add (r->txn, DB_PERSON_DAY, old->person, day, -old->minutes);
    if (!rc)
        rc = s_sub_u64 (r->txn, DB_TIME_AGG, &ak, old->minutes);
    if (rc)
        return req_fail (r, rc, "", "time aggregates: %s", pmo_strerror (rc));
    Pmo__ProjectTotals d = PMO__PROJECT_TOTALS__INIT;
    d.minutes = old->minutes;
    d.labour_minor = old->cost_minor;
    d.time_entries = 1;
    return s_add_totals (r, old->project, day, &d, true);
}

int
handle_time (req_t *r)
{
    if (r->req->time->ref && *r->req->time->ref)
        return refs_handle_time (r);
    entry_booking_t b;
    int rc = entries_time_check (r, r->req->time, NULL, &b);
    if (!rc)
        rc = entries_time_book (r, &b);
    if (!rc)
        rc = entries_emit (r, "time", b.time.project, PMO__EVENT__BODY_TIME, &b.time);
    return rc;
}

int
entries_cost_check (req_t *r, const Pmo__CostEntry *in, entry_booking_t *b)
{
    memset (b, 0, sizeof *b);
    b->cost = *in;
    Pmo__CostEntry *e = &b->cost;
    Pmo__Project *p;
    int rc = s_open_project (r, e->project, &p);
    if (!rc)
        rc = s_entry_date (r, e->date, &b->day);
    if (!rc && e->amount && *e->amount) {
        /*  Decimal text in the project's currency: converted here, where
         *  the currency's exponent is known. */
        if (e->has_amount_minor)
            return req_fail (r, PMO_EINVAL, "amount", "amount: give amount or amount_minor, not both");
        char code[4];
        rc = pmo_money_parse (e->amount, p->currency, &e->amount_minor, code);
        if (rc == PMO_OK && !streq (code, p->currency))
            rc = PMO_EINVAL;
        if (rc)
            return req_fail (r, PMO_EINVAL, "amount", "amount: \"%.40s\" is not an amount in %s (%d decimals)",
                             e->amount, p->currency, pmo_currency_exponent (p->currency));
        e->has_amount_minor = true;
        e->amount = NULL;
    }
    if (!rc && !e->has_amount_minor)
        rc = req_fail (r, PMO_EINVAL, "amount", "amount: missing");
    if (!rc && e->amount_minor == 0)
        rc = req_fail (r, PMO_EINVAL, "amount", "amount: must not be zero");
    if (!rc)
        rc = pmo_check_range ("amount", e->amount_minor, -PMO_MAX_AMOUNT_MINOR, PMO_MAX_AMOUNT_MINOR,
                              &r->reason);
    if (!rc && e->currency && *e->currency && !streq (e->currency, p->currency))
        rc = req_fail (r, PMO_EINVAL, "currency", "currency: %.8s does not match project %s's %s",
                       e->currency, e->project, p->currency);
    if (!rc && (!e->has_category || e->category == PMO__COST_CATEGORY__COST_CATEGORY_UNSET)) {
        e->has_category = true;
        e->category = PMO__COST_CATEGORY__COST_OTHER;
    }
    if (!rc && (e->category < PMO__COST_CATEGORY__COST_LABOUR || e->category > PMO__COST_CATEGORY__COST_OTHER))
        rc = req_fail (r, PMO_EINVAL, "category", "category: %d is not a cost category", (int) e->category);
    if (!rc)
        rc = pmo_check_text ("note", e->note, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;
    pmo_date_format (b->day, b->date);
    e->date = b->date;
    e->currency = p->currency;
    e->has_id = false;
    e->has_replaced_by = e->has_voided_ms = false;
    return PMO_OK;
}

/*  What a cost entry adds to its project's totals. */
static void
s_cost_delta (const Pmo__CostEntry *e, Pmo__ProjectTotals *d)
{
    pmo__project_totals__init (d);
    d->cost_minor = e->amount_minor;
    d->cost_entries = 1;
    switch (e->category) {
    case PMO__COST_CATEGORY__COST_LABOUR: d->labour_cost_minor = e->amount_minor; break;
    case PMO__COST_CATEGORY__COST_MATERIAL: d->material_minor = e->amount_minor; break;
    case PMO__COST_CATEGORY__COST_TRAVEL: d->travel_minor = e->amount_minor; break;
    case PMO__COST_CATEGORY__COST_CONTRACTOR: d->contractor_minor = e->amount_minor; break;
    default: d->other_minor = e->amount_minor; break;
    }
}

int
entries_cost_book (req_t *r, entry_booking_t *b)
{
    Pmo__CostEntry *e = &b->cost;
    e->has_id = true;
    e->id = s_next_entry_id (r);
    e->has_booked_ms = true;
    e->booked_ms = r->now_ms;
    pmo_key_t k;
    tables_key_seq (&k, e->id);
    int rc = tables_put (r->txn, DB_COST, &k, e, &r->broker->scratch, PMO_PUT_APPEND);
    if (rc)
        return req_fail (r, rc, "", "cost entry: %s", pmo_strerror (rc));
    Pmo__ProjectTotals d;
    s_cost_delta (e, &d);
    return s_add_totals (r, e->project, b->day, &d, false);
}

int
entries_cost_unbook (req_t *r, const Pmo__CostEntry *old)
{
    int32_t day;
    if (pmo_date_parse (old->date, &day) != PMO_OK)
        return req_fail (r, PMO_ECORRUPT, "", "cost entry %llu: stored date is damaged",
                         (unsigned long long) old->id);
    Pmo__ProjectTotals d;
    s_cost_delta (old, &d);
    return s_add_totals (r, old->project, day, &d, true);
}

int
handle_cost (req_t *r)
{
    if (r->req->cost->ref && *r->req->cost->ref)
        return refs_handle_cost (r);
    entry_booking_t b;
    int rc = entries_cost_check (r, r->req->cost, &b);
    if (!rc)
        rc = entries_cost_book (r, &b);
    if (!rc)
        rc = entries_emit (r, "cost", b.cost.project, PMO__EVENT__BODY_COST, &b.cost);
    return rc;
}

int
handle_progress (req_t *r)
{
    Pmo__Progress g = *r->req->progress;
    Pmo__Project *p;
    int32_t day;
    int rc = s_open_project (r, g.project, &p);
    if (!rc)
        rc = s_entry_date (r, g.date, &day);
    if (!rc && !g.has_percent_bp)
        rc = req_fail (r, PMO_EINVAL, "percent", "percent: missing");
    if (!rc && (g.percent_bp < 0 || g.percent_bp > 10000)) {
        /*  In 64 bits: -INT32_MIN does not fit an int, and the sign is
         *  printed apart, since -1 / 100 is 0 (-0.01 %, not 0.01 %). */
        int64_t abs_bp = g.percent_bp < 0 ? -(int64_t) g.percent_bp : g.percent_bp;
        rc = req_fail (r, PMO_EINVAL, "percent", "percent: %s%lld.%02lld is outside 0..100",
                       g.percent_bp < 0 ? "-" : "", (long long) (abs_bp / 100), (long long) (abs_bp % 100));
    }
    if (!rc)
        rc = pmo_check_text ("note", g.note, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;
    char dtext[11];
    pmo_date_format (day, dtext);
    if (g.milestone && *g.milestone) {
        rc = milestone_reach (r, g.project, g.milestone, dtext);
        if (rc)
            return rc;
    }
    Pmo__Project np = *p;
    g.date = dtext;
    /*  The project's percent is its latest-dated report's (the same rule
     *  as a past date's, which reads the daily totals): a late report for
     *  an earlier day is kept for that day and leaves today's alone. */
    int32_t current;
    bool is_latest = !p->percent_date || pmo_date_parse (p->percent_date, &current) != PMO_OK || day >= current;
    if (is_latest) {
        g.has_previous_bp = true;
        g.previous_bp = p->percent_bp;
        np.has_percent_bp = true;
        np.percent_bp = g.percent_bp;
        np.percent_date = dtext;
    }
    np.has_updated_ms = true;
    np.updated_ms = r->now_ms;
    pmo_key_t k;
    tables_key_code (&k, np.code);
    rc = tables_put (r->txn, DB_PROJECTS, &k, &np, &r->broker->scratch, 0);
    if (rc)
        return req_fail (r, rc, "", "project %s: %s", np.code, pmo_strerror (rc));
    Pmo__ProjectTotals d = PMO__PROJECT_TOTALS__INIT;
    d.progress_updates = 1;
    d.has_percent_bp = true;
    d.percent_bp = g.percent_bp;
    return s_book (r, g.project, day, &d, "progress", PMO__EVENT__BODY_PROGRESS, &g);
}

int
handle_milestone_reached (req_t *r)
{
    const Pmo__MilestoneReached *m = r->req->milestone_reached;
    Pmo__Project *p;
    int32_t day;
    int rc = s_open_project (r, m->project, &p);
    if (!rc)
        rc = s_entry_date (r, m->date, &day);
    if (!rc)
        rc = pmo_check_text ("note", m->note, PMO_MAX_NOTE_BYTES, false, &r->reason);
    if (rc)
        return rc;
    char dtext[11];
    pmo_date_format (day, dtext);
    return milestone_reach (r, m->project, m->name, dtext);
}
