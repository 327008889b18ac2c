/*  ingest: N agent threads send M updates each, as fast as a window of W
 *  unacknowledged updates allows, to a real pmod; K subscribers count the
 *  events.  Then the same agents and window against the raw limit (raw.c).
 *  Checks: pmod's per-project totals equal what was acknowledged, and the
 *  event log holds every update exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zmq.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"

typedef struct {
    run_t run;
    pct_t ack, event;
    uint64_t events_expected;      /* last_seq after - before the run       */
    uint64_t events_min_received;  /* the slowest subscriber's count        */
    double cpu_s, cpu_total_s, bench_cpu_s;
    long rss_kb, bench_rss_kb;
    long rss_anon_kb;              /* pmod's RssAnon after the run            */
    uint64_t data_bytes;
    uint64_t written;              /* bytes given to write calls in the run */
    uint64_t dev_written;          /* bytes the device wrote in the run     */
    uint64_t requests, commits;
    double commit_s;               /* wall s inside LMDB's commit, or -1    */
    bool has_commits;
} side_t;

static double
s_self_cpu (void)
{
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
           + (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*  Waits until every subscriber counted `expected` (or 10 s passed), then
 *  stops them and merges their latencies. */
static void
s_subs_finish (sub_t *subs, int k, uint64_t expected, samples_t *lat, uint64_t *min_received)
{
    int64_t deadline = pmo_clock_mono_ms () + 10000;
    for (int i = 0; i < k; i++)
        while (atomic_load (&subs[i].counted) < expected && pmo_clock_mono_ms () < deadline) {
            struct timespec ts = {0, 2000000};
            nanosleep (&ts, NULL);
        }
    *min_received = k ? UINT64_MAX : 0;
    for (int i = 0; i < k; i++) {
        sub_stop (&subs[i]);
        uint64_t n = atomic_load (&subs[i].counted);
        if (n < *min_received)
            *min_received = n;
        if (lat)
            samples_merge (lat, &subs[i].lat);
        samples_free (&subs[i].lat);
    }
}

/*  Every subscriber has seen an event, so none misses the start of the run
 *  (a SUB connects asynchronously).  Writes a few portfolios if needed. */
static int
s_subs_ready (const char *endpoint, sub_t *subs, int k, char *why, size_t why_len)
{
    int64_t deadline = pmo_clock_mono_ms () + 10000;
    for (int n = 0; pmo_clock_mono_ms () < deadline; n++) {
        bool ready = true;
        for (int i = 0; i < k; i++)
            ready = ready && atomic_load (&subs[i].received) > 0;
        if (ready)
            return PMO_OK;
        Pmo__Request req = PMO__REQUEST__INIT, *reqs[1] = {&req};
        Pmo__Portfolio pf = PMO__PORTFOLIO__INIT;
        char code[16];
        snprintf (code, sizeof code, "WARM%d", n);
        pf.code = code;
        req.body_case = PMO__REQUEST__BODY_PORTFOLIO_ADD;
        req.portfolio_add = &pf;
        int rc = check_pipeline (endpoint, reqs, 1, 1, 10000, why, why_len);
        if (rc)
            return rc;
        struct timespec ts = {0, 50000000};
        nanosleep (&ts, NULL);
    }
    snprintf (why, why_len, "a subscriber received no event within 10 s");
    return PMO_ETIMEOUT;
}

static void
s_agents_setup (agent_t *agents, const opts_t *o, const world_t *w, const char *endpoint, target_t target)
{
    for (int i = 0; i < o->agents; i++) {
        agent_t *a = &agents[i];
        agent_init (a, w, i, "bench-a");
        gen_init (&a->gen, w, i, o->agents);
        a->endpoint = endpoint;
        a->target = target;
        a->window = o->window;
        a->count = (uint64_t) o->updates;
        a->record = true;
    }
}

static void
s_agents_free (agent_t *agents, int n)
{
    for (int i = 0; i < n; i++)
        agent_free (&agents[i]);
    free (agents);
}

/*  The pmod side.  Returns PMO_OK, or a failure already reported on b. */
static int
s_pmod_side (bench_t *b, const world_t *w, side_t *out, totals_t *totals, logcheck_t *log)
{
    const opts_t *o = &b->o;
    pmod_t p;
    char why[300] = "";
    int rc = env_pmod_init (&p, b->root, "ingest", o->pmod, bench_map_mb ((uint64_t) o->agents * o->updates));
    if (rc) {
        bench_fail (b, false, "%s/ingest: %s", b->root, strerror (rc));
        return rc;
    }
    if ((rc = bench_pmod_start (b, &p, NULL)) != 0)
        return rc;
    sub_t *subs = pmo_calloc ((size_t) o->subscribers + 1, sizeof *subs);
    for (int i = 0; i < o->subscribers; i++)
        sub_start (&subs[i], p.events, true);
    agent_t *agents = pmo_calloc ((size_t) o->agents, sizeof *agents);
    samples_t ev_lat = {0};
    bench_note ("ingest: portfolio of %d projects, %d people", w->n_projects, BENCH_PEOPLE);
    rc = check_setup (p.endpoint, w, why, sizeof why);
    if (!rc)
        rc = s_subs_ready (p.endpoint, subs, o->subscribers, why, sizeof why);
    uint64_t base = 0, last = 0;
    if (!rc)
        rc = check_last_seq (p.endpoint, &base);
    if (rc) {
        bench_fail (b, false, "ingest set-up: %s", why[0] ? why : pmo_strerror (rc));
        s_subs_finish (subs, o->subscribers, 0, NULL, &out->events_min_received);
        goto done;
    }
    for (int i = 0; i < o->subscribers; i++)
        atomic_store (&subs[i].base_seq, base);

    bench_note ("ingest: %d agents x %d updates, window %d, to pmod", o->agents, o->updates, o->window);
    s_agents_setup (agents, o, w, p.endpoint, TARGET_PMOD);
    double cpu0 = env_cpu_seconds (p.pid), self0 = s_self_cpu ();
    uint64_t written0 = env_write_calls_bytes (p.pid), dev0 = env_device_written (p.dir);
    load_run (agents, o->agents, &out->run);
    out->written = env_write_calls_bytes (p.pid) - written0;
    out->dev_written = env_device_written (p.dir) - dev0;
    out->cpu_total_s = env_cpu_seconds (p.pid);
    out->cpu_s = out->cpu_total_s - cpu0;
    out->bench_cpu_s = s_self_cpu () - self0;
    if (out->run.failed)
        bench_fail (b, false, "ingest: %s", out->run.why);
    rc = check_last_seq (p.endpoint, &last);
    out->events_expected = rc ? 0 : last - base;
    s_subs_finish (subs, o->subscribers, out->events_expected, &ev_lat, &out->events_min_received);
    samples_percentiles (&out->run.ack, &out->ack);
    samples_percentiles (&ev_lat, &out->event);
    out->rss_kb = env_peak_rss_kb (p.pid);
    out->rss_anon_kb = env_rss_anon_kb (p.pid);
    out->bench_rss_kb = env_peak_rss_kb (0);
    char data[400];
    snprintf (data, sizeof data, "%s/data.mdb", p.data);
    out->data_bytes = env_file_bytes (data);

    /*  The checks: totals per project, and the log, update by update. */
    bench_note ("ingest: checking totals of %d projects and the event log", w->n_projects);
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
    rc = check_totals (p.endpoint, w, expect, totals);
    free (expect);
    if (rc)
        bench_fail (b, false, "ingest totals: %s", totals->problem);
    else if (!totals->exact)
        bench_fail (b, true, "LOST/DUPLICATED: %s", totals->problem);
    rc = check_log (p.endpoint, base, agents, o->agents, log);
    if (rc)
        bench_fail (b, false, "ingest log: %s", log->problem);
    else if (!log->exact)
        bench_fail (b, true, "LOST/DUPLICATED: %s", log->problem);
    rc = PMO_OK;
done:
    env_pmod_stop (&p);
    out->has_commits = env_pmod_commits (&p, &out->requests, &out->commits, &out->commit_s);
    samples_free (&ev_lat);
    s_agents_free (agents, o->agents);
    free (subs);
    return rc;
}

/*  As s_subs_ready, for the raw loop: probe messages (which the
 *  subscribers do not count) until every subscriber has seen one. */
static int
s_raw_subs_ready (const char *endpoint, sub_t *subs, int k)
{
    pmo_client_t *c = NULL;
    int rc = pmo_client_open (endpoint, &c);
    int64_t deadline = pmo_clock_mono_ms () + 10000;
    while (!rc) {
        bool ready = true;
        for (int i = 0; i < k; i++)
            ready = ready && atomic_load (&subs[i].received) > 0;
        if (ready)
            break;
        if (pmo_clock_mono_ms () > deadline) {
            rc = PMO_ETIMEOUT;
            break;
        }
        void *sock = pmo_client_socket (c);
        rc = pmo_wire_send (sock, "", 0, ZMQ_SNDMORE);
        if (!rc)
            rc = pmo_wire_send (sock, BENCH_PROBE, strlen (BENCH_PROBE), 0);
        /*  The reply (its 8-byte key) comes after the commit. */
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (!rc && zmq_poll (&item, 1, 1000) > 0) {
            zmq_msg_t frame;
            zmq_msg_init (&frame);
            do
                zmq_msg_recv (&frame, sock, 0);
            while (zmq_msg_more (&frame));
            zmq_msg_close (&frame);
        }
    }
    pmo_client_close (&c);
    return rc;
}

/*  The raw side: same agents, same window, same update bytes. */
static int
s_raw_side (bench_t *b, const world_t *w, side_t *out)
{
    const opts_t *o = &b->o;
    char dir[300], endpoint[320], events[320], why[300] = "";
    snprintf (dir, sizeof dir, "%s/raw", b->root);
    snprintf (endpoint, sizeof endpoint, "ipc://%s/raw-req", b->root);
    snprintf (events, sizeof events, "ipc://%s/raw-ev", b->root);
    raw_t *raw = NULL;
    size_t map = (size_t) bench_map_mb ((uint64_t) o->agents * o->updates) << 20;
    int rc = raw_start (dir, endpoint, events, map, &raw, why, sizeof why);
    if (rc) {
        bench_fail (b, false, "raw limit: %s", why[0] ? why : pmo_strerror (rc));
        return rc;
    }
    sub_t *subs = pmo_calloc ((size_t) o->subscribers + 1, sizeof *subs);
    for (int i = 0; i < o->subscribers; i++)
        sub_start (&subs[i], events, false);
    rc = s_raw_subs_ready (endpoint, subs, o->subscribers);
    if (rc) {
        bench_fail (b, false, "raw limit: a subscriber received nothing within 10 s");
        s_subs_finish (subs, o->subscribers, 0, NULL, &out->events_min_received);
        raw_stop (&raw, &out->requests, &out->commits, &out->commit_s, &out->data_bytes);
        free (subs);
        return rc;
    }
    agent_t *agents = pmo_calloc ((size_t) o->agents, sizeof *agents);
    s_agents_setup (agents, o, w, endpoint, TARGET_RAW);
    bench_note ("raw limit: %d agents x %d updates, window %d, to a bare ROUTER + LMDB loop", o->agents,
                o->updates, o->window);
    double self0 = s_self_cpu ();
    /*  Only the raw loop writes to files in this process. */
    uint64_t written0 = env_write_calls_bytes (0), dev0 = env_device_written (dir);
    load_run (agents, o->agents, &out->run);
    out->written = env_write_calls_bytes (0) - written0;
    out->dev_written = env_device_written (dir) - dev0;
    out->cpu_s = s_self_cpu () - self0;
    if (out->run.failed)
        bench_fail (b, false, "raw limit: %s", out->run.why);
    s_subs_finish (subs, o->subscribers, out->run.acked, NULL, &out->events_min_received);
    out->events_expected = out->run.acked;
    samples_percentiles (&out->run.ack, &out->ack);
    rc = raw_stop (&raw, &out->requests, &out->commits, &out->commit_s, &out->data_bytes);
    out->has_commits = true;
    if (rc)
        bench_fail (b, false, "raw limit: store: %s", pmo_strerror (rc));
    s_agents_free (agents, o->agents);
    free (subs);
    return rc;
}

static json_object *
s_side_json (const side_t *s, bool pmod)
{
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "updates", json_object_new_int64 ((int64_t) s->run.acked));
    json_object_object_add (o, "wall_s", report_num (s->run.wall_s, 3));
    json_object_object_add (o, "updates_per_s", report_num (s->run.rate, 0));
    json_object_object_add (o, "ack_ms", report_pct (&s->ack));
    json_object_object_add (o, "resent", json_object_new_int64 ((int64_t) s->run.resent));
    json_object_object_add (o, "events_expected", json_object_new_int64 ((int64_t) s->events_expected));
    json_object_object_add (o, "events_received_min", json_object_new_int64 ((int64_t) s->events_min_received));
    if (s->has_commits && s->commits) {
        json_object_object_add (o, "commits", json_object_new_int64 ((int64_t) s->commits));
        json_object_object_add (o, "requests_per_commit", report_num ((double) s->requests / (double) s->commits, 1));
        if (s->commit_s >= 0)
            json_object_object_add (o, "commit_s", report_num (s->commit_s, 3));
    }
    json_object_object_add (o, "data_bytes", json_object_new_int64 ((int64_t) s->data_bytes));
    if (s->run.acked) {
        json_object_object_add (o, "bytes_per_update", report_num ((double) s->data_bytes / (double) s->run.acked, 0));
        json_object_object_add (o, "write_call_bytes_per_update", report_num ((double) s->written / (double) s->run.acked, 0));
        json_object_object_add (o, "device_bytes_per_update", report_num ((double) s->dev_written / (double) s->run.acked, 0));
    }
    json_object_object_add (o, "write_call_bytes", json_object_new_int64 ((int64_t) s->written));
    json_object_object_add (o, "device_bytes", json_object_new_int64 ((int64_t) s->dev_written));
    if (pmod) {
        json_object_object_add (o, "event_ms", report_pct (&s->event));
        json_object_object_add (o, "pmod_cpu_s", report_num (s->cpu_s, 2));
        json_object_object_add (o, "pmod_cpu_total_s", report_num (s->cpu_total_s, 2));
        json_object_object_add (o, "pmod_peak_rss_kb", json_object_new_int64 (s->rss_kb));
        json_object_object_add (o, "pmod_rss_anon_kb", json_object_new_int64 (s->rss_anon_kb));
        json_object_object_add (o, "bench_cpu_s", report_num (s->bench_cpu_s, 2));
        json_object_object_add (o, "bench_peak_rss_kb", json_object_new_int64 (s->bench_rss_kb));
    } else {
        json_object_object_add (o, "bench_cpu_s", report_num (s->cpu_s, 2));
    }
    return o;
}

/*  What pmod would have to fit in to run at PMO_TARGET_PCT % of the raw
 *  limit on this machine: the wall time that rate allows, and the CPU
 *  left for pmod in it once the bench's own agents and subscribers have
 *  theirs (they share the cores).  LMDB commits one write txn at a time,
 *  so pmod's commits must fit in that wall time too, even if all its
 *  other work overlapped them.  Returns false when a figure is missing. */
#define PMO_TARGET_PCT 70.0
typedef struct {
    double wall_s, cpu_budget_s;
    long cores;
} goal_t;

static bool
s_goal (const side_t *pm, const side_t *raw, goal_t *t)
{
    if (raw->run.wall_s <= 0 || !pm->run.acked)
        return false;
    long cores = sysconf (_SC_NPROCESSORS_ONLN);  /* as env_machine reports it */
    t->cores = cores > 0 ? cores : 1;
    t->wall_s = raw->run.wall_s * 100.0 / PMO_TARGET_PCT;
    t->cpu_budget_s = (double) t->cores * t->wall_s - pm->bench_cpu_s;
    return true;
}

static void
s_print (const bench_t *b, const world_t *w, const side_t *pm, const side_t *raw, const totals_t *t,
         const logcheck_t *log)
{
    const opts_t *o = &b->o;
    char c1[32], c2[32];
    printf ("\ningest: %d agents x %d updates (70%% time, 20%% cost, 10%% progress), window %d, "
            "%d subscriber(s), %d projects, dates over %d days\n",
            o->agents, o->updates, o->window, o->subscribers, w->n_projects, w->n_days);
    printf ("  %-28s %14s %14s\n", "", "pmod", "raw limit");
    printf ("  %-28s %14s %14s\n", "durable updates/s", report_count (pm->run.rate, c1, sizeof c1),
            report_count (raw->run.rate, c2, sizeof c2));
    printf ("  %-28s %14.2f %14.2f\n", "wall s (first send-last ack)", pm->run.wall_s, raw->run.wall_s);
    printf ("  %-28s %14.3f %14.3f\n", "ack latency p50 ms", pm->ack.p50_ms, raw->ack.p50_ms);
    printf ("  %-28s %14.3f %14.3f\n", "ack latency p99 ms", pm->ack.p99_ms, raw->ack.p99_ms);
    printf ("  %-28s %14.3f %14.3f\n", "ack latency p99.9 ms", pm->ack.p999_ms, raw->ack.p999_ms);
    if (o->subscribers) {
        printf ("  %-28s %14.3f %14s\n", "event delivery p50 ms", pm->event.p50_ms, "-");
        printf ("  %-28s %14.3f %14s\n", "event delivery p99 ms", pm->event.p99_ms, "-");
        printf ("  %-28s %14llu %14llu\n", "events received (slowest sub)",
                (unsigned long long) pm->events_min_received, (unsigned long long) raw->events_min_received);
    }
    printf ("  %-28s %14llu %14llu\n", "events published", (unsigned long long) pm->events_expected,
            (unsigned long long) raw->events_expected);
    if (pm->has_commits && pm->commits && raw->commits)
        printf ("  %-28s %14.1f %14.1f\n", "requests per commit", (double) pm->requests / (double) pm->commits,
                (double) raw->requests / (double) raw->commits);
    /*  How much of the wall time the writer spent in LMDB's commit (page
     *  writes and flushes): the rest of pmod's is its own work, or waiting
     *  for requests. */
    if (pm->has_commits && pm->commit_s >= 0)
        printf ("  %-28s %14.2f %14.2f\n", "s in commits (writes+flush)", pm->commit_s, raw->commit_s);
    if (pm->run.acked && raw->run.acked)
        printf ("  %-28s %14.0f %14.0f\n", "bytes on disk per update", (double) pm->data_bytes / (double) pm->run.acked,
                (double) raw->data_bytes / (double) raw->run.acked);
    if (pm->run.acked && raw->run.acked)
    {
        printf ("  %-28s %14.0f %14.0f\n", "write() bytes per update", (double) pm->written / (double) pm->run.acked,
                (double) raw->written / (double) raw->run.acked);
        printf ("  %-28s %14.0f %14.0f\n", "device bytes per update", (double) pm->dev_written / (double) pm->run.acked,
                (double) raw->dev_written / (double) raw->run.acked);
    }
    printf ("  %-28s %14.2f %14s\n", "pmod CPU s (run)", pm->cpu_s, "-");
    printf ("  %-28s %14.1f %14s\n", "pmod peak RSS MiB", (double) pm->rss_kb / 1024.0, "-");
    printf ("  %-28s %14.1f %14s\n", "pmod RssAnon MiB (end)", (double) pm->rss_anon_kb / 1024.0, "-");
    printf ("  %-28s %14.2f %14.2f\n", "bench CPU s (agents, subs)", pm->bench_cpu_s, raw->cpu_s);
    printf ("  %-28s %14.1f %14s\n", "bench peak RSS MiB", (double) pm->bench_rss_kb / 1024.0, "-");
    if (raw->run.rate > 0)
        printf ("  pmod is %.1f %% of the raw limit\n", 100.0 * pm->run.rate / raw->run.rate);
    goal_t tg;
    if (s_goal (pm, raw, &tg)) {
        char commits[64] = "";
        if (pm->has_commits && pm->commit_s >= 0)
            snprintf (commits, sizeof commits, "its commits took %.2f s, and ", pm->commit_s);
        printf ("  at %.0f %% of it pmod would have %.2f s: %sits CPU could be at most %.2f s beside the "
                "bench's %.2f s on %ld cores (it used %.2f s)\n",
                PMO_TARGET_PCT, tg.wall_s, commits, tg.cpu_budget_s, pm->bench_cpu_s, tg.cores, pm->cpu_s);
    }
    if (pm->run.resent)
        printf ("  resent after a timeout: %llu\n", (unsigned long long) pm->run.resent);
    if (t->exact)
        printf ("  totals: exact (%llu updates, %lld minutes, %lld cents)\n", (unsigned long long) t->updates,
                (long long) t->minutes, (long long) t->money_minor);
    else
        printf ("  totals: %s: %s\n", t->checked ? "LOST/DUPLICATED" : "not checked", t->problem);
    if (log->exact)
        printf ("  event log: exact (%llu events: %llu updates, each once; %llu from pmod's own rules)\n",
                (unsigned long long) log->events, (unsigned long long) log->update_events,
                (unsigned long long) log->other_events);
    else
        printf ("  event log: %s: %s\n", log->checked ? "LOST/DUPLICATED" : "not checked", log->problem);
    /*  Live delivery, said in words: PUB drops past its high-water mark,
     *  which a subscriber fills from the log (pmo-notify does); the bench's
     *  subscribers only count, so a miss is reported, not a loss. */
    if (pm->events_expected && pm->events_min_received >= pm->events_expected)
        printf ("  subscribers: every one received all %llu events live\n",
                (unsigned long long) pm->events_expected);
    else if (pm->events_expected)
        printf ("  subscribers: the slowest missed %llu of %llu events live (PUB's high-water mark; "
                "the log has them)\n",
                (unsigned long long) (pm->events_expected - pm->events_min_received),
                (unsigned long long) pm->events_expected);
    fflush (stdout);
}

int
mode_ingest (bench_t *b)
{
    const opts_t *o = &b->o;
    world_t w;
    world_init (&w, o->projects ? o->projects : 100, 70, 20, (uint64_t) o->updates, o->agents);
    side_t pm, raw;
    memset (&pm, 0, sizeof pm);
    memset (&raw, 0, sizeof raw);
    totals_t totals;
    logcheck_t log;
    memset (&totals, 0, sizeof totals);
    memset (&log, 0, sizeof log);
    int rc = s_pmod_side (b, &w, &pm, &totals, &log);
    if (!rc)
        rc = s_raw_side (b, &w, &raw);
    if (!rc) {
        if (o->json) {
            json_object *j = json_object_new_object ();
            json_object_object_add (j, "agents", json_object_new_int (o->agents));
            json_object_object_add (j, "updates_per_agent", json_object_new_int (o->updates));
            json_object_object_add (j, "window", json_object_new_int (o->window));
            json_object_object_add (j, "subscribers", json_object_new_int (o->subscribers));
            json_object_object_add (j, "projects", json_object_new_int (w.n_projects));
            json_object_object_add (j, "days", json_object_new_int (w.n_days));
            json_object_object_add (j, "pmod", s_side_json (&pm, true));
            json_object_object_add (j, "raw", s_side_json (&raw, false));
            if (raw.run.rate > 0)
                json_object_object_add (j, "percent_of_raw", report_num (100.0 * pm.run.rate / raw.run.rate, 1));
            goal_t tg;
            if (s_goal (&pm, &raw, &tg)) {
                json_object *jg = json_object_new_object ();
                json_object_object_add (jg, "percent_of_raw", report_num (PMO_TARGET_PCT, 0));
                json_object_object_add (jg, "wall_s", report_num (tg.wall_s, 3));
                if (pm.has_commits && pm.commit_s >= 0)
                    json_object_object_add (jg, "pmod_commit_s", report_num (pm.commit_s, 3));
                json_object_object_add (jg, "pmod_cpu_budget_s", report_num (tg.cpu_budget_s, 2));
                json_object_object_add (jg, "pmod_cpu_s", report_num (pm.cpu_s, 2));
                json_object_object_add (jg, "cores", json_object_new_int64 (tg.cores));
                json_object_object_add (j, "target", jg);
            }
            json_object *jt = json_object_new_object ();
            json_object_object_add (jt, "exact", json_object_new_boolean (totals.exact));
            json_object_object_add (jt, "checked", json_object_new_boolean (totals.checked));
            json_object_object_add (jt, "updates", json_object_new_int64 ((int64_t) totals.updates));
            json_object_object_add (jt, "minutes", json_object_new_int64 (totals.minutes));
            json_object_object_add (jt, "money_minor", json_object_new_int64 (totals.money_minor));
            if (!totals.exact)
                json_object_object_add (jt, "problem", json_object_new_string (totals.problem));
            json_object_object_add (j, "totals", jt);
            json_object *jl = json_object_new_object ();
            json_object_object_add (jl, "exact", json_object_new_boolean (log.exact));
            json_object_object_add (jl, "checked", json_object_new_boolean (log.checked));
            if (!log.exact)
                json_object_object_add (jl, "problem", json_object_new_string (log.problem));
            json_object_object_add (jl, "events", json_object_new_int64 ((int64_t) log.events));
            json_object_object_add (jl, "update_events", json_object_new_int64 ((int64_t) log.update_events));
            json_object_object_add (jl, "other_events", json_object_new_int64 ((int64_t) log.other_events));
            json_object_object_add (jl, "missing", json_object_new_int64 ((int64_t) log.missing));
            json_object_object_add (jl, "duplicated", json_object_new_int64 ((int64_t) log.duplicated));
            json_object_object_add (j, "event_log", jl);
            json_object_object_add (b->doc, "ingest", j);
        } else
            s_print (b, &w, &pm, &raw, &totals, &log);
    }
    samples_free (&pm.run.ack);
    samples_free (&raw.run.ack);
    world_free (&w);
    return rc;
}
