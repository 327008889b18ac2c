/*  53-corrections: entries booked under an agent's ref, corrected and
 *  voided, against a real pmod.  Asserts the exact aggregates (totals,
 *  time report by activity, person-day limit, cost by category) after each
 *  correction and void, that an unchanged resend under a new update id is a
 *  duplicate with no event, that a ref is scoped by agent, that a void of an
 *  unknown ref is NOT_FOUND, that a refused correction changes nothing, and
 *  that entry ids are not reused after a restart. */
#include <signal.h>
#include <stdio.h>

#include "client_util.h"
#include "harness.h"
#include "proc.h"

static pmo_client_t *c;

static int
s_setup (void)
{
    Pmo__Team t = PMO__TEAM__INIT;
    t.code = (char *) "T1";
    t.name = (char *) "Team";
    REQ (rt, TEAM_ADD, team_add, &t);
    if (call_status (c, &rt, NULL, 0) != 0)
        return -1;
    const char *people[] = {"ana", "bob"};
    int64_t rates[] = {6000, 3000};
    for (int i = 0; i < 2; i++) {
        Pmo__Person p = PMO__PERSON__INIT;
        p.id = (char *) people[i];
        p.name = (char *) people[i];
        p.team = (char *) "T1";
        p.has_rate_minor = true;
        p.rate_minor = rates[i];
        p.currency = (char *) "EUR";
        REQ (rp, PERSON_ADD, person_add, &p);
        if (call_status (c, &rp, NULL, 0) != 0)
            return -1;
    }
    const char *codes[] = {"APOLLO", "ZEUS"};
    for (int i = 0; i < 2; i++) {
        Pmo__Project p = PMO__PROJECT__INIT;
        p.code = (char *) codes[i];
        p.name = (char *) codes[i];
        p.team = (char *) "T1";
        p.start = (char *) "2026-11-01";
        p.finish = (char *) "2026-12-31";
        p.has_bac_minor = true;
        p.bac_minor = 10000000;
        p.currency = (char *) "EUR";
        REQ (rq, PROJECT_ADD, project_add, &p);
        if (call_status (c, &rq, NULL, 0) != 0)
            return -1;
    }
    return 0;
}

typedef struct {
    int status;
    bool duplicate;
    uint64_t seq;
    char reason[256];
} s_ans_t;

static s_ans_t
s_answer (Pmo__Request *req, const char *agent, uint64_t seq)
{
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) agent;
    id.has_seq = true;
    id.seq = seq;
    req->update = &id;
    s_ans_t a = {-1, false, 0, ""};
    Pmo__Reply *r = call (c, req);
    if (r) {
        a.status = (int) r->status;
        a.duplicate = r->duplicate;
        a.seq = r->seq;
        snprintf (a.reason, sizeof a.reason, "%s", r->reason ? r->reason : "");
    }
    pmo_wire_free (r);
    return a;
}

static s_ans_t
s_time (const char *agent, uint64_t seq, const char *ref, const char *person, const char *project,
        const char *date, int minutes, const char *activity)
{
    Pmo__TimeEntry e = PMO__TIME_ENTRY__INIT;
    e.person = (char *) person;
    e.project = (char *) project;
    e.date = (char *) date;
    e.has_minutes = true;
    e.minutes = minutes;
    e.activity = (char *) activity;
    e.ref = (char *) ref;
    REQ (req, TIME, time, &e);
    return s_answer (&req, agent, seq);
}

static s_ans_t
s_cost (const char *agent, uint64_t seq, const char *ref, const char *project, int64_t amount,
        Pmo__CostCategory cat)
{
    Pmo__CostEntry e = PMO__COST_ENTRY__INIT;
    e.project = (char *) project;
    e.date = (char *) "2026-11-20";
    e.has_amount_minor = true;
    e.amount_minor = amount;
    e.has_category = true;
    e.category = cat;
    e.ref = (char *) ref;
    REQ (req, COST, cost, &e);
    return s_answer (&req, agent, seq);
}

static s_ans_t
s_void (const char *agent, uint64_t seq, const char *ref)
{
    Pmo__VoidEntry v = PMO__VOID_ENTRY__INIT;
    v.ref = (char *) ref;
    REQ (req, VOID_ENTRY, void_entry, &v);
    return s_answer (&req, agent, seq);
}

static uint64_t
s_last_seq (void)
{
    Pmo__Ping ping = PMO__PING__INIT;
    REQ (req, PING, ping, &ping);
    Pmo__Reply *r = call (c, &req);
    uint64_t seq = r && r->pong ? r->pong->last_seq : 0;
    pmo_wire_free (r);
    return seq;
}

/*  The project's totals: minutes, labour, cost, material, travel, entries. */
static void
s_check_totals (int line, const char *code, int64_t minutes, int64_t labour, int64_t cost,
                int64_t material, int64_t travel, int64_t time_entries)
{
    Pmo__ProjectQuery q = PMO__PROJECT_QUERY__INIT;
    q.code = (char *) code;
    REQ (req, PROJECT_SHOW, project_show, &q);
    Pmo__Reply *r = call (c, &req);
    REQUIRE_VOID (r && r->body_case == PMO__REPLY__BODY_PROJECT && r->project->totals);
    const Pmo__ProjectTotals *t = r->project->totals;
    if (t->minutes != minutes || t->labour_minor != labour || t->cost_minor != cost
        || t->material_minor != material || t->travel_minor != travel
        || (int64_t) t->time_entries != time_entries)
        fprintf (stderr, "line %d: %s totals minutes=%lld labour=%lld cost=%lld material=%lld "
                 "travel=%lld time_entries=%llu\n", line, code, (long long) t->minutes,
                 (long long) t->labour_minor, (long long) t->cost_minor,
                 (long long) t->material_minor, (long long) t->travel_minor,
                 (unsigned long long) t->time_entries);
    CHECK_EQ_I64 (t->minutes, minutes);
    CHECK_EQ_I64 (t->labour_minor, labour);
    CHECK_EQ_I64 (t->cost_minor, cost);
    CHECK_EQ_I64 (t->material_minor, material);
    CHECK_EQ_I64 (t->travel_minor, travel);
    CHECK_EQ_I64 (t->time_entries, time_entries);
    pmo_wire_free (r);
}

/*  The time report by activity over 2026-11-20 as "key=minutes;..." */
static void
s_time_by (const char *by, char *out, size_t n)
{
    Pmo__ReportQuery q = PMO__REPORT_QUERY__INIT;
    q.has_kind = true;
    q.kind = PMO__REPORT_KIND__REPORT_TIME;
    q.from = (char *) "2026-11-19";
    q.to = (char *) "2026-11-21";
    q.group_by = (char *) by;
    REQ (req, REPORT, report, &q);
    Pmo__Reply *r = call (c, &req);
    out[0] = '\0';
    if (!r || r->body_case != PMO__REPLY__BODY_REPORT) {
        pmo_wire_free (r);
        return;
    }
    for (size_t i = 0; i < r->report->n_rows; i++) {
        size_t len = strlen (out);
        snprintf (out + len, n - len, "%s=%lld;", r->report->rows[i]->keys[0],
                  (long long) r->report->rows[i]->values[0]);
    }
    pmo_wire_free (r);
}

/*  The event at seq, or NULL (caller frees the reply in *reply_p). */
static Pmo__Event *
s_event (uint64_t seq, Pmo__Reply **reply_p)
{
    Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
    q.has_since = true;
    q.since = seq - 1;
    q.has_limit = true;
    q.limit = 1;
    REQ (req, LOG, log, &q);
    *reply_p = call (c, &req);
    Pmo__Reply *r = *reply_p;
    if (!r || r->body_case != PMO__REPLY__BODY_EVENTS || r->events->n_events < 1)
        return NULL;
    return r->events->events[0];
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "corrections") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    REQUIRE (s_setup () == 0);
    char buf[512];

    /*  A first booking under a ref: an ordinary time.APOLLO event. */
    s_ans_t a = s_time ("a1", 1, "timew:r1", "ana", "APOLLO", "2026-11-20", 90, "");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (!a.duplicate);
    uint64_t booked_seq = a.seq;
    Pmo__Reply *lr;
    Pmo__Event *ev = s_event (booked_seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_TIME);
    CHECK_STR (ev->topic, "time.APOLLO");
    CHECK_STR (ev->time->ref, "timew:r1");
    uint64_t first_id = ev->time->id;
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 90, 9000, 0, 0, 0, 1);

    /*  The same update id again: deduplicated as always. */
    a = s_time ("a1", 1, "timew:r1", "ana", "APOLLO", "2026-11-20", 90, "");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (a.duplicate);
    CHECK_EQ_I64 (a.seq, booked_seq);
    /*  The same content under a new update id (an agent that lost its
     *  state): a duplicate, no event, nothing booked twice. */
    uint64_t last = s_last_seq ();
    a = s_time ("a1", 2, "timew:r1", "ana", "APOLLO", "2026-11-20", 90, NULL);
    CHECK_EQ_I64 (a.status, 0);
    CHECK (a.duplicate);
    CHECK_EQ_I64 (a.seq, booked_seq);
    CHECK_EQ_I64 (s_last_seq (), last);
    s_check_totals (__LINE__, "APOLLO", 90, 9000, 0, 0, 0, 1);

    /*  A correction: 90 min -> 60 min, activity "" -> review. */
    a = s_time ("a1", 3, "timew:r1", "ana", "APOLLO", "2026-11-20", 60, "review");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (!a.duplicate);
    CHECK_EQ_I64 (a.seq, last + 1);
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_TIME_CORRECTED);
    CHECK_STR (ev->topic, "time.corrected.APOLLO");
    CHECK_STR (ev->project, "APOLLO");
    CHECK_EQ_I64 (ev->time_corrected->before->minutes, 90);
    CHECK_EQ_I64 (ev->time_corrected->before->id, first_id);
    CHECK_EQ_I64 (ev->time_corrected->after->minutes, 60);
    CHECK_EQ_I64 (ev->time_corrected->after->cost_minor, 6000);
    CHECK (ev->time_corrected->after->id > first_id);
    CHECK_EQ_I64 (ev->time_corrected->before->replaced_by, ev->time_corrected->after->id);
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 60, 6000, 0, 0, 0, 1);
    s_time_by ("activity", buf, sizeof buf);
    CHECK_STR (buf, "review=60;");

    /*  The person-day limit counts the corrected entry once: 1380 more
     *  minutes fit exactly; correcting r1 up to 61 then does not. */
    a = s_time ("a1", 4, "timew:r2", "ana", "APOLLO", "2026-11-20", 1380, "build");
    CHECK_EQ_I64 (a.status, 0);
    last = s_last_seq ();
    a = s_time ("a1", 5, "timew:r1", "ana", "APOLLO", "2026-11-20", 61, "review");
    CHECK_EQ_I64 (a.status, PMO__STATUS__STATUS_INVALID);
    CHECK_STR (a.reason, "minutes: ana would have 1441 minutes on 2026-11-20, more than 24 h "
                         "(1380 already booked)");
    CHECK_EQ_I64 (s_last_seq (), last);
    s_check_totals (__LINE__, "APOLLO", 1440, 144000, 0, 0, 0, 2);
    /*  ...while a correction to the same 60 minutes on another activity fits. */
    a = s_time ("a1", 6, "timew:r1", "ana", "APOLLO", "2026-11-20", 60, "test");
    CHECK_EQ_I64 (a.status, 0);
    s_time_by ("activity", buf, sizeof buf);
    CHECK_STR (buf, "build=1380;test=60;");

    /*  A correction that moves the entry to another person and project. */
    a = s_time ("a1", 7, "timew:r1", "bob", "ZEUS", "2026-11-21", 30, "test");
    CHECK_EQ_I64 (a.status, 0);
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_TIME_CORRECTED);
    CHECK_STR (ev->topic, "time.corrected.ZEUS");
    CHECK_STR (ev->time_corrected->before->project, "APOLLO");
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 0, 0, 0, 1);
    s_check_totals (__LINE__, "ZEUS", 30, 1500, 0, 0, 0, 1);
    s_time_by ("person", buf, sizeof buf);
    CHECK_STR (buf, "ana=1380;bob=30;");

    /*  Another agent's ref of the same name is another ref. */
    a = s_void ("a2", 1, "timew:r1");
    CHECK_EQ_I64 (a.status, PMO__STATUS__STATUS_NOT_FOUND);
    CHECK_STR (a.reason, "ref \"timew:r1\": nothing booked under it by agent a2");
    a = s_void ("a1", 8, "nope");
    CHECK_EQ_I64 (a.status, PMO__STATUS__STATUS_NOT_FOUND);
    CHECK_STR (a.reason, "ref \"nope\": nothing booked under it by agent a1");

    /*  Void: every aggregate reversed. */
    a = s_void ("a1", 9, "timew:r1");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (!a.duplicate);
    uint64_t void_seq = a.seq;
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_TIME_VOIDED);
    CHECK_STR (ev->topic, "time.voided.ZEUS");
    CHECK_EQ_I64 (ev->time_voided->minutes, 30);
    CHECK (ev->time_voided->has_voided_ms);
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "ZEUS", 0, 0, 0, 0, 0, 0);
    s_time_by ("person", buf, sizeof buf);
    CHECK_STR (buf, "ana=1380;");
    /*  Voided again under a new update id: a duplicate, no event. */
    last = s_last_seq ();
    a = s_void ("a1", 10, "timew:r1");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (a.duplicate);
    CHECK_EQ_I64 (a.seq, void_seq);
    CHECK_EQ_I64 (s_last_seq (), last);

    /*  Entries without a ref are untouched by all of this. */
    a = s_time ("a1", 16, NULL, "bob", "ZEUS", "2026-11-20", 45, "");
    CHECK_EQ_I64 (a.status, 0);
    a = s_time ("a1", 17, NULL, "bob", "ZEUS", "2026-11-20", 45, "");
    CHECK_EQ_I64 (a.status, 0);
    CHECK (!a.duplicate);
    s_check_totals (__LINE__, "ZEUS", 90, 4500, 0, 0, 0, 2);

    /*  Cost under a ref, a ref of the wrong kind, a correction across
     *  categories, an unchanged resend, a void. */
    a = s_cost ("a1", 11, "ci:c1", "APOLLO", 10000, PMO__COST_CATEGORY__COST_MATERIAL);
    CHECK_EQ_I64 (a.status, 0);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 10000, 10000, 0, 1);
    a = s_time ("a1", 12, "ci:c1", "ana", "APOLLO", "2026-11-20", 5, "");
    CHECK_EQ_I64 (a.status, PMO__STATUS__STATUS_INVALID);
    CHECK_STR (a.reason, "ref \"ci:c1\" is booked as a cost entry, not time");
    a = s_cost ("a1", 13, "ci:c1", "APOLLO", 25000, PMO__COST_CATEGORY__COST_TRAVEL);
    CHECK_EQ_I64 (a.status, 0);
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_COST_CORRECTED);
    CHECK_STR (ev->topic, "cost.corrected.APOLLO");
    CHECK_EQ_I64 (ev->cost_corrected->before->amount_minor, 10000);
    CHECK_EQ_I64 (ev->cost_corrected->after->amount_minor, 25000);
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 25000, 0, 25000, 1);
    last = s_last_seq ();
    a = s_cost ("a1", 14, "ci:c1", "APOLLO", 25000, PMO__COST_CATEGORY__COST_TRAVEL);
    CHECK_EQ_I64 (a.status, 0);
    CHECK (a.duplicate);
    CHECK_EQ_I64 (s_last_seq (), last);
    a = s_void ("a1", 15, "ci:c1");
    CHECK_EQ_I64 (a.status, 0);
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_COST_VOIDED);
    CHECK_STR (ev->topic, "cost.voided.APOLLO");
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 0, 0, 0, 1);
    s_check_totals (__LINE__, "ZEUS", 90, 4500, 0, 0, 0, 2);

    /*  After a restart: the same figures, a voided ref booked afresh, and
     *  a new entry id above every one handed out before (the newest entry,
     *  voided, stays in its table, marked, so its id is never reused). */
    pmo_client_close (&c);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 0, 0, 0, 1);
    s_check_totals (__LINE__, "ZEUS", 90, 4500, 0, 0, 0, 2);
    a = s_cost ("a1", 18, "ci:c1", "APOLLO", 700, PMO__COST_CATEGORY__COST_OTHER);
    CHECK_EQ_I64 (a.status, 0);
    CHECK (!a.duplicate);
    ev = s_event (a.seq, &lr);
    REQUIRE (ev && ev->body_case == PMO__EVENT__BODY_COST);
    CHECK_STR (ev->topic, "cost.APOLLO");
    CHECK_EQ_I64 (ev->cost->id, first_id + 9);
    pmo_wire_free (lr);
    s_check_totals (__LINE__, "APOLLO", 1380, 138000, 700, 0, 0, 1);
    /*  A missing ref text is refused. */
    Pmo__VoidEntry v = PMO__VOID_ENTRY__INIT;
    REQ (vreq, VOID_ENTRY, void_entry, &v);
    a = s_answer (&vreq, "a1", 19);
    CHECK_EQ_I64 (a.status, PMO__STATUS__STATUS_INVALID);
    CHECK_STR (a.reason, "ref: must not be empty");

    pmo_client_close (&c);
    int failed = harness_report ();
    tenv_finish (&e, failed == 0);
    return failed;
}
