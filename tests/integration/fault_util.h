/*  fault_util: a portfolio and spool workloads shared by the fault tests.
 *  Records are spread over people and days so no person-day passes 24 h,
 *  and the expected totals are computed while the files are written. */
#ifndef PMO_TEST_FAULT_UTIL_H
#define PMO_TEST_FAULT_UTIL_H

#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "pmo/pmo_client.h"

#define N_PEOPLE 10

/*  Sanitizer builds run ten times slower: the same tests, a tenth of the
 *  load, and time bounds ten times wider (timings are not their point). */
#ifdef PMO_SANITIZED
#define LOAD_SCALE 10
#else
#define LOAD_SCALE 1
#endif

typedef struct {
    long long minutes;
    long long cost_minor;
    long long records;
} expect_t;

/*  Team T, people p0..p9 at 60.00 EUR/h, project code (active). */
static inline int
fault_setup (const char *code)
{
    run_t r = RUN (PMOCTL_BIN, "team", "add", "T", "--name", "Load");
    int bad = r.status;
    run_free (&r);
    for (int i = 0; i < N_PEOPLE; i++) {
        char id[16];
        snprintf (id, sizeof id, "p%d", i);
        r = RUN (PMOCTL_BIN, "person", "add", id, "--name", id, "--team", "T", "--rate", "60.00 EUR");
        bad |= r.status;
        run_free (&r);
    }
    r = RUN (PMOCTL_BIN, "project", "add", code, "--name", "Load", "--team", "T", "--start", "2025-01-01",
             "--finish", "2026-12-31", "--budget", "9000000000.00 EUR");
    bad |= r.status;
    run_free (&r);
    return bad;
}

/*  Writes n records for agent `a` into dir/NAME.jsonl: time entries of
 *  5..25 minutes and, every 5th record, a cost of 1..97 cents. */
static inline void
fault_spool (const char *dir, const char *code, int a, int n, expect_t *x)
{
    mkdir (dir, 0700);
    char path[600], tmp[620];
    snprintf (path, sizeof path, "%s/load-%d.jsonl", dir, a);
    snprintf (tmp, sizeof tmp, "%s/.load-%d.tmp", dir, a);
    FILE *f = fopen (tmp, "w");
    if (!f)
        return;
    for (int i = 0; i < n; i++) {
        int k = a * 100003 + i;
        /*  2025-01-01 plus up to 600 days: 2026-08-24 at the latest. */
        int day = k % 600, y = 2025, m = 1, d = 1 + day;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        while (d > mdays[m - 1]) {
            d -= mdays[m - 1];
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        if (i % 5 == 4) {
            int cents = 1 + k % 97;
            fprintf (f, "{\"type\":\"cost\",\"project\":\"%s\",\"date\":\"%04d-%02d-%02d\",\"amount_minor\":%d}\n",
                     code, y, m, d, cents);
            x->cost_minor += cents;
        } else {
            int minutes = 5 + k % 21;
            fprintf (f,
                     "{\"type\":\"time\",\"person\":\"p%d\",\"project\":\"%s\",\"date\":\"%04d-%02d-%02d\","
                     "\"minutes\":%d}\n",
                     k % N_PEOPLE, code, y, m, d, minutes);
            x->minutes += minutes;
            x->cost_minor += minutes * 100;  /* 60.00 EUR/h = 100 cents a minute */
        }
        x->records++;
    }
    fclose (f);
    rename (tmp, path);
}

/*  The project's totals: minutes and all money (labour + costs). */
static inline int
fault_totals (const char *code, long long *minutes, long long *money, long long *entries)
{
    json_object *j = RUN_JSON (PMOCTL_BIN, "project", "show", code, "--json");
    if (!j)
        return -1;
    *minutes = json_int (j, "totals.minutes");
    *money = json_int (j, "totals.labour_minor") + json_int (j, "totals.cost_minor");
    *entries = json_int (j, "totals.time_entries") + json_int (j, "totals.cost_entries");
    json_object_put (j);
    return 0;
}

/*  pmod's newest seq, or 0 when it does not answer. */
static inline uint64_t
fault_last_seq (const char *endpoint)
{
    pmo_client_t *c = NULL;
    if (pmo_client_open (endpoint, &c))
        return 0;
    Pmo__Request req = PMO__REQUEST__INIT;
    Pmo__Ping ping = PMO__PING__INIT;
    req.body_case = PMO__REQUEST__BODY_PING;
    req.ping = &ping;
    Pmo__Reply *reply = NULL;
    uint64_t seq = 0;
    if (pmo_client_call (c, &req, 1000, &reply) == 0 && reply->pong)
        seq = reply->pong->last_seq;
    pmo_wire_free (reply);
    pmo_client_close (&c);
    return seq;
}

#endif
