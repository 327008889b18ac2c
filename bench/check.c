/*  check: requests the bench makes besides the agents' updates: the
 *  portfolio set-up (pipelined, so 10,000 projects take seconds, not a
 *  commit each), and the two checks that decide the exit code: pmod's
 *  per-project totals against what was acknowledged, and the event log
 *  against the update ids that were sent (each exactly once).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

#define S_TIMEOUT_MS 120000

#define S_SLICE_MS 500

typedef int (*reply_fn) (void *arg, size_t i, const Pmo__Reply *reply);

/*  pmo_client_recv in slices, checking that pmod still runs. */
static int
s_recv (pmo_client_t *c, int timeout_ms, Pmo__Reply **reply_p)
{
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0)
            return PMO_ETIMEOUT;
        int rc = pmo_client_recv (c, left < S_SLICE_MS ? (int) left : S_SLICE_MS, reply_p);
        if (rc != PMO_ETIMEOUT)
            return rc;
        if (!env_pmod_alive ())
            return ECHILD;
    }
}

int
check_call (pmo_client_t *c, Pmo__Request *req, int timeout_ms, Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    int rc = pmo_client_send (c, req);
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    while (rc == PMO_OK) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        Pmo__Reply *reply = NULL;
        rc = s_recv (c, left > 0 ? (int) left : 0, &reply);
        if (rc)
            break;
        if (reply->has_corr && reply->corr == req->corr) {
            *reply_p = reply;
            return PMO_OK;
        }
        pmo_wire_free (reply);
    }
    return rc;
}

void
check_why (int rc, const char *endpoint, int timeout_ms, char *why, size_t why_len)
{
    if (rc == PMO_ETIMEOUT)
        snprintf (why, why_len, "no answer from pmod at %s within %d ms", endpoint, timeout_ms);
    else if (rc == ECHILD)
        snprintf (why, why_len, "pmod exited (status %d; see its log)", env_pmod_exit_status ());
    else
        snprintf (why, why_len, "pmod at %s: %s", endpoint, pmo_strerror (rc));
}

static int
s_pipeline (const char *endpoint, Pmo__Request **reqs, size_t n, int w, int timeout_ms, reply_fn fn,
            void *arg, char *why, size_t why_len)
{
    pmo_client_t *c = NULL;
    int rc = pmo_client_open (endpoint, &c);
    if (rc) {
        snprintf (why, why_len, "cannot connect to %s: %s", endpoint, pmo_strerror (rc));
        return rc;
    }
    size_t sent = 0, got = 0;
    uint64_t first = 0;
    while (got < n) {
        while (sent < n && sent - got < (size_t) w) {
            rc = pmo_client_send (c, reqs[sent]);
            if (rc) {
                snprintf (why, why_len, "send to %s: %s", endpoint, pmo_strerror (rc));
                goto done;
            }
            if (sent == 0)
                first = reqs[0]->corr;
            sent++;
        }
        Pmo__Reply *reply = NULL;
        rc = s_recv (c, timeout_ms, &reply);
        if (rc) {
            check_why (rc, endpoint, timeout_ms, why, why_len);
            goto done;
        }
        /*  corrs are consecutive on this connection. */
        uint64_t i = reply->corr - first;
        if (!reply->has_corr || i >= sent) {
            pmo_wire_free (reply);
            continue;
        }
        got++;
        if (reply->status != PMO__STATUS__STATUS_OK) {
            rc = pmo_client_status_rc (reply->status);
            snprintf (why, why_len, "request %zu refused: %s", (size_t) i, reply->reason ? reply->reason : "?");
        } else if (fn)
            rc = fn (arg, (size_t) i, reply);
        pmo_wire_free (reply);
        if (rc)
            goto done;
    }
    rc = PMO_OK;
done:
    pmo_client_close (&c);
    return rc;
}

int
check_pipeline (const char *endpoint, Pmo__Request **reqs, size_t n, int w, int timeout_ms, char *why,
                size_t why_len)
{
    return s_pipeline (endpoint, reqs, n, w, timeout_ms, NULL, NULL, why, why_len);
}

int
check_last_seq (const char *endpoint, uint64_t *last_seq)
{
    pmo_client_t *c = NULL;
    int rc = pmo_client_open (endpoint, &c);
    if (rc)
        return rc;
    Pmo__Request req = PMO__REQUEST__INIT;
    Pmo__Ping ping = PMO__PING__INIT;
    req.body_case = PMO__REQUEST__BODY_PING;
    req.ping = &ping;
    Pmo__Reply *reply = NULL;
    rc = check_call (c, &req, S_TIMEOUT_MS, &reply);
    if (!rc && reply->pong)
        *last_seq = reply->pong->last_seq;
    else if (!rc)
        rc = PMO_EPROTO;
    pmo_wire_free (reply);
    pmo_client_close (&c);
    return rc;
}

/* ---- set-up ---------------------------------------------------------------- */

typedef struct {
    Pmo__Request *reqs;
    Pmo__Request **ptrs;
    size_t n;
} reqs_t;

static Pmo__Request *
s_next (reqs_t *b)
{
    Pmo__Request *r = &b->reqs[b->n];
    pmo__request__init (r);
    r->actor = (char *) "pmo-bench";
    b->ptrs[b->n++] = r;
    return r;
}

int
check_setup (const char *endpoint, const world_t *w, char *why, size_t why_len)
{
    size_t max = (size_t) w->n_projects * 2 + 100;
    reqs_t b = {pmo_calloc (max, sizeof *b.reqs), pmo_calloc (max, sizeof *b.ptrs), 0};
    Pmo__Portfolio pf = PMO__PORTFOLIO__INIT;
    Pmo__Programme pg[BENCH_PROGRAMMES];
    Pmo__Team teams[BENCH_TEAMS];
    Pmo__Person people[BENCH_PEOPLE];
    char pg_codes[BENCH_PROGRAMMES][8], team_codes[BENCH_TEAMS][8], names[BENCH_PEOPLE][24];
    Pmo__Project *projects = pmo_calloc ((size_t) w->n_projects, sizeof *projects);
    Pmo__Milestone *ms = pmo_calloc ((size_t) w->n_projects, sizeof *ms);
    char (*pnames)[24] = pmo_calloc ((size_t) w->n_projects, sizeof *pnames);
    int64_t now_ms;
    pmo_datetime_parse (BENCH_NOW, &now_ms);
    int32_t today = pmo_date_from_ms (now_ms);
    char start[11], finish[11];
    pmo_date_format (today - w->n_days - 30, start);
    pmo_date_format (today + 365, finish);

    /*  Each group waits for the one before: later ones refer to it. */
    size_t mark[6] = {0};
    pf.code = (char *) "PF";
    pf.name = (char *) "Bench portfolio";
    Pmo__Request *r = s_next (&b);
    r->body_case = PMO__REQUEST__BODY_PORTFOLIO_ADD;
    r->portfolio_add = &pf;
    for (int i = 0; i < BENCH_PROGRAMMES; i++) {
        pmo__programme__init (&pg[i]);
        snprintf (pg_codes[i], sizeof pg_codes[i], "PG%02d", i + 1);
        pg[i].code = pg_codes[i];
        pg[i].name = pg_codes[i];
        pg[i].portfolio = pf.code;
        r = s_next (&b);
        r->body_case = PMO__REQUEST__BODY_PROGRAMME_ADD;
        r->programme_add = &pg[i];
    }
    for (int i = 0; i < BENCH_TEAMS; i++) {
        pmo__team__init (&teams[i]);
        snprintf (team_codes[i], sizeof team_codes[i], "T%d", i + 1);
        teams[i].code = team_codes[i];
        teams[i].name = team_codes[i];
        r = s_next (&b);
        r->body_case = PMO__REQUEST__BODY_TEAM_ADD;
        r->team_add = &teams[i];
    }
    mark[0] = b.n;
    for (int i = 0; i < BENCH_PEOPLE; i++) {
        pmo__person__init (&people[i]);
        snprintf (names[i], sizeof names[i], "Person %d", i + 1);
        people[i].id = (char *) w->people[i];
        people[i].name = names[i];
        people[i].role = (char *) "engineer";
        people[i].team = team_codes[i % BENCH_TEAMS];
        people[i].has_rate_minor = true;
        people[i].rate_minor = w->rate_minor[i];
        people[i].currency = (char *) BENCH_CURRENCY;
        people[i].has_capacity_minutes = true;
        people[i].capacity_minutes = 40 * 60;
        r = s_next (&b);
        r->body_case = PMO__REQUEST__BODY_PERSON_ADD;
        r->person_add = &people[i];
    }
    mark[1] = b.n;
    for (int i = 0; i < w->n_projects; i++) {
        Pmo__Project *p = &projects[i];
        pmo__project__init (p);
        snprintf (pnames[i], sizeof pnames[i], "Project %d", i + 1);
        p->code = (char *) w->projects[i];
        p->name = pnames[i];
        p->programme = pg_codes[i % BENCH_PROGRAMMES];
        p->manager = (char *) w->people[i % BENCH_PEOPLE];
        p->team = team_codes[(i % BENCH_PEOPLE) % BENCH_TEAMS];
        p->has_status = true;
        p->status = PMO__PROJECT_STATUS__PROJECT_ACTIVE;
        p->start = start;
        p->finish = finish;
        p->has_bac_minor = true;
        p->bac_minor = 50000000;  /* 500,000.00 EUR */
        p->currency = (char *) BENCH_CURRENCY;
        r = s_next (&b);
        r->body_case = PMO__REQUEST__BODY_PROJECT_ADD;
        r->project_add = p;
    }
    mark[2] = b.n;
    for (int i = 0; i < w->n_projects; i++) {
        pmo__milestone__init (&ms[i]);
        ms[i].project = (char *) w->projects[i];
        ms[i].name = (char *) "Go-live";
        ms[i].due = finish;
        r = s_next (&b);
        r->body_case = PMO__REQUEST__BODY_MILESTONE_ADD;
        r->milestone_add = &ms[i];
    }
    mark[3] = b.n;
    int rc = PMO_OK;
    size_t from = 0;
    for (int g = 0; g < 4 && !rc; g++) {
        rc = check_pipeline (endpoint, b.ptrs + from, mark[g] - from, 256, S_TIMEOUT_MS, why, why_len);
        from = mark[g];
    }
    free (b.reqs);
    free (b.ptrs);
    free (projects);
    free (ms);
    free (pnames);
    return rc;
}

/* ---- totals ---------------------------------------------------------------- */

typedef struct {
    const world_t *w;
    const sums_t *expect;
    totals_t *out;
    size_t mismatches;
} totals_arg_t;

static int
s_totals_one (void *arg, size_t i, const Pmo__Reply *reply)
{
    totals_arg_t *t = arg;
    const sums_t *e = &t->expect[i];
    const Pmo__ProjectTotals *got = reply->project ? reply->project->totals : NULL;
    if (!got) {
        snprintf (t->out->problem, sizeof t->out->problem, "project %s: no totals in the reply",
                  t->w->projects[i]);
        return PMO_EPROTO;
    }
    struct {
        const char *what;
        int64_t pmod, sent;
    } f[] = {
        {"minutes", got->minutes, e->minutes},
        {"labour (minor units)", got->labour_minor, e->labour_minor},
        {"cost (minor units)", got->cost_minor, e->cost_minor},
        {"time entries", (int64_t) got->time_entries, (int64_t) e->time_entries},
        {"cost entries", (int64_t) got->cost_entries, (int64_t) e->cost_entries},
        {"progress updates", (int64_t) got->progress_updates, (int64_t) e->progress_updates},
    };
    for (size_t k = 0; k < PMO_ARRAY_LEN (f); k++) {
        if (f[k].pmod == f[k].sent)
            continue;
        if (!t->mismatches++)
            snprintf (t->out->problem, sizeof t->out->problem, "project %s: %s %lld in pmod, %lld acknowledged",
                      t->w->projects[i], f[k].what, (long long) f[k].pmod, (long long) f[k].sent);
        break;
    }
    return PMO_OK;
}

int
check_totals (const char *endpoint, const world_t *w, const sums_t *expect, totals_t *out)
{
    memset (out, 0, sizeof *out);
    size_t n = (size_t) w->n_projects;
    Pmo__Request *reqs = pmo_calloc (n, sizeof *reqs);
    Pmo__Request **ptrs = pmo_calloc (n, sizeof *ptrs);
    Pmo__ProjectQuery *qs = pmo_calloc (n, sizeof *qs);
    for (size_t i = 0; i < n; i++) {
        pmo__request__init (&reqs[i]);
        pmo__project_query__init (&qs[i]);
        qs[i].code = (char *) w->projects[i];
        qs[i].has_recent = true;
        qs[i].recent = 0;
        reqs[i].body_case = PMO__REQUEST__BODY_PROJECT_SHOW;
        reqs[i].project_show = &qs[i];
        ptrs[i] = &reqs[i];
        const sums_t *e = &expect[i];
        out->updates += e->time_entries + e->cost_entries + e->progress_updates;
        out->minutes += e->minutes;
        out->money_minor += e->labour_minor + e->cost_minor;
    }
    totals_arg_t arg = {w, expect, out, 0};
    char why[256] = "";
    int rc = s_pipeline (endpoint, ptrs, n, 64, S_TIMEOUT_MS, s_totals_one, &arg, why, sizeof why);
    if (rc && !out->problem[0])
        snprintf (out->problem, sizeof out->problem, "%s", why);
    if (!rc && arg.mismatches) {
        char first[sizeof out->problem];
        memcpy (first, out->problem, sizeof first);
        int len = snprintf (out->problem, sizeof out->problem, "%zu of %zu projects differ; first: ",
                            arg.mismatches, n);
        if (len > 0 && (size_t) len < sizeof out->problem)
            pmo_strlcpy (out->problem + len, first, sizeof out->problem - (size_t) len);
    }
    out->checked = rc == PMO_OK;
    out->exact = rc == PMO_OK && arg.mismatches == 0;
    free (reqs);
    free (ptrs);
    free (qs);
    return rc;
}

/* ---- the event log ------------------------------------------------------- */

int
check_log (const char *endpoint, uint64_t base_seq, agent_t *agents, int n_agents, logcheck_t *out)
{
    memset (out, 0, sizeof *out);
    uint8_t **seen = pmo_calloc ((size_t) n_agents, sizeof *seen);
    for (int a = 0; a < n_agents; a++)
        seen[a] = pmo_calloc (agents[a].next_seq - agents[a].seq_lo + 2, 1);
    pmo_client_t *c = NULL;
    int rc = pmo_client_open (endpoint, &c);
    uint64_t since = base_seq;
    bool more = true;
    while (!rc && more) {
        Pmo__Request req = PMO__REQUEST__INIT;
        Pmo__LogQuery q = PMO__LOG_QUERY__INIT;
        q.has_since = true;
        q.since = since;
        q.has_limit = true;
        q.limit = PMO_LOG_PAGE_MAX;
        req.body_case = PMO__REQUEST__BODY_LOG;
        req.log = &q;
        Pmo__Reply *reply = NULL;
        rc = check_call (c, &req, S_TIMEOUT_MS, &reply);
        if (!rc && (reply->status != PMO__STATUS__STATUS_OK || !reply->events)) {
            snprintf (out->problem, sizeof out->problem, "log: %s", reply->reason ? reply->reason : "no page");
            rc = PMO_EPROTO;
        }
        if (rc) {
            pmo_wire_free (reply);
            break;
        }
        const Pmo__EventPage *page = reply->events;
        more = page->more && page->n_events > 0;
        for (size_t i = 0; i < page->n_events; i++) {
            const Pmo__Event *ev = page->events[i];
            since = ev->seq;
            out->events++;
            const Pmo__UpdateId *u = ev->update;
            int who = -1;
            for (int a = 0; u && u->agent && a < n_agents && who < 0; a++)
                if (streq (u->agent, agents[a].id))
                    who = a;
            if (who < 0) {
                out->other_events++;
                continue;
            }
            out->update_events++;
            agent_t *ag = &agents[who];
            if (u->seq < ag->seq_lo || u->seq > ag->next_seq) {
                out->duplicated++;  /* not an update of this run */
                continue;
            }
            uint8_t *b = &seen[who][u->seq - ag->seq_lo];
            if (*b)
                out->duplicated++;
            *b = 1;
        }
        pmo_wire_free (reply);
    }
    pmo_client_close (&c);
    for (int a = 0; a < n_agents; a++) {
        for (uint64_t s = agents[a].seq_lo; s <= agents[a].next_seq; s++)
            out->missing += !seen[a][s - agents[a].seq_lo];
        free (seen[a]);
    }
    free (seen);
    if (rc && !out->problem[0]) {
        char why[200];
        check_why (rc, endpoint, S_TIMEOUT_MS, why, sizeof why);
        snprintf (out->problem, sizeof out->problem, "reading the log: %s", why);
    }
    out->checked = rc == PMO_OK;
    out->exact = rc == PMO_OK && out->missing == 0 && out->duplicated == 0;
    if (!rc && !out->exact)
        snprintf (out->problem, sizeof out->problem, "%llu update(s) missing from the log, %llu there twice",
                  (unsigned long long) out->missing, (unsigned long long) out->duplicated);
    return rc;
}
