/*  latency: a fixed offered load against a real pmod.  For each rate the
 *  agents share it (each paced by the monotonic clock, their schedules
 *  interleaved) for --duration seconds; ack latency is measured from the
 *  actual send.  Then the one-shot: the real pmo-agent, start to exit,
 *  booking one time entry through its outbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "bench.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

typedef struct {
    int64_t offered;
    run_t run;
    pct_t ack;
} rate_t;

int
mode_latency (bench_t *b)
{
    const opts_t *o = &b->o;
    uint64_t per_agent_max = 0;
    for (size_t i = 0; i < o->n_rates; i++)
        per_agent_max += (uint64_t) (o->rates[i] * o->duration_s / o->agents + 1);
    world_t w;
    world_init (&w, o->projects ? o->projects : 100, 70, 20, per_agent_max, o->agents);
    pmod_t p;
    int rc = bench_portfolio_up (b, "latency", &w, bench_map_mb (per_agent_max * (uint64_t) o->agents), &p);
    if (rc) {
        world_free (&w);
        return rc;
    }
    agent_t *agents = pmo_calloc ((size_t) o->agents, sizeof *agents);
    for (int i = 0; i < o->agents; i++) {
        agent_init (&agents[i], &w, i, "bench-l");
        gen_init (&agents[i].gen, &w, i, o->agents);
        agents[i].endpoint = p.endpoint;
        agents[i].target = TARGET_PMOD;
        agents[i].window = o->window;
        agents[i].record = true;
    }
    rate_t *rates = pmo_calloc (o->n_rates, sizeof *rates);
    for (size_t r = 0; r < o->n_rates && !b->failed; r++) {
        rate_t *rt = &rates[r];
        rt->offered = o->rates[r];
        bench_note ("latency: %lld updates/s for %d s", (long long) rt->offered, o->duration_s);
        int64_t interval = (int64_t) o->agents * 1000000000LL / rt->offered;
        int64_t start = pmo_clock_mono_ns () + 20000000;
        for (int i = 0; i < o->agents; i++) {
            agents[i].count = (uint64_t) (rt->offered * o->duration_s / o->agents);
            if (!agents[i].count)
                agents[i].count = 1;
            agents[i].interval_ns = interval;
            agents[i].start_ns = start + interval * i / o->agents;
        }
        load_run (agents, o->agents, &rt->run);
        if (rt->run.failed)
            bench_fail (b, false, "latency at %lld/s: %s", (long long) rt->offered, rt->run.why);
        samples_percentiles (&rt->run.ack, &rt->ack);
    }

    /*  One-shots: pmo-agent time, start to exit, each its own update. */
    samples_t shots = {0};
    pct_t shot;
    char state[320], out[320], minutes[16];
    snprintf (state, sizeof state, "%s/agent-state", p.dir);
    snprintf (out, sizeof out, "%s/pmo-agent.log", p.dir);
    snprintf (minutes, sizeof minutes, "%d", 5);
    /*  A day before every date the agents use: no person-day overflow. */
    int64_t now_ms;
    pmo_datetime_parse (BENCH_NOW, &now_ms);
    char date[11];
    pmo_date_format (pmo_date_from_ms (now_ms) - w.n_days - 5, date);
    int shots_ok = 0;
    long shot_peak_kb = 0;
    if (o->oneshots)
        bench_note ("latency: %d one-shot pmo-agent runs, and one more for its peak RSS", o->oneshots);
    const char *shot_argv[] = {o->agent, "--endpoint", p.endpoint, "--agent", "bench-oneshot", "--state", state,
                               "--timeout", "30000", "time", "--person", w.people[0], "--project", w.projects[0],
                               "--minutes", minutes, "--date", date, "--activity", "dev", NULL};
    /*  Its own run: a timed run is spawned sharing the bench's memory until
     *  exec, which ru_maxrss would count (env.c). */
    if (o->oneshots) {
        int st = env_run_peak_rss (shot_argv, out, 60000, &shot_peak_kb);
        if (st != 0)
            bench_fail (b, false, "pmo-agent time: exit status %d (see %s)", st, out);
        else
            shots_ok++;
    }
    for (int i = 0; i < o->oneshots && !b->failed; i++) {
        int64_t ns;
        int st = env_run_timed (shot_argv, out, 60000, &ns);
        if (st != 0) {
            bench_fail (b, false, "pmo-agent time: exit status %d (see %s)", st, out);
            break;
        }
        samples_add (&shots, ns);
        shots_ok++;
    }
    samples_percentiles (&shots, &shot);

    /*  pmo-agent run, idle: nothing in its spool, connected, heartbeating. */
    long idle_kb = 0, idle_anon_kb = 0;
    if (o->oneshots && !b->failed) {
        char spool[320], idle_state[320];
        snprintf (spool, sizeof spool, "%s/agent-spool", p.dir);
        snprintf (idle_state, sizeof idle_state, "%s/agent-idle-state", p.dir);
        mkdir (spool, 0700);
        const char *argv[] = {o->agent, "--endpoint", p.endpoint, "--agent", "bench-idle", "--state", idle_state,
                              "run", "--spool", spool, NULL};
        if (env_idle_rss (argv, out, 1500, &idle_kb, &idle_anon_kb) != 0)
            bench_note ("latency: pmo-agent run did not stay up to be measured (see %s)", out);
    }

    /*  Totals: the paced updates plus the one-shots. */
    sums_t *expect = pmo_calloc ((size_t) w.n_projects, sizeof *expect);
    for (int i = 0; i < o->agents; i++)
        for (int j = 0; j < w.n_projects; j++) {
            const sums_t *s = &agents[i].sums[j];
            expect[j].minutes += s->minutes;
            expect[j].labour_minor += s->labour_minor;
            expect[j].cost_minor += s->cost_minor;
            expect[j].time_entries += s->time_entries;
            expect[j].cost_entries += s->cost_entries;
            expect[j].progress_updates += s->progress_updates;
        }
    expect[0].minutes += 5 * shots_ok;
    expect[0].labour_minor += 5 * (w.rate_minor[0] / 60) * shots_ok;
    expect[0].time_entries += (uint64_t) shots_ok;
    totals_t totals;
    rc = check_totals (p.endpoint, &w, expect, &totals);
    free (expect);
    if (rc)
        bench_fail (b, false, "latency totals: %s", totals.problem);
    else if (!totals.exact)
        bench_fail (b, true, "LOST/DUPLICATED: %s", totals.problem);
    env_pmod_stop (&p);

    if (o->json) {
        json_object *j = json_object_new_object ();
        json_object_object_add (j, "agents", json_object_new_int (o->agents));
        json_object_object_add (j, "window", json_object_new_int (o->window));
        json_object_object_add (j, "duration_s", json_object_new_int (o->duration_s));
        json_object *arr = json_object_new_array ();
        for (size_t r = 0; r < o->n_rates; r++) {
            json_object *x = json_object_new_object ();
            json_object_object_add (x, "offered_per_s", json_object_new_int64 (rates[r].offered));
            json_object_object_add (x, "achieved_per_s", report_num (rates[r].run.rate, 0));
            json_object_object_add (x, "updates", json_object_new_int64 ((int64_t) rates[r].run.acked));
            json_object_object_add (x, "ack_ms", report_pct (&rates[r].ack));
            json_object_object_add (x, "max_send_lag_ms", report_num ((double) rates[r].run.max_lag_ns / 1e6, 3));
            json_object_array_add (arr, x);
        }
        json_object_object_add (j, "rates", arr);
        json_object *js = report_pct (&shot);
        json_object_object_add (j, "oneshot_ms", js);
        json_object_object_add (j, "oneshot_peak_rss_kb", json_object_new_int64 (shot_peak_kb));
        json_object_object_add (j, "agent_idle_rss_kb", json_object_new_int64 (idle_kb));
        json_object_object_add (j, "agent_idle_rss_anon_kb", json_object_new_int64 (idle_anon_kb));
        json_object *jt = json_object_new_object ();
        json_object_object_add (jt, "exact", json_object_new_boolean (totals.exact));
        json_object_object_add (jt, "checked", json_object_new_boolean (totals.checked));
        if (!totals.exact)
            json_object_object_add (jt, "problem", json_object_new_string (totals.problem));
        json_object_object_add (jt, "updates", json_object_new_int64 ((int64_t) totals.updates));
        json_object_object_add (jt, "minutes", json_object_new_int64 (totals.minutes));
        json_object_object_add (jt, "money_minor", json_object_new_int64 (totals.money_minor));
        json_object_object_add (j, "totals", jt);
        json_object_object_add (b->doc, "latency", j);
    } else {
        printf ("\nlatency: %d agents, window %d, %d projects, %d s per rate; ack latency from the actual send\n",
                o->agents, o->window, w.n_projects, o->duration_s);
        printf ("  %12s %12s %10s %10s %10s %10s %12s\n", "offered/s", "achieved/s", "p50 ms", "p99 ms",
                "p99.9 ms", "max ms", "max lag ms");
        for (size_t r = 0; r < o->n_rates; r++)
            printf ("  %12lld %12.0f %10.3f %10.3f %10.3f %10.3f %12.3f\n", (long long) rates[r].offered,
                    rates[r].run.rate, rates[r].ack.p50_ms, rates[r].ack.p99_ms, rates[r].ack.p999_ms,
                    rates[r].ack.max_ms, (double) rates[r].run.max_lag_ns / 1e6);
        if (shot.n)
            printf ("  one-shot pmo-agent time (start to exit, %zu runs): p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                    "peak RSS %.1f MiB\n",
                    shot.n, shot.p50_ms, shot.p99_ms, shot.max_ms, (double) shot_peak_kb / 1024.0);
        if (idle_kb)
            printf ("  pmo-agent run, idle: RSS %.1f MiB (anonymous %.1f MiB; the rest is shared code)\n",
                    (double) idle_kb / 1024.0, (double) idle_anon_kb / 1024.0);
        if (totals.exact)
            printf ("  totals: exact (%llu updates, %lld minutes, %lld cents)\n", (unsigned long long) totals.updates,
                    (long long) totals.minutes, (long long) totals.money_minor);
        else
            printf ("  totals: %s: %s\n", totals.checked ? "LOST/DUPLICATED" : "not checked", totals.problem);
        fflush (stdout);
    }
    for (size_t r = 0; r < o->n_rates; r++)
        samples_free (&rates[r].run.ack);
    free (rates);
    samples_free (&shots);
    for (int i = 0; i < o->agents; i++)
        agent_free (&agents[i]);
    free (agents);
    world_free (&w);
    return PMO_OK;
}
