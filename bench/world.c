/*  world: the synthetic portfolio and the updates the agents send.
 *
 *  50 people in 5 teams with hourly rates (multiples of 60 minor units, so
 *  a booking's labour cost is exact), P projects in 10 programmes of one
 *  portfolio.  Updates are a mix of time entries (5..60 minutes), cost
 *  entries (integer minor units) and progress updates.
 *
 *  No person ever books more than 24 h on one day: the person-day cells
 *  (person x day) are split among the agents (agent a owns cells a, a + N,
 *  a + 2N, ...) and each agent fills its own cells round robin, at most 24
 *  entries of at most 60 minutes per cell.  The world has as many days as
 *  that needs (at least 300), all before the fixed "today".
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "pmo/pmo_date.h"

static const char *const s_activities[] = {"dev", "test", "review", "meeting"};

void
world_init (world_t *w, int n_projects, int pct_time, int pct_cost, uint64_t max_per_agent, int n_agents)
{
    memset (w, 0, sizeof *w);
    w->n_projects = n_projects;
    w->pct_time = pct_time;
    w->pct_cost = pct_cost;
    /*  Cells one agent needs, then days so that every agent owns as many. */
    uint64_t cells_per_agent = (max_per_agent + BENCH_ENTRIES_PER_CELL - 1) / BENCH_ENTRIES_PER_CELL;
    uint64_t days = (cells_per_agent * (uint64_t) n_agents + BENCH_PEOPLE - 1) / BENCH_PEOPLE + 1;
    w->n_days = days < BENCH_MIN_DAYS ? BENCH_MIN_DAYS : (int) days;

    w->projects = pmo_calloc ((size_t) n_projects, sizeof *w->projects);
    for (int i = 0; i < n_projects; i++)
        snprintf (w->projects[i], sizeof w->projects[i], "P%05d", i + 1);
    int64_t now_ms;
    pmo_datetime_parse (BENCH_NOW, &now_ms);
    int32_t today = pmo_date_from_ms (now_ms);
    w->dates = pmo_calloc ((size_t) w->n_days, sizeof *w->dates);
    for (int d = 0; d < w->n_days; d++)
        pmo_date_format (today - 1 - d, w->dates[d]);
    for (int i = 0; i < BENCH_PEOPLE; i++) {
        snprintf (w->people[i], sizeof w->people[i], "E%03d", i + 1);
        w->rate_minor[i] = 60 * (60 + (i * 37) % 90);  /* 36.00 .. 89.40 per hour */
    }
}

void
world_free (world_t *w)
{
    pmo_freen (w->projects);
    pmo_freen (w->dates);
}

static uint64_t
s_rand (gen_t *g)
{
    /*  xorshift64*: fast, and the same sequence for the same agent. */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static uint32_t
s_below (gen_t *g, uint32_t n)
{
    return (uint32_t) ((s_rand (g) >> 32) % n);
}

void
gen_init (gen_t *g, const world_t *w, int agent, int n_agents)
{
    memset (g, 0, sizeof *g);
    g->rng = 0x9E3779B97F4A7C15ULL ^ ((uint64_t) (agent + 1) * 0xD1B54A32D192ED03ULL);
    g->agent = agent;
    g->n_agents = n_agents;
    uint64_t total = (uint64_t) w->n_days * BENCH_PEOPLE;
    g->cells = (total - (uint64_t) agent + (uint64_t) n_agents - 1) / (uint64_t) n_agents;
}

/*  The k-th time entry's cell: a stride walk over this agent's cells so
 *  consecutive entries land on different people and days. */
static uint64_t
s_cell (const gen_t *g, uint64_t k)
{
    uint64_t stride = 7919;  /* prime; fall back to 1 when it divides cells */
    if (g->cells % stride == 0)
        stride = 1;
    uint64_t j = (k % g->cells) * stride % g->cells;
    return (uint64_t) g->agent + j * (uint64_t) g->n_agents;
}

void
gen_next (gen_t *g, const world_t *w, upd_t *u)
{
    memset (u, 0, sizeof *u);
    uint32_t roll = s_below (g, 100);
    u->project = s_below (g, (uint32_t) w->n_projects);
    if (roll < (uint32_t) w->pct_time) {
        u->kind = UPD_TIME;
        uint64_t cell = s_cell (g, g->time_k);
        if (g->time_k / g->cells >= BENCH_ENTRIES_PER_CELL)
            abort ();  /* world_init sized the days for this: a bug if reached */
        g->time_k++;
        u->person = (uint32_t) (cell % BENCH_PEOPLE);
        u->day = (uint32_t) (cell / BENCH_PEOPLE);
        u->minutes = 5 + (int32_t) s_below (g, 56);
        u->activity = (uint8_t) s_below (g, PMO_ARRAY_LEN (s_activities));
    } else if (roll < (uint32_t) (w->pct_time + w->pct_cost)) {
        u->kind = UPD_COST;
        u->day = s_below (g, (uint32_t) w->n_days);
        u->amount_minor = 100 + (int64_t) s_below (g, 99901);  /* 1.00 .. 1000.00 */
        u->category = 1 + (int) s_below (g, 5);
    } else {
        u->kind = UPD_PROGRESS;
        u->percent_bp = (int32_t) s_below (g, 10001);
    }
}

void
sums_add (sums_t *s, const world_t *w, const upd_t *u)
{
    sums_t *p = &s[u->project];
    switch (u->kind) {
    case UPD_TIME:
        p->minutes += u->minutes;
        p->labour_minor += u->minutes * (w->rate_minor[u->person] / 60);
        p->time_entries++;
        break;
    case UPD_COST:
        p->cost_minor += u->amount_minor;
        p->cost_entries++;
        break;
    case UPD_PROGRESS:
        p->progress_updates++;
        break;
    }
}

void
world_request (const world_t *w, const upd_t *u, const char *agent, uint64_t seq, int64_t t_ns,
               reqbuf_t *rb)
{
    pmo__request__init (&rb->req);
    pmo__update_id__init (&rb->id);
    pmo_strlcpy (rb->agent, agent, sizeof rb->agent);
    rb->id.agent = rb->agent;
    rb->id.has_seq = true;
    rb->id.seq = seq;
    rb->req.update = &rb->id;
    snprintf (rb->note, sizeof rb->note, "t=%lld", (long long) t_ns);
    switch (u->kind) {
    case UPD_TIME:
        pmo__time_entry__init (&rb->time);
        rb->time.person = (char *) w->people[u->person];
        rb->time.project = (char *) w->projects[u->project];
        rb->time.date = (char *) w->dates[u->day];
        rb->time.has_minutes = true;
        rb->time.minutes = u->minutes;
        rb->time.activity = (char *) s_activities[u->activity];
        rb->time.note = rb->note;
        rb->req.body_case = PMO__REQUEST__BODY_TIME;
        rb->req.time = &rb->time;
        break;
    case UPD_COST:
        pmo__cost_entry__init (&rb->cost);
        rb->cost.project = (char *) w->projects[u->project];
        rb->cost.date = (char *) w->dates[u->day];
        rb->cost.has_amount_minor = true;
        rb->cost.amount_minor = u->amount_minor;
        rb->cost.currency = (char *) BENCH_CURRENCY;
        rb->cost.has_category = true;
        rb->cost.category = (Pmo__CostCategory) u->category;
        rb->cost.note = rb->note;
        rb->req.body_case = PMO__REQUEST__BODY_COST;
        rb->req.cost = &rb->cost;
        break;
    case UPD_PROGRESS:
        pmo__progress__init (&rb->progress);
        rb->progress.project = (char *) w->projects[u->project];
        rb->progress.has_percent_bp = true;
        rb->progress.percent_bp = u->percent_bp;
        rb->progress.note = rb->note;
        rb->req.body_case = PMO__REQUEST__BODY_PROGRESS;
        rb->req.progress = &rb->progress;
        break;
    }
}
