/*  test_bounds: the generic limits on decoded requests (pmo_bounds) and the
 *  key files (pmo_curve): exact reasons, the field path named, and key
 *  files refused when others may read them. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pmo/pmo_bounds.h"
#include "pmo/pmo_curve.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_wire.h"

static void
s_test_bounds (void)
{
    pmo_reason_t why;
    Pmo__Team t = PMO__TEAM__INIT;
    t.code = (char *) "T1";
    t.name = (char *) "fine";
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_TEAM_ADD;
    req.team_add = &t;
    CHECK_RC (pmo_bounds_check (&req, &why), PMO_OK);

    char *big = malloc (PMO_MAX_TEXT_BYTES + 2);
    memset (big, 'x', PMO_MAX_TEXT_BYTES + 1);
    big[PMO_MAX_TEXT_BYTES + 1] = '\0';
    t.name = big;
    pmo_reason_clear (&why);
    CHECK_RC (pmo_bounds_check (&req, &why), PMO_ETOOBIG);
    CHECK_STR (why.field, "team_add.name");
    CHECK_STR (why.text, "team_add.name: 4097 bytes, more than 4096");
    big[PMO_MAX_TEXT_BYTES] = '\0';  /* exactly at the bound */
    CHECK_RC (pmo_bounds_check (&req, &why), PMO_OK);
    free (big);

    t.name = (char *) "\xC3\x28";  /* a broken 2-byte sequence */
    CHECK_RC (pmo_bounds_check (&req, &why), PMO_EINVAL);
    CHECK_STR (why.text, "team_add.name: not valid UTF-8");

    /*  Nested: key_enrol.principal.team. */
    Pmo__Principal p = PMO__PRINCIPAL__INIT;
    p.team = (char *) "\xFF";
    Pmo__KeyEnrol e = PMO__KEY_ENROL__INIT;
    e.principal = &p;
    Pmo__Request r2 = PMO__REQUEST__INIT;
    r2.body_case = PMO__REQUEST__BODY_KEY_ENROL;
    r2.key_enrol = &e;
    CHECK_RC (pmo_bounds_check (&r2, &why), PMO_EINVAL);
    CHECK_STR (why.text, "key_enrol.principal.team: not valid UTF-8");
    /*  The update id and the actor are strings of the envelope. */
    t.name = (char *) "fine";
    req.actor = (char *) "\xC0\xAF";  /* overlong '/' */
    CHECK_RC (pmo_bounds_check (&req, &why), PMO_EINVAL);
    CHECK_STR (why.text, "actor: not valid UTF-8");
}

static void
s_test_keys (const char *dir)
{
    char path[512], pub[520], why[600];
    snprintf (path, sizeof path, "%s/k.key", dir);
    snprintf (pub, sizeof pub, "%s.pub", path);
    pmo_keypair_t made, loaded;
    CHECK_RC (pmo_key_generate (path, &made, why, sizeof why), PMO_OK);
    struct stat st;
    CHECK (stat (path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_RC (pmo_key_generate (path, NULL, why, sizeof why), PMO_EEXIST);
    CHECK_RC (pmo_key_load_secret (path, &loaded, why, sizeof why), PMO_OK);
    CHECK_STR (loaded.public_z85, made.public_z85);
    CHECK_STR (loaded.secret_z85, made.secret_z85);
    char z85[PMO_KEY_Z85_LEN + 1];
    CHECK_RC (pmo_key_load_public (pub, z85, why, sizeof why), PMO_OK);
    CHECK_STR (z85, made.public_z85);
    CHECK (pmo_key_z85_valid (z85));
    CHECK (!pmo_key_z85_valid ("short"));
    uint8_t raw[32];
    CHECK_RC (pmo_key_decode (z85, raw), PMO_OK);
    char again[PMO_KEY_Z85_LEN + 1], fp[PMO_KEY_FP_LEN + 1];
    pmo_key_encode (raw, again);
    CHECK_STR (again, z85);
    pmo_key_fingerprint (raw, fp);
    CHECK_EQ_I64 (strlen (fp), 16);
    /*  Any group or other bit: refused with the chmod to run. */
    chmod (path, 0604);
    CHECK_RC (pmo_key_load_secret (path, &loaded, why, sizeof why), PMO_EDENIED);
    char want[1200];
    snprintf (want, sizeof want,
              "secret key file %s is accessible by group or others (mode 0604); run: chmod 600 %s", path, path);
    CHECK_STR (why, want);
    chmod (path, 0600);
    /*  Comments and blank lines are allowed around the key. */
    char commented[512];
    snprintf (commented, sizeof commented, "%s/c.pub", dir);
    FILE *f = fopen (commented, "w");
    fprintf (f, "# pmod's key\n\n  %s  \n", made.public_z85);
    fclose (f);
    CHECK_RC (pmo_key_load_public (commented, z85, why, sizeof why), PMO_OK);
    CHECK_STR (z85, made.public_z85);
    unlink (commented);
    unlink (path);
    unlink (pub);
}

int
main (void)
{
    char dir[] = "/tmp/pmo-test-bounds-XXXXXX";
    REQUIRE (mkdtemp (dir) != NULL);
    s_test_bounds ();
    s_test_keys (dir);
    rmdir (dir);
    return harness_report ();
}
