/*  63-keys: key files and enrolment.  pmoctl keygen writes a 0600 secret
 *  and its public key and never overwrites; every program refuses a secret
 *  key file that others can read, with one line naming the chmod to run
 *  (pmoctl, pmo-agent, pmo-notify, and pmod for its own key); enrolment
 *  refuses duplicates, unknown teams and malformed input with a reason;
 *  key list shows what is enrolled with the right fingerprints; the last
 *  admin cannot be revoked; --admin-key does nothing once an admin exists;
 *  the data directory is 0700 and every file in it 0600; --insecure is
 *  logged as a warning. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include "auth_util.h"
#include "harness.h"

#define CTL PMOCTL_BIN

static unsigned
s_mode (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0 ? (unsigned) (st.st_mode & 0777) : 0xffff;
}

static void
s_expect (run_t r, int status, const char *err)
{
    CHECK_EQ_I64 (r.status, status);
    CHECK_STR (r.err, err);
    run_free (&r);
}

int
main (void)
{
    tenv_t e;
    REQUIRE (tenv_init (&e, "keys") == 0);
    REQUIRE (tenv_secure (&e) == 0);
    REQUIRE (tenv_pmod_start (&e, NULL) == 0);
    char want[2000], path[400], pub[420];

    /*  keygen: 0600 secret, public next to it, one Z85 line each. */
    snprintf (path, sizeof path, "%s/op.key", e.dir);
    snprintf (pub, sizeof pub, "%s.pub", path);
    run_t r = RUN (CTL, "keygen", path);
    CHECK_EQ_I64 (r.status, 0);
    char *sec_text = read_file (path), *pub_text = read_file (pub);
    REQUIRE (sec_text && pub_text);
    CHECK_EQ_I64 (strlen (sec_text), 41);
    CHECK_EQ_I64 (strlen (pub_text), 41);
    char derived[41];
    sec_text[40] = '\0';
    CHECK (zmq_curve_public (derived, sec_text) == 0);
    pub_text[40] = '\0';
    CHECK_STR (derived, pub_text);
    snprintf (want, sizeof want, "secret key %s (keep it private), public key %s: %s\n", path, pub, pub_text);
    CHECK_STR (r.out, want);
    run_free (&r);
    CHECK_EQ_I64 (s_mode (path), 0600);
    CHECK_EQ_I64 (s_mode (pub), 0644);
    /*  Never over an existing key. */
    snprintf (want, sizeof want, "pmoctl: keygen: %s: a key file exists already; remove %s and %s first to replace the key\n",
              path, path, pub);
    s_expect (RUN (CTL, "keygen", path), 1, want);
    char *again = read_file (path);
    if (again)
        again[40] = '\0';
    CHECK_STR (again, sec_text);  /* untouched */
    free (again);

    /*  A readable secret key is refused by every program that loads one. */
    tkey_t ag;
    REQUIRE (tkey_make (&e, "agent-x", &ag) == 0);
    CHECK (chmod (ag.path, 0644) == 0);
    snprintf (want, sizeof want,
              "secret key file %s is accessible by group or others (mode 0644); run: chmod 600 %s\n", ag.path,
              ag.path);
    char line[2100];
    snprintf (line, sizeof line, "pmoctl: %s", want);
    s_expect (RUN (CTL, "--key", ag.path, "ping"), 1, line);
    snprintf (line, sizeof line, "pmo-agent: %s", want);
    s_expect (RUN (PMO_AGENT_BIN, "--agent", "agent-x", "--key", ag.path, "time", "--person", "p", "--project", "P",
                   "--minutes", "5"),
              1, line);
    snprintf (line, sizeof line, "pmo-notify: %s", want);
    s_expect (RUN (PMO_NOTIFY_BIN, "--key", ag.path, "--count", "1"), 1, line);
    CHECK (chmod (ag.path, 0640) == 0);  /* group-readable is refused too */
    r = RUN (CTL, "--key", ag.path, "ping");
    CHECK_EQ_I64 (r.status, 1);
    CHECK (r.err && strstr (r.err, "(mode 0640); run: chmod 600"));
    run_free (&r);
    CHECK (chmod (ag.path, 0600) == 0);
    /*  Half a configuration. */
    unsetenv ("PMO_SERVER_KEY");
    s_expect (RUN (CTL, "--key", ag.path, "ping"), 1,
              "pmoctl: a key file (--key/PMO_KEY) needs pmod's public key too (--server-key/PMO_SERVER_KEY)\n");
    setenv ("PMO_SERVER_KEY", e.server_pub, 1);

    /*  Enrolment, as the admin. */
    r = RUN (CTL, "team", "add", "TX", "--name", "Team X");
    CHECK_EQ_I64 (r.status, 0);
    run_free (&r);
    CHECK_EQ_I64 (tkey_enrol (&ag, "agent-x", "--agent", "TX"), 0);
    s_expect (RUN (CTL, "key", "enrol", "agent-x", "--subscriber", "--public", pub), 1,
              "pmoctl: principal agent-x exists already (revoke it first to change its key or role)\n");
    s_expect (RUN (CTL, "key", "enrol", "other", "--subscriber", "--public", ag.pub), 1,
              "pmoctl: public_key: enrolled already, as principal agent-x\n");
    s_expect (RUN (CTL, "key", "enrol", "op", "--agent", "NOPE", "--public", pub), 1,
              "pmoctl: team NOPE: not found\n");
    s_expect (RUN (CTL, "key", "enrol", "bad name", "--role", "viewer", "--public", pub), 1,
              "pmoctl: name: character 4 of \"bad name\" is not allowed (letters, digits, . _ - @; a letter or digit first)\n");
    s_expect (RUN (CTL, "key", "enrol", "op", "--public", pub), 1,
              "pmoctl: key enrol: give exactly one of --role ROLE, --agent TEAM, --subscriber\n");
    s_expect (RUN (CTL, "key", "enrol", "op", "--role", "boss", "--public", pub), 1,
              "pmoctl: --role: 'boss' is not viewer, analyst, manager or admin\n");
    char garbage[400];
    snprintf (garbage, sizeof garbage, "%s/garbage.pub", e.dir);
    CHECK (write_file (garbage, "not a key\n") == 0);
    snprintf (want, sizeof want,
              "pmoctl: --public: public key file %s: no key (want one line of 40 Z85 characters, as pmoctl keygen writes)\n",
              garbage);
    s_expect (RUN (CTL, "key", "enrol", "op", "--role", "viewer", "--public", garbage), 1, want);
    s_expect (RUN (CTL, "key", "enrol", "srv", "--subscriber", "--public", e.server_pub), 1,
              "pmoctl: public_key: this is pmod's own key\n");
    r = RUN (CTL, "key", "enrol", "op", "--role", "analyst", "--public", pub);
    CHECK_EQ_I64 (r.status, 0);
    CHECK (r.out && strstr (r.out, "principal op enrolled (seq "));
    run_free (&r);

    /*  key list: every principal, its kind, role or team, fingerprint. */
    json_object *j = RUN_JSON (CTL, "key", "list", "--json");
    REQUIRE (j != NULL);
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "principals")), 3);
    CHECK_STR (json_str (j, "principals.0.name"), "admin");
    CHECK_STR (json_str (j, "principals.1.name"), "agent-x");
    CHECK_STR (json_str (j, "principals.1.team"), "TX");
    CHECK_STR (json_str (j, "principals.2.name"), "op");
    CHECK_STR (json_str (j, "principals.2.public_key"), pub_text);
    CHECK_STR (json_str (j, "principals.2.enrolled_by"), "admin");
    uint8_t raw[32];
    char fp[PMO_KEY_FP_LEN + 1];
    pmo_key_decode (pub_text, raw);
    pmo_key_fingerprint (raw, fp);
    CHECK_STR (json_str (j, "principals.2.fingerprint"), fp);
    json_object_put (j);

    /*  The last admin stays; unknown names are reported. */
    s_expect (RUN (CTL, "key", "revoke", "admin"), 1,
              "pmoctl: principal admin is the last admin: enrol another admin first\n");
    s_expect (RUN (CTL, "key", "revoke", "nobody"), 1, "pmoctl: principal nobody: not found\n");

    /*  --admin-key once an admin exists: nothing changes. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    char other[400];
    snprintf (other, sizeof other, "%s/other.key", e.dir);
    r = RUN (CTL, "keygen", other);
    run_free (&r);
    snprintf (line, sizeof line, "%s.pub", other);
    const char *boot[] = {"--admin-key", line, NULL};
    REQUIRE (tenv_pmod_start (&e, boot) == 0);  /* the last --admin-key given wins */
    CHECK (tlog_file_has (&e, "an admin is enrolled already; nothing changed"));
    j = RUN_JSON (CTL, "key", "list", "--json");
    CHECK_EQ_I64 (json_object_array_length (json_get (j, "principals")), 3);
    json_object_put (j);

    /*  The data directory: 0700, every file 0600. */
    CHECK_EQ_I64 (s_mode (e.data), 0700);
    DIR *d = opendir (e.data);
    REQUIRE (d != NULL);
    int n_files = 0;
    for (struct dirent *de; (de = readdir (d));) {
        if (de->d_name[0] == '.')
            continue;
        snprintf (line, sizeof line, "%s/%s", e.data, de->d_name);
        if (s_mode (line) != 0600)
            fprintf (stderr, "%s: mode %04o\n", line, s_mode (line));
        CHECK_EQ_I64 (s_mode (line), 0600);
        n_files++;
    }
    closedir (d);
    CHECK_EQ_I64 (n_files, 5);  /* data.mdb, lock.mdb, LOCK, server.key, server.key.pub */

    /*  pmod refuses its own key when others can read it. */
    CHECK_EQ_I64 (tenv_pmod_stop (&e, SIGTERM), 0);
    snprintf (path, sizeof path, "%s/server.key", e.data);
    CHECK (chmod (path, 0644) == 0);
    char *err = NULL;
    const char *argv[] = {PMOD_BIN, "--data", e.data, "--endpoint", e.endpoint, "--events", e.events, NULL};
    CHECK_EQ_I64 (proc_run (argv, NULL, NULL, &err, 10000), 1);
    snprintf (want, sizeof want,
              "pmod: secret key file %s is accessible by group or others (mode 0644); run: chmod 600 %s\n", path, path);
    CHECK_STR (err, want);
    free (err);
    CHECK (chmod (path, 0600) == 0);
    /*  --insecure and --admin-key exclude each other. */
    const char *both[] = {PMOD_BIN, "--data", e.data, "--insecure", "--admin-key", pub, NULL};
    err = NULL;
    CHECK_EQ_I64 (proc_run (both, NULL, NULL, &err, 10000), 1);
    CHECK_STR (err, "pmod: --admin-key and --insecure exclude each other (no keys are checked)\n");
    free (err);
    free (sec_text);
    free (pub_text);
    int ok = harness_failures == 0;
    tenv_finish (&e, ok);

    /*  --insecure says so in pmod's log. */
    tenv_t e2;
    REQUIRE (tenv_init (&e2, "keys-insecure") == 0);
    REQUIRE (tenv_pmod_start (&e2, NULL) == 0);
    CHECK (tlog_file_has (&e2, "WARN INSECURE: no authentication (--insecure): every peer is an admin named by "
                               "its Request.actor; for local demos only"));
    ok = harness_failures == 0;
    tenv_finish (&e2, ok);
    pmo_zmq_term ();
    return harness_report ();
}
