/*  query: a portfolio of P projects (10,000 by default) loaded in steps to
 *  each entry count of --entries by the ingest machinery (time and cost
 *  entries only, so the count is exact), and at each step:
 *    - pmod's start-up time on that data (spawn to first pong), with the
 *      data file evicted from the page cache first;
 *    - `pmoctl status --json` cold (first run after that restart) and warm
 *      (median of --runs), output to /dev/null;
 *    - `pmoctl project show CODE --json` cold (after another restart) and
 *      warm;
 *    - `pmoctl log --project CODE --limit 100 --json` warm: the project's
 *      oldest 100 events, a walk of its event index from the start;
 *    - the size of the data file.
 *  Status reads per-project aggregates, so its time should follow the
 *  number of projects, not of entries.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <zmq.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"

typedef struct {
    int64_t entries;
    double load_rate;
    double status_cold_ms, status_warm_ms;
    double show_cold_ms, show_warm_ms;
    double log_warm_ms;
    double startup_ms;
    double status_rpc_ms;          /* the status request alone, warm median */
    uint64_t data_bytes;
    bool exact;
    bool checked;                  /* false: pmod could not be asked        */
} step_t;

/*  Runs argv once cold and `runs` times warm; medians in ms. */
static int
s_time_cmd (bench_t *b, const char *const *argv, int runs, const char *what, double *cold_ms, double *warm_ms)
{
    samples_t s = {0};
    int rc = PMO_OK;
    for (int i = 0; i <= runs; i++) {
        int64_t ns;
        int st = env_run_timed (argv, NULL, 600000, &ns);
        if (st != 0) {
            bench_fail (b, false, "%s: exit status %d", what, st);
            rc = PMO_EINTERNAL;
            break;
        }
        if (i == 0)
            *cold_ms = (double) ns / 1e6;
        else
            samples_add (&s, ns);
    }
    pct_t p;
    samples_percentiles (&s, &p);
    *warm_ms = p.p50_ms;
    samples_free (&s);
    return rc;
}

/*  Sends req and waits (up to timeout_ms) for a reply's body frame, which
 *  *frame receives undecoded.  Returns PMO_OK, PMO_ETIMEOUT or an errno. */
static int
s_call_raw (pmo_client_t *c, Pmo__Request *req, int timeout_ms, zmq_msg_t *frame)
{
    int rc = pmo_client_send (c, req);
    void *sock = pmo_client_socket (c);
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    while (!rc) {
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        int64_t left = deadline - pmo_clock_mono_ms ();
        int n = zmq_poll (&item, 1, (long) (left > 0 ? left : 0));
        if (n <= 0)
            return n == 0 ? PMO_ETIMEOUT : errno;
        int more = 1, frames = 0;
        while (more) {
            if (zmq_msg_recv (frame, sock, 0) < 0)
                return errno;
            more = zmq_msg_more (frame);
            frames++;
        }
        if (frames == 2)
            return PMO_OK;
    }
    return rc;
}

/*  The status request alone (no pmoctl: no process start, no decoding,
 *  no JSON), warm: median of runs, in ms.  Checked after the clock stops. */
static int
s_time_rpc (bench_t *b, const char *endpoint, int runs, double *ms)
{
    pmo_client_t *c = NULL;
    int rc = pmo_client_open (endpoint, &c);
    samples_t s = {0};
    for (int i = 0; i < runs && !rc; i++) {
        Pmo__Request req = PMO__REQUEST__INIT;
        Pmo__StatusQuery q = PMO__STATUS_QUERY__INIT;
        req.body_case = PMO__REQUEST__BODY_STATUS;
        req.status = &q;
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        int64_t t0 = pmo_clock_mono_ns ();
        rc = s_call_raw (c, &req, 600000, &frame);
        samples_add (&s, pmo_clock_mono_ns () - t0);
        Pmo__Reply *reply = rc ? NULL : pmo_wire_reply_unpack (zmq_msg_data (&frame), zmq_msg_size (&frame));
        if (!rc && (!reply || !reply->has_corr || reply->corr != req.corr))
            rc = PMO_EPROTO;
        else if (!rc && reply->status != PMO__STATUS__STATUS_OK)
            rc = pmo_client_status_rc (reply->status);
        pmo_wire_free (reply);
        zmq_msg_close (&frame);
    }
    pmo_client_close (&c);
    if (rc) {
        char why[300];
        check_why (rc, endpoint, 600000, why, sizeof why);
        bench_fail (b, false, "status request: %s", why);
    }
    pct_t p;
    samples_percentiles (&s, &p);
    *ms = p.p50_ms;
    samples_free (&s);
    return rc;
}

/*  Stops pmod, evicts its data file from the page cache, starts it again. */
static int
s_restart_cold (bench_t *b, pmod_t *p, double *startup_ms)
{
    env_pmod_stop (p);
    env_drop_cache (p);
    int64_t ns = 0;
    int rc = bench_pmod_start (b, p, &ns);
    *startup_ms = (double) ns / 1e6;
    return rc;
}

/*  pmod's own memory (RssAnon: without the LMDB map) after so many updates
 *  processed: it should follow the live state (projects, people, caches),
 *  not the number of updates. */
static const int64_t s_rss_marks[] = {100000, 500000, 1000000, 2000000, 5000000, 10000000};

typedef struct {
    int64_t updates;
    long anon_kb;
} rss_mark_t;

/*  Loads up to `to` entries, stopping at each RSS mark on the way to read
 *  pmod's RssAnon into marks. */
static int
s_load (bench_t *b, pmod_t *p, agent_t *agents, int64_t *loaded, int64_t to, rss_mark_t *marks, size_t *n_marks,
        double *rate)
{
    const opts_t *o = &b->o;
    double wall = 0;
    uint64_t acked = 0;
    while (*loaded < to) {
        int64_t stop = to;
        for (size_t i = 0; i < PMO_ARRAY_LEN (s_rss_marks); i++)
            if (s_rss_marks[i] > *loaded && s_rss_marks[i] < stop)
                stop = s_rss_marks[i];
        uint64_t todo = (uint64_t) (stop - *loaded);
        for (int i = 0; i < o->agents; i++)
            agents[i].count = todo / (uint64_t) o->agents + ((uint64_t) i < todo % (uint64_t) o->agents);
        run_t run;
        load_run (agents, o->agents, &run);
        samples_free (&run.ack);
        if (run.failed) {
            bench_fail (b, false, "query load: %s", run.why);
            return PMO_EINTERNAL;
        }
        *loaded += (int64_t) run.acked;
        acked += run.acked;
        wall += run.wall_s;
        for (size_t i = 0; i < PMO_ARRAY_LEN (s_rss_marks); i++)
            if (s_rss_marks[i] == *loaded && *n_marks < PMO_ARRAY_LEN (s_rss_marks))
                marks[(*n_marks)++] = (rss_mark_t) {*loaded, env_rss_anon_kb (p->pid)};
    }
    *rate = wall > 0 ? (double) acked / wall : 0;
    return PMO_OK;
}

static int
s_step (bench_t *b, pmod_t *p, const world_t *w, agent_t *agents, int64_t *loaded, step_t *st, rss_mark_t *marks,
        size_t *n_marks)
{
    const opts_t *o = &b->o;
    bench_note ("query: loading %lld entries (to %lld)", (long long) (st->entries - *loaded),
                (long long) st->entries);
    if (s_load (b, p, agents, loaded, st->entries, marks, n_marks, &st->load_rate))
        return PMO_EINTERNAL;

    sums_t *expect = pmo_calloc ((size_t) w->n_projects, sizeof *expect);
    for (int i = 0; i < o->agents; i++)
        for (int j = 0; j < w->n_projects; j++) {
            const sums_t *s = &agents[i].sums[j];
            expect[j].minutes += s->minutes;
            expect[j].labour_minor += s->labour_minor;
            expect[j].cost_minor += s->cost_minor;
            expect[j].time_entries += s->time_entries;
            expect[j].cost_entries += s->cost_entries;
            expect[j].progress_updates += s->progress_updates;
        }
    totals_t totals;
    int rc = check_totals (p->endpoint, w, expect, &totals);
    free (expect);
    st->exact = rc == PMO_OK && totals.exact;
    st->checked = totals.checked;
    if (rc)
        bench_fail (b, false, "query totals: %s", totals.problem);
    else if (!totals.exact)
        bench_fail (b, true, "LOST/DUPLICATED at %lld entries: %s", (long long) st->entries, totals.problem);

    char data[400], timeout[16];
    snprintf (data, sizeof data, "%s/data.mdb", p->data);
    snprintf (timeout, sizeof timeout, "%d", 600000);
    st->data_bytes = env_file_bytes (data);
    const char *code = w->projects[w->n_projects / 2];
    const char *status_argv[] = {o->pmoctl, "--endpoint", p->endpoint, "--timeout", timeout, "--json", "status", NULL};
    const char *show_argv[] = {o->pmoctl, "--endpoint", p->endpoint, "--timeout", timeout, "--json", "project",
                               "show", code, NULL};
    const char *log_argv[] = {o->pmoctl, "--endpoint", p->endpoint, "--timeout", timeout, "--json", "log",
                              "--project", code, "--limit", "100", NULL};
    bench_note ("query: timing pmoctl status, project show and log --project at %lld entries",
                (long long) st->entries);
    double second_startup;
    rc = s_restart_cold (b, p, &st->startup_ms);
    if (!rc)
        rc = s_time_cmd (b, status_argv, o->runs, "pmoctl status", &st->status_cold_ms, &st->status_warm_ms);
    if (!rc)
        rc = s_time_rpc (b, p->endpoint, o->runs, &st->status_rpc_ms);
    if (!rc)
        rc = s_restart_cold (b, p, &second_startup);
    if (!rc)
        rc = s_time_cmd (b, show_argv, o->runs, "pmoctl project show", &st->show_cold_ms, &st->show_warm_ms);
    double log_first_ms;
    if (!rc)
        rc = s_time_cmd (b, log_argv, o->runs, "pmoctl log --project", &log_first_ms, &st->log_warm_ms);
    return rc;
}

int
mode_query (bench_t *b)
{
    const opts_t *o = &b->o;
    int64_t max = o->entries[o->n_entries - 1];
    uint64_t per_agent = (uint64_t) max / (uint64_t) o->agents + 1;
    world_t w;
    world_init (&w, o->projects ? o->projects : 10000, 78, 22, per_agent, o->agents);
    pmod_t p;
    int rc = bench_portfolio_up (b, "query", &w, bench_map_mb ((uint64_t) max), &p);
    if (rc) {
        world_free (&w);
        return rc;
    }
    int window = o->window > 256 ? o->window : 256;
    agent_t *agents = pmo_calloc ((size_t) o->agents, sizeof *agents);
    for (int i = 0; i < o->agents; i++) {
        agent_init (&agents[i], &w, i, "bench-q");
        gen_init (&agents[i].gen, &w, i, o->agents);
        agents[i].endpoint = p.endpoint;
        agents[i].target = TARGET_PMOD;
        agents[i].window = window;
        agents[i].record = false;
    }
    step_t *steps = pmo_calloc (o->n_entries, sizeof *steps);
    size_t n_steps = 0;
    int64_t loaded = 0;
    rss_mark_t marks[PMO_ARRAY_LEN (s_rss_marks)];
    size_t n_marks = 0;
    for (size_t i = 0; i < o->n_entries && !rc; i++) {
        if (o->entries[i] <= loaded)
            continue;
        steps[n_steps].entries = o->entries[i];
        rc = s_step (b, &p, &w, agents, &loaded, &steps[n_steps], marks, &n_marks);
        n_steps++;
    }
    env_pmod_stop (&p);

    if (o->json) {
        json_object *j = json_object_new_object ();
        json_object_object_add (j, "projects", json_object_new_int (w.n_projects));
        json_object_object_add (j, "agents", json_object_new_int (o->agents));
        json_object_object_add (j, "window", json_object_new_int (window));
        json_object_object_add (j, "warm_runs", json_object_new_int (o->runs));
        json_object *arr = json_object_new_array ();
        for (size_t i = 0; i < n_steps; i++) {
            const step_t *s = &steps[i];
            json_object *x = json_object_new_object ();
            json_object_object_add (x, "entries", json_object_new_int64 (s->entries));
            json_object_object_add (x, "load_per_s", report_num (s->load_rate, 0));
            json_object_object_add (x, "status_cold_ms", report_num (s->status_cold_ms, 1));
            json_object_object_add (x, "status_warm_ms", report_num (s->status_warm_ms, 1));
            json_object_object_add (x, "status_request_ms", report_num (s->status_rpc_ms, 1));
            json_object_object_add (x, "show_cold_ms", report_num (s->show_cold_ms, 1));
            json_object_object_add (x, "show_warm_ms", report_num (s->show_warm_ms, 1));
            json_object_object_add (x, "log_project_warm_ms", report_num (s->log_warm_ms, 1));
            json_object_object_add (x, "startup_ms", report_num (s->startup_ms, 1));
            json_object_object_add (x, "data_bytes", json_object_new_int64 ((int64_t) s->data_bytes));
            json_object_object_add (x, "totals_exact", json_object_new_boolean (s->exact));
            json_object_object_add (x, "totals_checked", json_object_new_boolean (s->checked));
            json_object_array_add (arr, x);
        }
        json_object_object_add (j, "steps", arr);
        json_object *jm = json_object_new_array ();
        for (size_t i = 0; i < n_marks; i++) {
            json_object *x = json_object_new_object ();
            json_object_object_add (x, "updates", json_object_new_int64 (marks[i].updates));
            json_object_object_add (x, "pmod_rss_anon_kb", json_object_new_int64 (marks[i].anon_kb));
            json_object_array_add (jm, x);
        }
        json_object_object_add (j, "pmod_rss_anon", jm);
        json_object_object_add (b->doc, "query", j);
    } else {
        printf ("\nquery: %d projects, entries 78%% time / 22%% cost loaded by %d agents (window %d); "
                "pmoctl wall time (cold = first run after a restart with the data file out of the page cache, "
                "warm = median of %d); request = the status request alone; log -p = log --project CODE --limit 100\n",
                w.n_projects, o->agents, window, o->runs);
        printf ("  %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s %7s\n", "entries", "load/s", "status", "status",
                "status", "show", "show", "log -p", "startup", "data", "totals");
        printf ("  %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s %7s\n", "", "", "cold ms", "warm ms",
                "request ms", "cold ms", "warm ms", "warm ms", "ms", "", "");
        for (size_t i = 0; i < n_steps; i++) {
            const step_t *s = &steps[i];
            char c1[32], c2[32], c3[32];
            printf ("  %10s %10s %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %10s %7s\n",
                    report_count ((double) s->entries, c1, sizeof c1), report_count (s->load_rate, c2, sizeof c2),
                    s->status_cold_ms, s->status_warm_ms, s->status_rpc_ms, s->show_cold_ms, s->show_warm_ms,
                    s->log_warm_ms, s->startup_ms,
                    report_bytes (s->data_bytes, c3, sizeof c3),
                    s->exact ? "exact" : s->checked ? "WRONG" : "n/a");
        }
        if (n_marks) {
            printf ("  pmod RssAnon (own memory, without the LMDB map) after N updates processed:");
            for (size_t i = 0; i < n_marks; i++) {
                char c[32];
                printf ("%s %s: %.1f MiB", i ? "," : "", report_count ((double) marks[i].updates, c, sizeof c),
                        (double) marks[i].anon_kb / 1024.0);
            }
            printf ("\n");
        }
        fflush (stdout);
    }
    free (steps);
    for (int i = 0; i < o->agents; i++)
        agent_free (&agents[i]);
    free (agents);
    world_free (&w);
    return rc;
}
