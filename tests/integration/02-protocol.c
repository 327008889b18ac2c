/*  02-protocol: pmod over its real sockets, driven as an agent would drive
 *  it: structure created, entries booked, totals exact to the minute and
 *  the cent, resends applied once, bad input refused with a reason and no
 *  change, and everything still there after a restart. */
#include <signal.h>
#include <stdio.h>

#include "client_util.h"
#include "harness.h"
#include "proc.h"

static pmo_client_t *c;

static int
s_add_team (const char *code)
{
    Pmo__Team t = PMO__TEAM__INIT;
    t.code = (char *) code;
    t.name = (char *) "Team";
    REQ (req, TEAM_ADD, team_add, &t);
    return call_status (c, &req, NULL, 0);
}

static int
s_add_person (const char *id, const char *team, int64_t rate, const char *cur)
{
    Pmo__Person p = PMO__PERSON__INIT;
    p.id = (char *) id;
    p.name = (char *) "Ana Lima";
    p.team = (char *) team;
    p.has_rate_minor = true;
    p.rate_minor = rate;
    p.currency = (char *) cur;
    REQ (req, PERSON_ADD, person_add, &p);
    return call_status (c, &req, NULL, 0);
}

static int
s_add_project (const char *code, const char *start, const char *finish, int64_t bac, const char *cur,
               char *reason)
{
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) code;
    p.name = (char *) "Moonshot";
    p.team = (char *) "T1";
    p.start = (char *) start;
    p.finish = (char *) finish;
    p.has_bac_minor = true;
    p.bac_minor = bac;
    p.currency = (char *) cur;
    REQ (req, PROJECT_ADD, project_add, &p);
    return call_status (c, &req, reason, 200);
}

/*  A time entry from agent "a1" with its own seq. */
static Pmo__Reply *
s_time (uint64_t seq, const char *person, const char *project, const char *date, int minutes)
{
    Pmo__TimeEntry e = PMO__TIME_ENTRY__INIT;
    e.person = (char *) person;
    e.project = (char *) project;
    e.date = (char *) date;
    e.has_minutes = true;
    e.minutes = minutes;
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "a1";
    id.has_seq = true;
    id.seq = seq;
    REQ (req, TIME, time, &e);
    req.update = &id;
    return call (c, &req);
}

static Pmo__Reply *
s_cost (uint64_t seq, const char *project, int64_t amount, Pmo__CostCategory cat, const char *date)
{
    Pmo__CostEntry e = PMO__COST_ENTRY__INIT;
    e.project = (char *) project;
    e.date = (char *) date;
    e.has_amount_minor = true;
    e.amount_minor = amount;
    e.has_category = true;
    e.category = cat;
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "a1";
    id.has_seq = true;
    id.seq = seq;
    REQ (req, COST, cost, &e);
    req.update = &id;
    return call (c, &req);
}

static Pmo__ProjectView *
s_show (const char *code, Pmo__Reply **reply_p)
{
    Pmo__ProjectQuery q = PMO__PROJECT_QUERY__INIT;
    q.code = (char *) code;
    REQ (req, PROJECT_SHOW, project_show, &q);
    *reply_p = call (c, &req);
    return *reply_p && (*reply_p)->body_case == PMO__REPLY__BODY_PROJECT ? (*reply_p)->project : NULL;
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

static void
s_check_totals (const char *when, int64_t minutes, int64_t labour, int64_t cost, int64_t material)
{
    Pmo__Reply *r;
    Pmo__ProjectView *v = s_show ("APOLLO", &r);
    CHECK (v != NULL);
    if (v) {
        fprintf (stderr, "[%s] minutes=%lld labour=%lld cost=%lld\n", when, (long long) v->totals->minutes,
                 (long long) v->totals->labour_minor, (long long) v->totals->cost_minor);
        CHECK_EQ_I64 (v->totals->minutes, minutes);
        CHECK_EQ_I64 (v->totals->labour_minor, labour);
        CHECK_EQ_I64 (v->totals->cost_minor, cost);
        CHECK_EQ_I64 (v->totals->material_minor, material);
    }
    pmo_wire_free (r);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "protocol") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    /*  Structure. */
    CHECK_EQ_I64 (s_add_team ("T1"), PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_add_team ("T1"), PMO__STATUS__STATUS_EXISTS);
    CHECK_EQ_I64 (s_add_person ("ana", "T1", 8550, "EUR"), PMO__STATUS__STATUS_OK);  /* 85.50 EUR/h */
    CHECK_EQ_I64 (s_add_person ("bob", "NOPE", 100, "EUR"), PMO__STATUS__STATUS_NOT_FOUND);
    char reason[200];
    CHECK_EQ_I64 (s_add_project ("APOLLO", "2026-01-01", "2026-12-31", 12000000, "EUR", reason),
                  PMO__STATUS__STATUS_OK);
    CHECK_EQ_I64 (s_add_project ("BAD", "2026-02-30", "2026-12-31", 100, "EUR", reason),
                  PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "start: \"2026-02-30\" is not a valid date (want YYYY-MM-DD)");
    CHECK_EQ_I64 (s_add_project ("BAD", "2026-03-01", "2026-02-01", 100, "EUR", reason),
                  PMO__STATUS__STATUS_INVALID);
    CHECK_STR (reason, "finish: 2026-02-01 is before start 2026-03-01");
    CHECK_EQ_I64 (s_add_project ("BAD", "2026-03-01", "2026-04-01", 100, "XYZ", reason),
                  PMO__STATUS__STATUS_INVALID);
    CHECK_EQ_I64 (s_add_project ("BAD!", "2026-03-01", "2026-04-01", 100, "EUR", reason),
                  PMO__STATUS__STATUS_INVALID);
    uint64_t seq_after_setup = s_last_seq ();
    CHECK_EQ_I64 (seq_after_setup, 3);  /* team, person, project */

    /*  Time: 90 min at 85.50/h = 128.25 EUR. */
    Pmo__Reply *r = s_time (1, "ana", "APOLLO", "2026-11-20", 90);
    CHECK (r && r->status == PMO__STATUS__STATUS_OK && !r->duplicate);
    CHECK_EQ_I64 (r ? r->seq : 0, 4);
    pmo_wire_free (r);
    /*  The same update again (a resend after a lost ack): acked, not applied. */
    r = s_time (1, "ana", "APOLLO", "2026-11-20", 90);
    CHECK (r && r->status == PMO__STATUS__STATUS_OK && r->duplicate);
    CHECK_EQ_I64 (r ? r->seq : 0, 4);
    pmo_wire_free (r);
    r = s_time (2, "ana", "APOLLO", "2026-11-21", 45);  /* 64.13 (64.125 rounds half away) */
    CHECK (r && r->status == PMO__STATUS__STATUS_OK);
    pmo_wire_free (r);
    r = s_cost (3, "APOLLO", 120000, PMO__COST_CATEGORY__COST_MATERIAL, "2026-11-21");
    CHECK (r && r->status == PMO__STATUS__STATUS_OK);
    pmo_wire_free (r);
    s_check_totals ("booked", 135, 12825 + 6413, 120000, 120000);
    uint64_t seq_booked = s_last_seq ();
    CHECK_EQ_I64 (seq_booked, 6);

    /*  Bad input: each refused with a reason, nothing changes. */
    r = s_time (10, "ana", "APOLLO", "2026-11-20", 1400);  /* 90 + 1400 > 1440 */
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    CHECK_STR (r ? r->reason : NULL,
               "minutes: ana would have 1490 minutes on 2026-11-20, more than 24 h (90 already booked)");
    pmo_wire_free (r);
    r = s_time (11, "ana", "APOLLO", "2026-11-20", -5);
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    pmo_wire_free (r);
    r = s_time (12, "ana", "NOPE", "2026-11-20", 5);
    CHECK (r && r->status == PMO__STATUS__STATUS_NOT_FOUND);
    CHECK_STR (r ? r->reason : NULL, "project NOPE: not found");
    pmo_wire_free (r);
    r = s_time (13, "zed", "APOLLO", "2026-11-20", 5);
    CHECK (r && r->status == PMO__STATUS__STATUS_NOT_FOUND);
    pmo_wire_free (r);
    r = s_time (14, "ana", "APOLLO", "20-11-2026", 5);
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    pmo_wire_free (r);
    /*  By the fixed clock, 2026-11-23 is already today east of UTC; the
     *  day after is the future everywhere. */
    r = s_time (15, "ana", "APOLLO", "2026-11-24", 5);
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    CHECK_STR (r ? r->reason : NULL, "date: 2026-11-24 is in the future (the latest date anywhere is 2026-11-23)");
    pmo_wire_free (r);
    r = s_cost (16, "APOLLO", INT64_MAX, PMO__COST_CATEGORY__COST_MATERIAL, "2026-11-21");
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    pmo_wire_free (r);
    r = s_cost (17, "APOLLO", 100, (Pmo__CostCategory) 99, "2026-11-21");
    CHECK (r && r->status == PMO__STATUS__STATUS_INVALID);
    pmo_wire_free (r);
    {   /* no update id on an agent update */
        Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
        ce.project = (char *) "APOLLO";
        ce.has_amount_minor = true;
        ce.amount_minor = 5;
        REQ (req, COST, cost, &ce);
        CHECK_EQ_I64 (call_status (c, &req, reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
        CHECK_STR (reason, "update id: an agent update needs {agent, seq > 0}");
    }
    {   /* percent outside 0..100 */
        Pmo__Progress g = PMO__PROGRESS__INIT;
        g.project = (char *) "APOLLO";
        g.has_percent_bp = true;
        g.percent_bp = 15000;
        Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
        id.agent = (char *) "a1";
        id.has_seq = true;
        id.seq = 18;
        REQ (req, PROGRESS, progress, &g);
        req.update = &id;
        CHECK_EQ_I64 (call_status (c, &req, reason, sizeof reason), PMO__STATUS__STATUS_INVALID);
        CHECK_STR (reason, "percent: 150.00 is outside 0..100");
    }
    {   /* an over-long, non-UTF-8 note */
        char note[1200];
        memset (note, 'x', sizeof note - 1);
        note[sizeof note - 1] = '\0';
        Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
        ce.project = (char *) "APOLLO";
        ce.has_amount_minor = true;
        ce.amount_minor = 5;
        ce.note = note;
        Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
        id.agent = (char *) "a1";
        id.has_seq = true;
        id.seq = 19;
        REQ (req, COST, cost, &ce);
        req.update = &id;
        CHECK_EQ_I64 (call_status (c, &req, NULL, 0), PMO__STATUS__STATUS_TOO_BIG);
        ce.note = (char *) "bad \xC0\x80 utf8";
        CHECK_EQ_I64 (call_status (c, &req, NULL, 0), PMO__STATUS__STATUS_INVALID);
    }
    {   /* garbage bytes and a wrong frame shape on the raw socket */
        void *s = pmo_client_socket (c);
        pmo_wire_send (s, "", 0, ZMQ_SNDMORE);
        pmo_wire_send (s, "\xff\xff\xff\xff garbage", 13, 0);
        Pmo__Reply *g = NULL;
        CHECK_RC (pmo_client_recv (c, 5000, &g), PMO_OK);
        CHECK (g && g->status == PMO__STATUS__STATUS_PROTOCOL);
        pmo_wire_free (g);
        pmo_wire_send (s, "only-one-frame", 14, 0);
        CHECK_RC (pmo_client_recv (c, 5000, &g), PMO_OK);
        CHECK (g && g->status == PMO__STATUS__STATUS_PROTOCOL);
        pmo_wire_free (g);
        /*  An empty Request: no body. */
        pmo_wire_send (s, "", 0, ZMQ_SNDMORE);
        pmo_wire_send (s, "", 0, 0);
        CHECK_RC (pmo_client_recv (c, 5000, &g), PMO_OK);
        CHECK (g && g->status == PMO__STATUS__STATUS_PROTOCOL);
        pmo_wire_free (g);
    }
    CHECK_EQ_I64 (s_last_seq (), seq_booked);
    s_check_totals ("after bad input", 135, 19238, 120000, 120000);

    /*  Restart: state and seq survive; a resend after restart is still a duplicate. */
    pmo_client_close (&c);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    CHECK_EQ_I64 (s_last_seq (), seq_booked);
    r = s_time (2, "ana", "APOLLO", "2026-11-21", 45);
    CHECK (r && r->status == PMO__STATUS__STATUS_OK && r->duplicate);
    pmo_wire_free (r);
    s_check_totals ("after restart", 135, 19238, 120000, 120000);
    r = s_time (20, "ana", "APOLLO", "2026-11-22", 60);
    CHECK (r && r->status == PMO__STATUS__STATUS_OK && !r->duplicate);
    CHECK_EQ_I64 (r ? r->seq : 0, seq_booked + 1);
    pmo_wire_free (r);
    s_check_totals ("after restart + 60", 195, 19238 + 8550, 120000, 120000);

    /*  A second pmod on the same data directory refuses. */
    {
        char ep2[400], ev2[400];
        snprintf (ep2, sizeof ep2, "ipc://%s/req2", e.dir);
        snprintf (ev2, sizeof ev2, "ipc://%s/ev2", e.dir);
        const char *argv[] = {PMOD_BIN, "--data", e.data, "--endpoint", ep2, "--events", ev2, NULL};
        char *err = NULL;
        int st = proc_run (argv, NULL, NULL, &err, 10000);
        CHECK_EQ_I64 (st, 3);
        CHECK (err && strstr (err, "in use by another pmod") != NULL);
        free (err);
    }

    pmo_client_close (&c);
    int ok = harness_failures == 0;
    tenv_finish (&e, ok);
    pmo_zmq_term ();
    return harness_report ();
}
