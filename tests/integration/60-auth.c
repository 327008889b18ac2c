/*  60-auth: authentication.  pmod runs secure (CurveZMQ, its admin enrolled
 *  with --admin-key).  An unknown key is refused on the request socket and
 *  on the event socket, and logged with its fingerprint; a plain (non
 *  CURVE) client gets nothing; the authenticated principal, not the
 *  Request.actor a client claims, is the actor in the audit log; a revoked
 *  key is refused at once: for new connections at the handshake, for a
 *  connected client at its next request, and a connected subscriber is
 *  cut off and refused when it reconnects; a name re-enrolled with a new
 *  key does not let the old key back in; a viewer may not subscribe. */
#include "auth_util.h"
#include "harness.h"

static int
s_team_add (pmo_client_t *c, const char *code, const char *actor, char *reason, size_t n)
{
    Pmo__Team t = PMO__TEAM__INIT;
    t.code = (char *) code;
    t.name = (char *) "Team";
    REQ (req, TEAM_ADD, team_add, &t);
    req.actor = (char *) actor;
    return call_status (c, &req, reason, n);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "auth") == 0);
    REQUIRE (tenv_secure (&e) == 0);
    REQUIRE (tenv_pmod_start (&e, NULL) == 0);
    char reason[300];

    /*  The admin (PMO_KEY in the environment) works through pmoctl. */
    run_t r = RUN (PMOCTL_BIN, "ping");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);

    /*  An unknown key: refused at the handshake on requests... */
    tkey_t stranger;
    REQUIRE (tkey_make (&e, "stranger", &stranger) == 0);
    pmo_client_t *c = tkey_client (&e, &stranger);
    REQUIRE (c != NULL);
    CHECK_EQ_I64 (tping (c, 5000, NULL, 0), -2);
    pmo_client_close (&c);
    uint8_t raw[32];
    char fp[PMO_KEY_FP_LEN + 1], line[120];
    pmo_key_decode (stranger.creds.own.public_z85, raw);
    pmo_key_fingerprint (raw, fp);
    snprintf (line, sizeof line, "refused key %s from", fp);
    CHECK (tlog_file_has (&e, line));
    CHECK (tlog_file_has (&e, "on requests: not enrolled"));
    /*  ...through pmoctl with one clear line... */
    r = RUN (PMOCTL_BIN, "--key", stranger.path, "ping");
    CHECK_EQ_I64 (r.status, 1);
    char want[600];
    snprintf (want, sizeof want,
              "pmoctl: pmod at %s refused this key (not enrolled, or revoked): ask an admin to run pmoctl key enrol\n",
              e.endpoint);
    CHECK_STR (r.err, want);
    run_free (&r);
    /*  (status reads its reply frames itself: the same line) */
    r = RUN (PMOCTL_BIN, "--key", stranger.path, "status", "--json");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, want);
    run_free (&r);
    /*  ...and on events. */
    void *mon;
    void *sub = tsub_open (&e, &stranger.creds, "inproc://mon-stranger", &mon);
    CHECK (tmon_wait (mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 5000));
    tsub_close (sub, mon);
    CHECK (tlog_file_has (&e, "on events: not enrolled"));

    /*  A client without CURVE gets no answer at all. */
    c = tkey_client (&e, NULL);
    CHECK_EQ_I64 (tping (c, 300, NULL, 0), -1);
    pmo_client_close (&c);

    /*  The actor is the principal, whatever the request claims. */
    pmo_curve_creds_t admin;
    REQUIRE (tenv_admin_creds (&e, &admin) == 0);
    c = NULL;
    REQUIRE (pmo_client_open_creds (e.endpoint, &admin, &c) == 0);
    CHECK_EQ_I64 (s_team_add (c, "T1", "mallory", NULL, 0), PMO__STATUS__STATUS_OK);
    pmo_client_close (&c);
    json_object *j = RUN_JSON (PMOCTL_BIN, "log", "--json");
    REQUIRE (j != NULL);
    CHECK_STR (json_str (j, "events.0.topic"), "key.enrolled");  /* the bootstrap */
    CHECK_STR (json_str (j, "events.0.actor"), "pmod");
    CHECK_STR (json_str (j, "events.0.principal.name"), "admin");
    CHECK_STR (json_str (j, "events.1.topic"), "team.created");
    CHECK_STR (json_str (j, "events.1.actor"), "admin");
    json_object_put (j);

    /*  Revocation.  vic (a manager) is connected and working. */
    tkey_t vic;
    REQUIRE (tkey_make (&e, "vic", &vic) == 0);
    REQUIRE (tkey_enrol (&vic, "vic", "--role", "manager") == 0);
    pmo_client_t *vc = tkey_client (&e, &vic);
    REQUIRE (vc != NULL);
    CHECK_EQ_I64 (s_team_add (vc, "T2", NULL, NULL, 0), PMO__STATUS__STATUS_OK);
    /*  A subscriber sam is connected and receiving. */
    tkey_t sam;
    REQUIRE (tkey_make (&e, "sam", &sam) == 0);
    REQUIRE (tkey_enrol (&sam, "sam", "--subscriber", NULL) == 0);
    sub = tsub_open (&e, &sam.creds, "inproc://mon-sam", &mon);
    CHECK (tmon_wait (mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 5000));
    /*  PUB drops what was sent before the subscription arrived: send until
     *  one gets through (each is a real change, T3, T4...). */
    char *topic = NULL;
    for (int i = 3; i < 40 && !topic; i++) {
        char code[8];
        snprintf (code, sizeof code, "T%d", i);
        CHECK_EQ_I64 (s_team_add (vc, code, NULL, NULL, 0), PMO__STATUS__STATUS_OK);
        topic = tsub_recv_topic (sub, 100);
    }
    CHECK_STR (topic, "team.created");
    free (topic);

    r = RUN (PMOCTL_BIN, "key", "revoke", "vic");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    r = RUN (PMOCTL_BIN, "key", "revoke", "sam");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    /*  vic's open connection: refused at its very next request, with the
     *  refusal in the audit log under vic's name. */
    CHECK_EQ_I64 (s_team_add (vc, "T99", NULL, reason, sizeof reason), PMO__STATUS__STATUS_DENIED);
    CHECK_STR (reason, "principal vic: key revoked");
    pmo_client_close (&vc);
    j = RUN_JSON (PMOCTL_BIN, "log", "--json", "--limit", "1000");
    REQUIRE (j != NULL);
    json_object *evs = json_get (j, "events");
    json_object *last = json_object_array_get_idx (evs, json_object_array_length (evs) - 1);
    CHECK_STR (json_str (last, "topic"), "auth.denied");
    CHECK_STR (json_str (last, "actor"), "vic");
    CHECK_STR (json_str (last, "auth_denied.principal"), "vic");
    CHECK_STR (json_str (last, "auth_denied.request"), "team_add");
    CHECK_STR (json_str (last, "auth_denied.reason"), "principal vic: key revoked");
    json_object_put (j);
    /*  A new connection with vic's key: refused at the handshake. */
    vc = tkey_client (&e, &vic);
    CHECK_EQ_I64 (tping (vc, 5000, NULL, 0), -2);
    pmo_client_close (&vc);
    /*  sam's subscription was cut and its reconnection refused. */
    CHECK (tmon_wait (mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 5000));
    tsub_close (sub, mon);

    /*  vic enrolled again with a new key: the old key stays out. */
    tkey_t vic2;
    REQUIRE (tkey_make (&e, "vic2", &vic2) == 0);
    REQUIRE (tkey_enrol (&vic2, "vic", "--role", "viewer") == 0);
    vc = tkey_client (&e, &vic);
    CHECK_EQ_I64 (tping (vc, 5000, NULL, 0), -2);
    pmo_client_close (&vc);
    vc = tkey_client (&e, &vic2);
    CHECK_EQ_I64 (tping (vc, 5000, NULL, 0), PMO__STATUS__STATUS_OK);
    pmo_client_close (&vc);
    /*  A viewer does not get the event stream (the audit trail). */
    sub = tsub_open (&e, &vic2.creds, "inproc://mon-viewer", &mon);
    CHECK (tmon_wait (mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 5000));
    tsub_close (sub, mon);
    /*  (Its log line may fall under the ten-a-minute limit by now.) */

    /*  pmod kept running through all of it. */
    r = RUN (PMOCTL_BIN, "ping");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    int ok = harness_failures == 0;
    tenv_finish (&e, ok);
    pmo_zmq_term ();
    return harness_report ();
}
