/*  70-bench: pmo-bench, the performance program, on a small run of every
 *  mode.  It starts its own pmod, agents and subscribers, runs the raw
 *  limit beside them and says whether anything was lost or counted twice.
 *  Checked in its --json: every update sent was acknowledged and stored
 *  exactly once (totals and event log) by pmod, the raw loop acknowledged
 *  as many, the commit counts and the time in commits are reported for
 *  both, the latency mode's paced updates and one-shots all arrived, and
 *  the query mode loaded and checked its entries.  No timing is asserted:
 *  speed is shown by the program's figures, never by a test. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "harness.h"

static bool
s_bool (json_object *root, const char *path)
{
    json_object *o = json_get (root, path);
    return o && json_object_get_boolean (o);
}

static double
s_double (json_object *root, const char *path)
{
    json_object *o = json_get (root, path);
    return o ? json_object_get_double (o) : -1;
}

int
main (void)
{
    json_object *j = RUN_JSON (PMO_BENCH_BIN, "--mode", "all", "--agents", "2", "--updates", "300", "--rates", "200",
                               "--duration", "1", "--oneshots", "2", "--entries", "2000", "--projects", "50",
                               "--runs", "1", "--json", "--pmod", PMOD_BIN, "--pmoctl", PMOCTL_BIN, "--pmo-agent",
                               PMO_AGENT_BIN);
    REQUIRE (j != NULL);

    /*  Ingest: 2 agents x 300 updates, to pmod and to the raw loop. */
    CHECK_EQ_I64 (json_int (j, "ingest.pmod.updates"), 600);
    CHECK_EQ_I64 (json_int (j, "ingest.raw.updates"), 600);
    CHECK (s_bool (j, "ingest.totals.exact"));
    CHECK_EQ_I64 (json_int (j, "ingest.totals.updates"), 600);
    CHECK (s_bool (j, "ingest.event_log.exact"));
    CHECK_EQ_I64 (json_int (j, "ingest.event_log.update_events"), 600);
    CHECK_EQ_I64 (json_int (j, "ingest.event_log.missing"), 0);
    CHECK_EQ_I64 (json_int (j, "ingest.event_log.duplicated"), 0);
    /*  Every subscriber got every event pmod published. */
    CHECK_EQ_I64 (json_int (j, "ingest.pmod.events_received_min"), json_int (j, "ingest.pmod.events_expected"));
    CHECK (json_int (j, "ingest.pmod.commits") > 0 && json_int (j, "ingest.raw.commits") > 0);
    CHECK (s_double (j, "ingest.pmod.commit_s") > 0);
    CHECK (s_double (j, "ingest.raw.commit_s") > 0);
    CHECK (s_double (j, "ingest.percent_of_raw") > 0);
    /*  What 70 % of the raw limit would leave pmod: the wall time that rate
     *  allows, and the cores' CPU in it less the bench's own. */
    double raw_wall = s_double (j, "ingest.raw.wall_s"), goal_wall = s_double (j, "ingest.target.wall_s");
    CHECK_EQ_I64 (json_int (j, "ingest.target.percent_of_raw"), 70);
    CHECK (raw_wall > 0 && fabs (goal_wall - raw_wall / 0.7) < 0.002);
    double budget = (double) json_int (j, "ingest.target.cores") * goal_wall - s_double (j, "ingest.pmod.bench_cpu_s");
    CHECK (fabs (s_double (j, "ingest.target.pmod_cpu_budget_s") - budget) < 0.02);
    CHECK (s_double (j, "ingest.target.pmod_commit_s") == s_double (j, "ingest.pmod.commit_s"));

    /*  Latency: 200 paced updates, 2 timed one-shots and the peak-RSS one. */
    CHECK_EQ_I64 (json_int (j, "latency.rates.0.updates"), 200);
    CHECK_EQ_I64 (json_int (j, "latency.oneshot_ms.n"), 2);
    CHECK (s_bool (j, "latency.totals.exact"));
    CHECK_EQ_I64 (json_int (j, "latency.totals.updates"), 203);
    CHECK (json_int (j, "latency.agent_idle_rss_kb") > 0);

    /*  Query: 2,000 entries on 50 projects, loaded and checked. */
    CHECK_EQ_I64 (json_int (j, "query.steps.0.entries"), 2000);
    CHECK (s_bool (j, "query.steps.0.totals_exact"));
    CHECK (s_double (j, "query.steps.0.status_warm_ms") > 0);
    json_object_put (j);
    return harness_report ();
}
