/*  cmd_key: pmoctl keygen FILE, and key enrol|revoke|list (admin).
 *
 *  keygen works offline: it writes FILE (the secret key, 0600) and
 *  FILE.pub (the public key) and never talks to pmod.  Enrolment sends the
 *  public key only; a secret key never leaves the machine it was made on.
 */
#include "pmoctl.h"

#include "pmo/pmo_curve.h"
#include "pmo/pmo_error.h"

int
cmd_keygen (pmoctl_t *ctl)
{
    const char *path = ctl->args[0];
    char why[512];
    pmo_keypair_t kp;
    if (pmo_key_generate (path, &kp, why, sizeof why) != PMO_OK)
        return pmoctl_fail ("keygen: %s", why);
    if (ctl->format == OUT_JSON) {
        char pub[4200];
        snprintf (pub, sizeof pub, "%s.pub", path);
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "secret_file", json_object_new_string (path));
        json_object_object_add (o, "public_file", json_object_new_string (pub));
        json_object_object_add (o, "public_key", json_object_new_string (kp.public_z85));
        out_json_print (o, stdout);
        json_object_put (o);
    } else
        printf ("secret key %s (keep it private), public key %s.pub: %s\n", path, path, kp.public_z85);
    memset (&kp, 0, sizeof kp);
    return PMOCTL_EXIT_OK;
}

enum { ENROL_ROLE, ENROL_AGENT, ENROL_SUBSCRIBER, ENROL_PUBLIC };

const pmoctl_opt_t cmd_key_enrol_opts[] = {
    [ENROL_ROLE] = {"role", "ROLE", false, "an operator: viewer, analyst, manager or admin"},
    [ENROL_AGENT] = {"agent", "TEAM", false, "a team agent, reporting for team TEAM only"},
    [ENROL_SUBSCRIBER] = {"subscriber", NULL, false, "a subscriber (pmo-notify): events and the log"},
    [ENROL_PUBLIC] = {"public", "FILE", true, "the public key file (FILE.pub from pmoctl keygen)"},
    {NULL, NULL, false, NULL},
};

static const char *const s_roles[] = {"", "viewer", "analyst", "manager", "admin"};

int
cmd_key_enrol (pmoctl_t *ctl)
{
    const char *role = ctl->opt[ENROL_ROLE], *team = ctl->opt[ENROL_AGENT];
    bool is_sub = ctl->opt[ENROL_SUBSCRIBER] != NULL;
    if ((role != NULL) + (team != NULL) + is_sub != 1)
        return pmoctl_fail ("key enrol: give exactly one of --role ROLE, --agent TEAM, --subscriber");
    Pmo__Principal p = PMO__PRINCIPAL__INIT;
    p.name = ctl->args[0];
    p.has_kind = true;
    if (role) {
        p.kind = PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR;
        for (size_t i = 1; i < PMO_ARRAY_LEN (s_roles); i++)
            if (streq (role, s_roles[i])) {
                p.has_role = true;
                p.role = (Pmo__Role) i;
            }
        if (!p.has_role)
            return pmoctl_fail ("--role: '%s' is not viewer, analyst, manager or admin", role);
    } else if (team) {
        p.kind = PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT;
        p.team = (char *) team;
    } else {
        p.kind = PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER;
    }
    char key[PMO_KEY_Z85_LEN + 1], why[512];
    if (pmo_key_load_public (ctl->opt[ENROL_PUBLIC], key, why, sizeof why) != PMO_OK)
        return pmoctl_fail ("--public: %s", why);
    p.public_key = key;
    Pmo__KeyEnrol e = PMO__KEY_ENROL__INIT;
    e.principal = &p;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_KEY_ENROL;
    req.key_enrol = &e;
    return pmoctl_write (ctl, &req, "principal %s enrolled", p.name);
}

int
cmd_key_revoke (pmoctl_t *ctl)
{
    Pmo__KeyRevoke k = PMO__KEY_REVOKE__INIT;
    k.name = ctl->args[0];
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_KEY_REVOKE;
    req.key_revoke = &k;
    return pmoctl_write (ctl, &req, "principal %s revoked", k.name);
}

static const char *
s_kind_name (const Pmo__Principal *p)
{
    switch (p->kind) {
    case PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR: return "operator";
    case PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT: return "agent";
    case PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER: return "subscriber";
    default: return "?";
    }
}

int
cmd_key_list (pmoctl_t *ctl)
{
    Pmo__KeyList q = PMO__KEY_LIST__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_KEY_LIST;
    req.key_list = &q;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_PRINCIPALS, &reply);
    if (rc)
        return rc;
    const Pmo__PrincipalList *list = reply->principals;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (list, "principals");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "NAME", "name", OUT_LEFT);
        out_table_column (t, "KIND", "kind", OUT_LEFT);
        out_table_column (t, "ROLE/TEAM", "role_or_team", OUT_LEFT);
        out_table_column (t, "FINGERPRINT", "fingerprint", OUT_LEFT);
        out_table_column (t, "ENROLLED", "enrolled", OUT_LEFT);
        out_table_column (t, "BY", "enrolled_by", OUT_LEFT);
        for (size_t i = 0; i < list->n_principals; i++) {
            const Pmo__Principal *p = list->principals[i];
            char at[25];
            pmoctl_fmt_time (p->enrolled_ms, at);
            out_table_row (t);
            out_table_cell (t, p->name);
            out_table_cell (t, s_kind_name (p));
            out_table_cell (t, p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR && (size_t) p->role < PMO_ARRAY_LEN (s_roles)
                                   ? s_roles[p->role]
                                   : p->team);
            out_table_cell (t, p->fingerprint);
            out_table_cell (t, at);
            out_table_cell (t, p->enrolled_by);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
