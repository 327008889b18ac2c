/*  57-agent-ids: one agent id, several state directories, one pmod.  pmod
 *  dedups on (agent id, seq), so a new outbox must not reuse the seqs an
 *  earlier one of the same id sent (its seqs start at the clock in
 *  microseconds):
 *    - a daemon (`run`, state A) sends spool files while one-shots of the
 *      same agent id run without --state (the default state) and with a
 *      brand-new --state: every update is booked, exact totals;
 *    - a restored copy of a state directory does reuse seqs: its update is
 *      answered "duplicate" on its first send, not booked, and pmo-agent
 *      says so on stderr (the id was already used). */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"

#define CTL PMOCTL_BIN
#define AGENT PMO_AGENT_BIN

/*  One of APOLLO's totals ("minutes", "time_entries"); -1 when unread. */
static long long
s_total (const char *field)
{
    char path[64];
    snprintf (path, sizeof path, "totals.%s", field);
    json_object *j = RUN_JSON (CTL, "project", "show", "APOLLO", "--json");
    long long v = j ? json_int (j, path) : -1;
    json_object_put (j);
    return v;
}

/*  Waits up to 15 s for the project's minutes to reach want. */
static long long
s_minutes_reach (long long want)
{
    int64_t until = pmo_clock_mono_ms () + 15000;
    long long got = s_total ("minutes");
    while (got < want && pmo_clock_mono_ms () < until) {
        usleep (100000);
        got = s_total ("minutes");
    }
    return got;
}

static void
s_spool_file (const char *spool, const char *name, const char *text)
{
    char path[600];
    snprintf (path, sizeof path, "%s/%s", spool, name);
    CHECK (write_file (path, text) == 0);
}

/*  A one-shot of agent a1 booking minutes (state NULL: the default);
 *  returns its exit status and its stderr in *err (owned). */
static int
s_book (const char *state, const char *minutes, char **err)
{
    const char *argv[] = {AGENT, "--agent", "a1", "time", "--person", "ana", "--project", "APOLLO",
                          "--minutes", minutes, "--date", "2026-11-20",
                          state ? "--state" : NULL, state, NULL};
    run_t r = run_argv (argv);
    *err = r.err;
    free (r.out);
    return r.status;
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "agent-ids") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    run_ok (RUN (CTL, "team", "add", "T1", "--name", "Apollo team"));
    run_ok (RUN (CTL, "person", "add", "ana", "--name", "Ana", "--team", "T1", "--rate", "60.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--team", "T1", "--start", "2026-01-01",
               "--finish", "2026-12-31", "--budget", "120000.00 EUR"));

    char state_a[400], state_c[400], state_default[400], state_copy[400], spool[400], log[400];
    snprintf (state_a, sizeof state_a, "%s/state-daemon", e.dir);
    snprintf (state_c, sizeof state_c, "%s/state-new", e.dir);
    snprintf (state_default, sizeof state_default, "%s/agent-state", e.dir);
    snprintf (state_copy, sizeof state_copy, "%s/state-restored", e.dir);
    snprintf (spool, sizeof spool, "%s/spool", e.dir);
    snprintf (log, sizeof log, "%s/daemon.log", e.dir);
    mkdir (spool, 0700);

    /*  The daemon of a1 books a spool file. */
    const char *daemon_argv[] = {AGENT, "--agent", "a1", "--state", state_a, "run", "--spool", spool,
                                 "--poll", "100", NULL};
    pid_t daemon = proc_spawn (daemon_argv, log);
    REQUIRE (daemon > 0);
    s_spool_file (spool, "a.jsonl",
                  "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2026-11-20\",\"minutes\":60}\n"
                  "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2026-11-20\",\"minutes\":30}\n");
    CHECK_EQ_I64 (s_minutes_reach (90), 90);

    /*  A one-shot of a1 beside it, in the default state directory: booked. */
    char *err = NULL;
    CHECK_EQ_I64 (s_book (NULL, "45", &err), 0);
    CHECK (!err || !strstr (err, "already used"));
    free (err);
    CHECK_EQ_I64 (s_total ("minutes"), 135);

    /*  The daemon goes on, and a one-shot in a brand-new state directory. */
    s_spool_file (spool, "b.jsonl",
                  "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"date\":\"2026-11-20\",\"minutes\":20}\n");
    CHECK_EQ_I64 (s_minutes_reach (155), 155);
    CHECK_EQ_I64 (s_book (state_c, "15", &err), 0);
    free (err);
    CHECK_EQ_I64 (s_book (NULL, "7", &err), 0);
    free (err);
    CHECK_EQ_I64 (s_total ("minutes"), 177);
    CHECK_EQ_I64 (s_total ("time_entries"), 6);
    CHECK (kill (daemon, SIGTERM) == 0);
    CHECK_EQ_I64 (proc_wait (daemon, 10000), 0);

    /*  A restored copy of the default state reuses the seq the original
     *  sends next: booked once, by whichever sends first; the other is
     *  told so on stderr. */
    run_ok (RUN ("/bin/cp", "-a", state_default, state_copy));
    CHECK_EQ_I64 (s_book (NULL, "10", &err), 0);
    free (err);
    CHECK_EQ_I64 (s_book (state_copy, "5", &err), 0);
    CHECK (err && strstr (err, "answered \"duplicate\" on its first send, so it was NOT booked: "
                               "agent id a1 already used this seq (another state directory for "
                               "the same agent id?)"));
    if (!err || !strstr (err, "already used"))
        fprintf (stderr, "stderr: %s\n", err ? err : "(none)");
    free (err);
    CHECK_EQ_I64 (s_total ("minutes"), 187);
    CHECK_EQ_I64 (s_total ("time_entries"), 7);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
