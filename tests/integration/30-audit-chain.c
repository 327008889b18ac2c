/*  30-audit-chain: the audit trail is tamper-evident.  An event altered in
 *  a copy of the data directory, an event deleted, and an event altered and
 *  re-hashed by someone who knows the scheme: `pmoctl log --verify` names
 *  the first broken seq each time.  The untouched log and a backup verify
 *  intact, with the same head. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "harness.h"
#include "pmo/pmo_chain.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_store.h"
#include "tables.h"  /* pmod's schema version */

#define CTL PMOCTL_BIN

static tenv_t e;
static char original[320];  /* the untouched data directory */

/*  Copies data.mdb into a fresh directory DIR/name; returns its path. */
static void
s_copy (const char *name, char *dir, size_t n)
{
    snprintf (dir, n, "%s/%s", e.dir, name);
    char cmd[1400];
    snprintf (cmd, sizeof cmd, "mkdir -p '%s' && cp '%s/data.mdb' '%s/data.mdb'", dir, original, dir);
    CHECK (system (cmd) == 0);
}

typedef enum { ALTER, DELETE, RESEAL } tamper_t;

/*  Tampers with event seq in the store at dir, as someone with file access. */
static void
s_tamper (const char *dir, uint64_t seq, tamper_t how)
{
    static const char *const dbs[] = {"events"};
    pmo_store_opts_t o = {.kind = "pmod", .version = PMOD_SCHEMA_VERSION, .dbs = dbs, .n_dbs = 1};
    pmo_store_t *s = NULL;
    char why[200];
    CHECK_RC (pmo_store_open (dir, &o, &s, why, sizeof why), PMO_OK);
    if (!s)
        return;
    pmo_txn_t *t = NULL;
    CHECK_RC (pmo_txn_begin (s, NULL, true, &t), PMO_OK);
    uint8_t key[8];
    pmo_be64_put (key, seq);
    if (how == DELETE) {
        CHECK_RC (pmo_del (t, 0, key, 8), PMO_OK);
    } else {
        pmo_val_t v;
        REQUIRE_VOID (pmo_get (t, 0, key, 8, &v) == PMO_OK);
        Pmo__Event *ev = pmo_wire_event_unpack (v.data, v.len);
        REQUIRE_VOID (ev != NULL && ev->body_case == PMO__EVENT__BODY_PROJECT_RECORD);
        /*  The budget in the log, quietly raised. */
        ev->project_record->bac_minor += 100000000;
        uint8_t hashes[2 * PMO_HASH_LEN];
        pmo_buf_t buf = {0};
        /*  A shallow copy takes the new hashes: the unpacked message must
         *  keep only pointers that pmo_wire_free may free. */
        Pmo__Event sealed = *ev;
        if (how == RESEAL)
            pmo_chain_seal (&sealed, ev->prev_hash.data, hashes, &buf);
        pmo_wire_pack (&sealed, &buf);
        CHECK_RC (pmo_put (t, 0, key, 8, buf.data, buf.len, 0), PMO_OK);
        pmo_buf_free (&buf);
        pmo_wire_free (ev);
    }
    CHECK_RC (pmo_txn_commit (&t), PMO_OK);
    pmo_store_close (&s);
}

/*  Starts pmod on dir and runs log --verify; returns its result. */
static run_t
s_verify_dir (const char *dir)
{
    snprintf (e.data, sizeof e.data, "%s", dir);
    if (tenv_pmod_start (&e, NULL) != 0)
        return (run_t) {-1, NULL, NULL};
    run_t r = RUN (CTL, "log", "--verify");
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    return r;
}

int
main (void)
{
    REQUIRE (tenv_init (&e, "chain") == 0);
    snprintf (original, sizeof original, "%s", e.data);
    REQUIRE (tenv_pmod_start (&e, NULL) == 0);
    run_ok (RUN (CTL, "team", "add", "T", "--name", "T"));
    run_ok (RUN (CTL, "project", "add", "APOLLO", "--name", "Moon", "--start", "2026-01-01", "--finish",
               "2026-12-31", "--budget", "1000.00 EUR"));
    run_ok (RUN (CTL, "project", "add", "GEMINI", "--name", "Two", "--start", "2026-01-01", "--finish",
               "2026-12-31", "--budget", "2000.00 EUR"));
    run_ok (RUN (CTL, "project", "set", "APOLLO", "--name", "Moon landing"));
    run_ok (RUN (CTL, "team", "add", "U", "--name", "U"));

    run_t r = RUN (CTL, "log", "--verify");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "audit trail intact: 5 events, head ") == r.out);
    char head[80] = "";
    if (r.out)
        sscanf (r.out, "audit trail intact: 5 events, head %64s", head);
    CHECK_EQ_I64 ((long long) strlen (head), 64);  /* else the later strstr proves nothing */
    run_free (&r);
    json_object *j = RUN_JSON (CTL, "log", "--verify", "--json");
    CHECK (json_object_get_boolean (json_get (j, "ok")));
    CHECK_STR (json_str (j, "head"), head);
    json_object_put (j);
    /*  Events carry their links on the wire too. */
    j = RUN_JSON (CTL, "log", "--json");
    CHECK_EQ_I64 (strlen (json_str (j, "events.0.hash") ? json_str (j, "events.0.hash") : ""), 64);
    CHECK_STR (json_str (j, "events.1.prev_hash"), json_str (j, "events.0.hash"));
    json_object_put (j);
    char backup[400];
    snprintf (backup, sizeof backup, "%s/backup.mdb", e.dir);
    run_ok (RUN (CTL, "backup", backup));
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);

    char dir[400];
    s_copy ("altered", dir, sizeof dir);
    s_tamper (dir, 3, ALTER);
    r = s_verify_dir (dir);
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: audit trail broken at seq 3: event 3 was altered: its content does not match its hash\n");
    run_free (&r);

    s_copy ("deleted", dir, sizeof dir);
    s_tamper (dir, 2, DELETE);
    r = s_verify_dir (dir);
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: audit trail broken at seq 2: event 2 is missing (found 3 next)\n");
    run_free (&r);

    s_copy ("resealed", dir, sizeof dir);
    s_tamper (dir, 2, RESEAL);
    r = s_verify_dir (dir);
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, "pmoctl: audit trail broken at seq 3: event 3 does not follow the event before it "
                      "(an event was removed or changed)\n");
    run_free (&r);

    /*  The backup carries the chain: intact, same head. */
    snprintf (dir, sizeof dir, "%s/restored", e.dir);
    char cmd[1400];
    snprintf (cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/data.mdb'", dir, backup, dir);
    CHECK (system (cmd) == 0);
    r = s_verify_dir (dir);
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, head) != NULL);
    run_free (&r);
    /*  And the original, untouched, still verifies. */
    r = s_verify_dir (original);
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);

    tenv_finish (&e, harness_failures == 0);
    pmo_zmq_term ();
    return harness_report ();
}
