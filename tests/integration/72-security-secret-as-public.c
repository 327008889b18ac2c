/*  72-security-secret-as-public: a secret key file given where a public key
 *  file belongs (FILE for FILE.pub, one tab-completion away) is refused.
 *  Before, pmoctl key enrol sent the secret key to pmod, which stored it as
 *  the principal's "public" key and published it in the key.enrolled event:
 *  any analyst or subscriber reading the log got the admin's secret key, and
 *  with it the admin's identity.  pmod --admin-key and --server-key refuse
 *  such a file the same way. */
#include "auth_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "sec-secret-pub") == 0);
    REQUIRE (tenv_secure (&e) == 0);
    REQUIRE (tenv_pmod_start (&e, NULL) == 0);
    char *secret = read_file (e.admin_key);
    REQUIRE (secret && strlen (secret) >= 40);
    secret[40] = '\0';

    /*  The admin's secret key file as --public: refused before anything is
     *  sent. */
    char want[2000];
    snprintf (want, sizeof want,
              "pmoctl: --public: public key file %s holds a secret key (its public key is %s.pub): give %s.pub\n",
              e.admin_key, e.admin_key, e.admin_key);
    run_t r = RUN (CTL, "key", "enrol", "bob", "--role", "viewer", "--public", e.admin_key);
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, want);
    run_free (&r);
    /*  Nothing enrolled, and the secret is nowhere in the log. */
    json_object *j = RUN_JSON (CTL, "key", "list", "--json");
    REQUIRE (j != NULL);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "principals")), 1);
    json_object_put (j);
    r = RUN (CTL, "log", "--json", "--limit", "1000");
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && !strstr (r.out, secret));
    run_free (&r);

    /*  The public key file itself is taken, as before. */
    tkey_t kb;
    REQUIRE (tkey_make (&e, "bob", &kb) == 0);
    CHECK_EQ_I64 (tkey_enrol (&kb, "bob", "--role", "viewer"), 0);
    /*  A secret key whose .pub is missing cannot be told apart: nothing to
     *  compare with (documented limit); a public key copied without a
     *  sibling is still fine, e.g. pmod's own. */
    r = RUN (CTL, "--server-key", e.server_pub, "ping");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    /*  pmod's secret key as a client's --server-key: refused too. */
    char server_secret[400];
    snprintf (server_secret, sizeof server_secret, "%s/server.key", e.data);
    snprintf (want, sizeof want,
              "pmoctl: public key file %s holds a secret key (its public key is %s.pub): give %s.pub\n",
              server_secret, server_secret, server_secret);
    r = RUN (CTL, "--server-key", server_secret, "ping");
    CHECK_EQ_I64 (r.status, 1);
    CHECK_STR (r.err, want);
    run_free (&r);

    /*  pmod --admin-key with a secret key file on a fresh data directory:
     *  refuses to start, nothing enrolled. */
    tkey_t boot;
    REQUIRE (tkey_make (&e, "boot", &boot) == 0);
    char data2[400];
    snprintf (data2, sizeof data2, "%s/data2", e.dir);
    char ep[420], ev[420];
    snprintf (ep, sizeof ep, "ipc://%s/req2", e.dir);
    snprintf (ev, sizeof ev, "ipc://%s/ev2", e.dir);
    const char *argv[] = {PMOD_BIN, "--data", data2, "--endpoint", ep, "--events", ev, "--admin-key", boot.path, NULL};
    char *err = NULL;
    CHECK_EQ_I64 (proc_run (argv, NULL, NULL, &err, 10000), 1);
    CHECK (err && strstr (err, "holds a secret key"));
    free (err);

    free (secret);
    int ok = harness_failures == 0;
    tenv_finish (&e, ok);
    pmo_zmq_term ();
    return harness_report ();
}
