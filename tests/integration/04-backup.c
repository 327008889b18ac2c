/*  04-backup: a backup taken while pmod serves is consistent and complete:
 *  a second pmod started from it shows every figure and the same last seq;
 *  an existing target is refused and a relative path is refused. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "client_util.h"
#include "harness.h"
#include "proc.h"

static int
s_backup (pmo_client_t *c, const char *path, char *reason)
{
    Pmo__Backup b = PMO__BACKUP__INIT;
    b.path = (char *) path;
    REQ (req, BACKUP, backup, &b);
    return call_status (c, &req, reason, 200);
}

static void
s_totals (pmo_client_t *c, int64_t *minutes, int64_t *cost, uint64_t *last_seq)
{
    Pmo__ProjectQuery q = PMO__PROJECT_QUERY__INIT;
    q.code = (char *) "BK";
    REQ (req, PROJECT_SHOW, project_show, &q);
    Pmo__Reply *r = call (c, &req);
    *minutes = r && r->project ? r->project->totals->minutes : -1;
    *cost = r && r->project ? r->project->totals->cost_minor + r->project->totals->labour_minor : -1;
    pmo_wire_free (r);
    Pmo__Ping ping = PMO__PING__INIT;
    REQ (preq, PING, ping, &ping);
    r = call (c, &preq);
    *last_seq = r && r->pong ? r->pong->last_seq : 0;
    pmo_wire_free (r);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "backup") == 0);
    const char *now[] = {"--now", "2026-11-22T12:00:00Z", NULL};
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    pmo_client_t *c = NULL;
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);

    Pmo__Person who = PMO__PERSON__INIT;
    who.id = (char *) "kim";
    who.name = (char *) "Kim";
    who.has_rate_minor = true;
    who.rate_minor = 6000;
    who.currency = (char *) "EUR";
    REQ (preq, PERSON_ADD, person_add, &who);
    CHECK_EQ_I64 (call_status (c, &preq, NULL, 0), 0);
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "BK";
    p.name = (char *) "Backed up";
    p.start = (char *) "2026-01-01";
    p.finish = (char *) "2026-12-31";
    p.has_bac_minor = true;
    p.bac_minor = 5000000;
    p.currency = (char *) "EUR";
    REQ (jreq, PROJECT_ADD, project_add, &p);
    CHECK_EQ_I64 (call_status (c, &jreq, NULL, 0), 0);
    /*  300 entries over many days: 300 x 30 min at 60/h = 9000.00 EUR. */
    for (int i = 0; i < 300; i++) {
        Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
        char date[16];
        snprintf (date, sizeof date, "2026-%02d-%02d", 1 + i % 10, 1 + i % 28);
        t.person = (char *) "kim";
        t.project = (char *) "BK";
        t.date = date;
        t.has_minutes = true;
        t.minutes = 30;
        Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
        id.agent = (char *) "bk";
        id.has_seq = true;
        id.seq = (uint64_t) i + 1;
        REQ (treq, TIME, time, &t);
        treq.update = &id;
        CHECK_EQ_I64 (call_status (c, &treq, NULL, 0), 0);
    }
    int64_t minutes, cost;
    uint64_t last_seq;
    s_totals (c, &minutes, &cost, &last_seq);
    CHECK_EQ_I64 (minutes, 9000);
    CHECK_EQ_I64 (cost, 900000);
    CHECK_EQ_I64 (last_seq, 302);

    char file[300], reason[200];
    snprintf (file, sizeof file, "%s/copy.mdb", e.dir);
    {   /* the operator's command */
        run_t r = RUN (PMOCTL_BIN, "backup", file);
        CHECK_EQ_I64 (r.status, 0);
        CHECK (r.out && strstr (r.out, "backup written to") != NULL);
        run_free (&r);
    }
    struct stat st;
    CHECK (stat (file, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_EQ_I64 (s_backup (c, file, reason), PMO__STATUS__STATUS_EXISTS);
    CHECK (strstr (reason, "already exists") != NULL);
    {
        run_t r = RUN (PMOCTL_BIN, "backup", file);
        CHECK_EQ_I64 (r.status, 1);
        CHECK (r.err && strstr (r.err, "already exists") != NULL);
        run_free (&r);
    }
    CHECK_EQ_I64 (s_backup (c, "relative/path", reason), PMO__STATUS__STATUS_INVALID);
    /*  The service kept serving: a write after the backup works. */
    {
        Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
        ce.project = (char *) "BK";
        ce.has_amount_minor = true;
        ce.amount_minor = 1;
        Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
        id.agent = (char *) "bk";
        id.has_seq = true;
        id.seq = 1000;
        REQ (creq, COST, cost, &ce);
        creq.update = &id;
        CHECK_EQ_I64 (call_status (c, &creq, NULL, 0), 0);
    }
    pmo_client_close (&c);
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);

    /*  Start a pmod from the copy: every figure as at the backup. */
    char dir[300], cmd[2000];
    snprintf (dir, sizeof dir, "%s/restored", e.dir);
    snprintf (cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/data.mdb'", dir, file, dir);
    REQUIRE (system (cmd) == 0);
    snprintf (e.data, sizeof e.data, "%s", dir);
    REQUIRE (tenv_pmod_start (&e, now) == 0);
    REQUIRE (pmo_client_open (e.endpoint, &c) == 0);
    s_totals (c, &minutes, &cost, &last_seq);
    CHECK_EQ_I64 (minutes, 9000);
    CHECK_EQ_I64 (cost, 900000);
    CHECK_EQ_I64 (last_seq, 302);
    pmo_client_close (&c);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
