/*  74-agent-ref-order: an agent's updates of one ref (a booking, then its
 *  correction or its void) take effect in seq order when pmod answers some
 *  of them "busy".  pmod's rate limit answers busy to a part of the
 *  agent's window and accepts later updates of it; the agent sends the
 *  busy ones again after its hold.  Had a correction or a void been in
 *  flight beside the booking it follows, it could be applied first: the
 *  late booking then undid the correction, or was booked after its void
 *  was refused ("nothing booked under it").  Every ref's last word must
 *  count, exactly once: the corrected entries at 20 minutes, the voided
 *  ones not at all, no record rejected. */
#include <stdio.h>
#include <stdlib.h>

#include "fault_util.h"
#include "harness.h"

#define N_REFS 400
#define GROUP 10                 /* refs booked, then corrected or voided */

/*  Bookings of GROUP refs at 10 minutes, then each even ref corrected to
 *  20 minutes and each odd one voided: both updates of a ref in one
 *  window of the agent. */
static void
s_spool (const char *dir)
{
    mkdir (dir, 0700);
    char path[600], tmp[620];
    snprintf (path, sizeof path, "%s/refs.jsonl", dir);
    snprintf (tmp, sizeof tmp, "%s/.refs.tmp", dir);
    FILE *f = fopen (tmp, "w");
    if (!f)
        return;
    for (int g = 0; g < N_REFS; g += GROUP) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = g; i < g + GROUP; i++) {
                char head[160];
                snprintf (head, sizeof head,
                          "\"person\":\"p%d\",\"project\":\"LOAD\",\"date\":\"2026-%02d-%02d\"", i % N_PEOPLE,
                          1 + i % 10, 1 + (i / 10) % 28);
                if (pass == 0)
                    fprintf (f, "{\"type\":\"time\",%s,\"minutes\":10,\"ref\":\"r%d\"}\n", head, i);
                else if (i % 2 == 0)
                    fprintf (f, "{\"type\":\"time\",%s,\"minutes\":20,\"ref\":\"r%d\"}\n", head, i);
                else
                    fprintf (f, "{\"type\":\"void\",\"ref\":\"r%d\"}\n", i);
            }
        }
    }
    fclose (f);
    rename (tmp, path);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "agent-ref-order") == 0);
    /*  A burst below the agent's window, refilled within its sends. */
    const char *args[] = {"--now", "2026-11-22T12:00:00Z", "--rate-limit", "1000", "--burst", "8", NULL};
    REQUIRE (tenv_pmod_start (&e, args) == 0);
    REQUIRE (fault_setup ("LOAD") == 0);

    char spool[400], state[400], log[420], errors[460];
    snprintf (spool, sizeof spool, "%s/spool", e.dir);
    snprintf (state, sizeof state, "%s/state", e.dir);
    snprintf (log, sizeof log, "%s/agent.log", e.dir);
    snprintf (errors, sizeof errors, "%s/rejected/refs.jsonl.errors", spool);
    s_spool (spool);
    const char *argv[] = {PMO_AGENT_BIN, "--agent", "refs", "--state", state, "--timeout", "60000", "run",
                          "--once", "--spool", spool, "--resend", "100", NULL};
    CHECK_EQ_I64 (proc_wait (proc_spawn (argv, log), 120000), 0);

    /*  The race was run: pmod did answer busy. */
    char *text = read_file (log);
    CHECK (text && strstr (text, "slow down") != NULL);
    free (text);

    long long minutes, money, entries;
    REQUIRE (fault_totals ("LOAD", &minutes, &money, &entries) == 0);
    fprintf (stderr, "minutes %lld money %lld entries %lld\n", minutes, money, entries);
    CHECK_EQ_I64 (entries, N_REFS / 2);
    CHECK_EQ_I64 (minutes, 20 * (N_REFS / 2));
    CHECK_EQ_I64 (money, 100 * 20 * (N_REFS / 2));
    text = read_file (errors);
    CHECK (text == NULL);
    if (text)
        fprintf (stderr, "rejected:\n%.600s\n", text);
    free (text);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
