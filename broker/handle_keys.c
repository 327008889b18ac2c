/*  handle_keys: enrolment and revocation of principals (admin only, by the
 *  dispatch table).  A principal is a name bound to one CURVE public key:
 *  an operator with a role, a team agent bound to its team, or a
 *  subscriber.  Both are events (key.enrolled, key.revoked) with the
 *  principal as body, so the audit log says who let whom in, and when.
 *  A revocation also makes pmod drop its subscribers once (broker.c), so a
 *  revoked subscriber's connection does not outlive its key.
 */
#include <stdio.h>

#include "auth.h"
#include "pmo/pmo_error.h"

/*  1..64 characters: letters, digits, '.', '_', '-', '@'; a letter or digit
 *  first.  Agents are enrolled under their agent id. */
static int
s_check_name (req_t *r, const char *name)
{
    size_t n = name ? strlen (name) : 0;
    if (n == 0)
        return req_fail (r, PMO_EINVAL, "name", "name: missing");
    if (n > PRINCIPAL_NAME_MAX)
        return req_fail (r, PMO_EINVAL, "name", "name: %zu characters, more than %d", n, PRINCIPAL_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                  || (i > 0 && (c == '.' || c == '_' || c == '-' || c == '@'));
        if (!ok)
            return req_fail (r, PMO_EINVAL, "name", "name: character %zu of \"%.64s\" is not allowed "
                             "(letters, digits, . _ - @; a letter or digit first)", i + 1, name);
    }
    return PMO_OK;
}

static int
s_check_kind (req_t *r, const Pmo__Principal *p)
{
    bool has_team = p->team && *p->team;
    switch (p->kind) {
    case PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR:
        if (!p->has_role || p->role < PMO__ROLE__ROLE_VIEWER || p->role > PMO__ROLE__ROLE_ADMIN)
            return req_fail (r, PMO_EINVAL, "role", "role: an operator needs one of viewer, analyst, manager, admin");
        if (has_team)
            return req_fail (r, PMO_EINVAL, "team", "team: only an agent is bound to a team");
        return PMO_OK;
    case PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT: {
        if (p->has_role && p->role != PMO__ROLE__ROLE_UNSET)
            return req_fail (r, PMO_EINVAL, "role", "role: an agent has no role, only its team");
        if (!has_team)
            return req_fail (r, PMO_EINVAL, "team", "team: an agent must be bound to a team");
        int rc = pmo_check_code ("team", p->team, &r->reason);
        if (rc)
            return rc;
        pmo_key_t k;
        tables_key_code (&k, p->team);
        if (!tables_has (r->txn, DB_TEAMS, &k))
            return req_fail (r, PMO_ENOTFOUND, "team", "team %s: not found", p->team);
        return PMO_OK;
    }
    case PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER:
        if ((p->has_role && p->role != PMO__ROLE__ROLE_UNSET) || has_team)
            return req_fail (r, PMO_EINVAL, "kind", "kind: a subscriber has neither role nor team");
        return PMO_OK;
    default:
        return req_fail (r, PMO_EINVAL, "kind", "kind: one of operator (with a role), agent (with a team), subscriber");
    }
}

int
handle_key_enrol (req_t *r)
{
    const Pmo__Principal *in = r->req->key_enrol->principal;
    if (!in)
        return req_fail (r, PMO_EINVAL, "principal", "principal: missing");
    int rc = s_check_name (r, in->name);
    if (!rc)
        rc = s_check_kind (r, in);
    if (rc)
        return rc;
    uint8_t raw[32];
    if (pmo_key_decode (in->public_key, raw) != PMO_OK)
        return req_fail (r, PMO_EINVAL, "public_key", "public_key: not a CURVE public key (40 Z85 characters, "
                         "as in the .pub file pmoctl keygen writes)");
    if (streq (in->public_key, r->broker->auth->server.public_z85))
        return req_fail (r, PMO_EINVAL, "public_key", "public_key: this is pmod's own key");
    pmo_key_t k;
    tables_key_code (&k, in->name);
    if (tables_has (r->txn, DB_PRINCIPALS, &k))
        return req_fail (r, PMO_EEXIST, "name", "principal %s exists already (revoke it first to change its key or "
                         "role)", in->name);
    pmo_val_t v;
    if (pmo_get (r->txn, DB_PRINCIPAL_KEYS, raw, sizeof raw, &v) == PMO_OK)
        return req_fail (r, PMO_EEXIST, "public_key", "public_key: enrolled already, as principal %.*s",
                         (int) (v.len < 64 ? v.len : 64), (const char *) v.data);

    Pmo__Principal p = *in;
    char fp[PMO_KEY_FP_LEN + 1];
    pmo_key_fingerprint (raw, fp);
    p.base.unknown_fields = NULL;
    p.base.n_unknown_fields = 0;
    p.fingerprint = fp;
    p.has_enrolled_ms = true;
    p.enrolled_ms = r->now_ms;
    p.enrolled_by = (char *) r->actor;
    if (p.kind != PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR)
        p.has_role = false;
    rc = tables_put (r->txn, DB_PRINCIPALS, &k, &p, &r->broker->scratch, 0);
    if (!rc)
        rc = pmo_put (r->txn, DB_PRINCIPAL_KEYS, raw, sizeof raw, p.name, strlen (p.name), 0);
    if (rc)
        return req_fail (r, rc, "", "principal %s: %s", p.name, pmo_strerror (rc));
    return events_emit (r, "key.enrolled", NULL, PMO__EVENT__BODY_PRINCIPAL, &p);
}

/*  How many admins are enrolled. */
static size_t
s_admins (pmo_txn_t *txn)
{
    pmo_cursor_t *cur;
    if (pmo_cursor_open (txn, DB_PRINCIPALS, &cur))
        return 0;
    size_t n = 0;
    pmo_val_t k, v;
    for (int rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); !rc; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Principal *p = pmo_wire_unpack (&pmo__principal__descriptor, v.data, v.len);
        n += p && p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR && p->role == PMO__ROLE__ROLE_ADMIN;
        pmo_wire_free (p);
    }
    pmo_cursor_close (&cur);
    return n;
}

int
handle_key_revoke (req_t *r)
{
    const char *name = r->req->key_revoke->name;
    int rc = s_check_name (r, name);
    if (rc)
        return rc;
    Pmo__Principal *p = NULL;
    rc = req_load (r, DB_PRINCIPALS, name, "principal", &pmo__principal__descriptor, (void **) &p);
    if (rc)
        return rc;
    if (p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR && p->role == PMO__ROLE__ROLE_ADMIN
        && s_admins (r->txn) <= 1)
        return req_fail (r, PMO_ESTATE, "name", "principal %s is the last admin: enrol another admin first", name);
    pmo_key_t k;
    tables_key_code (&k, name);
    uint8_t raw[32];
    rc = pmo_del (r->txn, DB_PRINCIPALS, k.buf, k.len);
    if (!rc && pmo_key_decode (p->public_key, raw) == PMO_OK) {
        rc = pmo_del (r->txn, DB_PRINCIPAL_KEYS, raw, sizeof raw);
        if (rc == PMO_ENOTFOUND)
            rc = PMO_OK;
    }
    if (rc)
        return req_fail (r, rc, "", "principal %s: %s", name, pmo_strerror (rc));
    rc = events_emit (r, "key.revoked", NULL, PMO__EVENT__BODY_PRINCIPAL, p);
    if (!rc)
        r->broker->auth->pub_reset = true;
    return rc;
}

int
handle_key_list (req_t *r)
{
    Pmo__PrincipalList *list = req_keep_mem (r, pmo_calloc (1, sizeof *list));
    pmo__principal_list__init (list);
    size_t cap = 0;
    pmo_cursor_t *cur;
    int rc = pmo_cursor_open (r->txn, DB_PRINCIPALS, &cur);
    if (rc)
        return req_fail (r, rc, "", "principals: %s", pmo_strerror (rc));
    pmo_val_t k, v;
    for (rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); !rc; rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Principal *p = pmo_wire_unpack (&pmo__principal__descriptor, v.data, v.len);
        if (!p)
            continue;
        req_keep (r, p);
        if (list->n_principals == cap) {
            cap = cap ? cap * 2 : 16;
            list->principals = pmo_realloc (list->principals, cap * sizeof *list->principals);
        }
        list->principals[list->n_principals++] = p;
    }
    pmo_cursor_close (&cur);
    req_keep_mem (r, list->principals);
    r->reply->body_case = PMO__REPLY__BODY_PRINCIPALS;
    r->reply->principals = list;
    return PMO_OK;
}
