/*  auth: per-request authorisation (see auth.h).
 *
 *  Order for each request: the rate limit of its principal (BUSY, not
 *  audited: a flood must not fill the log), who it is (secure: the ZAP
 *  User-Id looked up again by name and checked against the connection's
 *  key, so a revoked or replaced key stops at once), whether its kind is
 *  open to that principal (the dispatch table's access column), and, for a
 *  team agent, inside the write txn, whether the project, person or team
 *  it reports on is its own.  Refusals are STATUS_DENIED with a sentence
 *  naming the principal, the request kind and what it needs; batch.c
 *  writes them to the audit log (auth_audit_denial).
 */
#include <stdio.h>
#include <stdlib.h>

#include "auth.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

static const char *const s_role_names[] = {"none", "viewer", "analyst", "manager", "admin"};

static const char *
s_role_name (unsigned role)
{
    return role < PMO_ARRAY_LEN (s_role_names) ? s_role_names[role] : "?";
}

void
auth_capture (auth_peer_t *peer, zmq_msg_t *frame)
{
    const char *uid = zmq_msg_gets (frame, "User-Id");
    const char *key = zmq_msg_gets (frame, "X-Key");
    if (uid && *uid) {
        peer->is_secure = true;
        pmo_strlcpy (peer->user_id, uid, sizeof peer->user_id);
    }
    if (key)
        pmo_strlcpy (peer->key, key, sizeof peer->key);
}

int
auth_principal_get (pmo_txn_t *txn, const char *name, Pmo__Principal **p_out)
{
    pmo_key_t k;
    tables_key_code (&k, name);
    return tables_get (txn, DB_PRINCIPALS, &k, &pmo__principal__descriptor, (void **) p_out);
}

void
auth_describe (const principal_t *who, char *buf, size_t n)
{
    switch (who->kind) {
    case PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR: snprintf (buf, n, "%s", s_role_name (who->role)); break;
    case PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT: snprintf (buf, n, "agent of team %s", who->team); break;
    case PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER: snprintf (buf, n, "subscriber"); break;
    default: snprintf (buf, n, "unknown"); break;
    }
}

/* ---- rate limit ------------------------------------------------------------ */

static uint32_t
s_hash (const char *s)
{
    uint64_t h = pmo_fnv1a64 (PMO_FNV1A64_INIT, s, strlen (s));
    return (uint32_t) (h ^ (h >> 32));
}

/*  The bucket of name: its own, else a free or full (idle) slot near its
 *  hash; when eight busy principals sit there, the first is shared. */
static bucket_t *
s_bucket (auth_t *self, const char *name, int64_t now)
{
    uint32_t h = s_hash (name);
    bucket_t *idle = NULL;
    for (unsigned i = 0; i < 8; i++) {
        bucket_t *b = &self->buckets[(h + i) % AUTH_BUCKETS];
        if (streq (b->name, name))
            return b;
        double refill = (double) (now - b->last_ms) * self->rate_per_s / 1000.0;
        if (!idle && (!b->name[0] || b->tokens + refill >= self->burst))
            idle = b;
    }
    bucket_t *b = idle ? idle : &self->buckets[h % AUTH_BUCKETS];
    if (idle) {
        pmo_strlcpy (b->name, name, sizeof b->name);
        b->tokens = self->burst;
        b->last_ms = now;
    }
    return b;
}

static bool
s_take_token (auth_t *self, const char *name)
{
    if (self->rate_per_s <= 0)
        return true;
    int64_t now = pmo_clock_mono_ms ();
    bucket_t *b = s_bucket (self, name, now);
    b->tokens += (double) (now - b->last_ms) * self->rate_per_s / 1000.0;
    if (b->tokens > self->burst)
        b->tokens = self->burst;
    b->last_ms = now;
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

/* ---- admission --------------------------------------------------------------- */

int
auth_throttle (broker_t *broker, auth_peer_t *peer, pmo_reason_t *reason)
{
    auth_t *self = broker->auth;
    if (peer->has_token || (!peer->is_secure && !peer->who.name[0]))
        return PMO_OK;  /* taken already, or not yet known who asks */
    const char *name = peer->is_secure ? peer->user_id : peer->who.name;
    peer->has_token = true;
    if (!s_take_token (self, name)) {
        pmo_reason_set (reason, PMO_EBUSY, "", "slow down: principal %s is over its rate limit of %d requests/s "
                        "(burst %d); resend later", name, self->rate_per_s, self->burst);
        return PMO_EBUSY;
    }
    return PMO_OK;
}

/*  Secure mode: the principal named by the connection, if it is still
 *  enrolled with the connection's key. */
static int
s_resolve (broker_t *broker, pmo_txn_t **txn_p, auth_peer_t *peer, pmo_reason_t *reason)
{
    principal_t *who = &peer->who;
    pmo_strlcpy (who->name, peer->user_id[0] ? peer->user_id : "unknown", sizeof who->name);
    if (!peer->user_id[0]) {
        pmo_reason_set (reason, PMO_EDENIED, "", "not authenticated: connect with a key (CURVE)");
        return PMO_EDENIED;
    }
    int rc = *txn_p ? PMO_OK : pmo_txn_begin (broker->store, NULL, false, txn_p);
    if (rc) {
        pmo_reason_set (reason, rc, "", "principals: %s", pmo_strerror (rc));
        return rc;
    }
    Pmo__Principal *p = NULL;
    rc = auth_principal_get (*txn_p, peer->user_id, &p);
    if (rc == PMO_OK && (!p->public_key || !streq (p->public_key, peer->key)))
        rc = PMO_ENOTFOUND;  /* re-enrolled under another key */
    if (rc) {
        pmo_wire_free (p);
        pmo_reason_set (reason, PMO_EDENIED, "", "principal %s: key revoked", peer->user_id);
        return PMO_EDENIED;
    }
    who->kind = p->kind;
    who->role = p->role;
    pmo_strlcpy (who->team, p->team ? p->team : "", sizeof who->team);
    pmo_wire_free (p);
    return PMO_OK;
}

/*  The agent id an agent's update or heartbeat claims. */
static const char *
s_claimed_agent (const Pmo__Request *req)
{
    if (req->body_case == PMO__REQUEST__BODY_HEARTBEAT)
        return req->heartbeat->agent;
    return req->update ? req->update->agent : NULL;
}

static int
s_access (const principal_t *who, bool authenticated, const dispatch_entry_t *e, const Pmo__Request *req,
          pmo_reason_t *reason)
{
    unsigned role = e->access & ACCESS_ROLE_MASK;
    if (role == 0)
        role = ACCESS_ADMIN;  /* fail closed: a kind nobody classified */
    char what[80];
    auth_describe (who, what, sizeof what);
    switch (who->kind) {
    case PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR: {
        if ((unsigned) who->role < role) {
            pmo_reason_set (reason, PMO_EDENIED, "", "principal %s (%s) may not %s: needs %s", who->name, what,
                            e->name, s_role_name (role));
            return PMO_EDENIED;
        }
        /*  Update ids are their sender's, for operators too: a manager
         *  reporting as agent X would turn X's own later updates of the
         *  same seqs into "duplicates", silently dropped.  (Without keys
         *  nobody has a name of their own to check against.) */
        const char *claimed = s_claimed_agent (req);
        if (authenticated && claimed && *claimed && !streq (claimed, who->name)) {
            pmo_reason_set (reason, PMO_EDENIED, "update", "principal %s (%s) may not %s as agent \"%.64s\": "
                            "updates are sent under the sender's own name", who->name, what, e->name, claimed);
            return PMO_EDENIED;
        }
        return PMO_OK;
    }
    case PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT:
        if (!(e->access & ACCESS_AGENT)) {
            pmo_reason_set (reason, PMO_EDENIED, "", "principal %s (%s) may not %s: agents send updates only",
                            who->name, what, e->name);
            return PMO_EDENIED;
        }
        /*  An agent's update ids are its own: reporting under another
         *  agent's id would make that agent's updates look like resends. */
        const char *claimed = s_claimed_agent (req);
        if (req->body_case != PMO__REQUEST__BODY_PING && (!claimed || !streq (claimed, who->name))) {
            pmo_reason_set (reason, PMO_EDENIED, "update", "principal %s (%s) may not %s as agent \"%.64s\": "
                            "an agent reports under its own name", who->name, what, e->name, claimed ? claimed : "");
            return PMO_EDENIED;
        }
        return PMO_OK;
    case PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER:
        if (e->access & ACCESS_SUBSCRIBER)
            return PMO_OK;
        pmo_reason_set (reason, PMO_EDENIED, "", "principal %s (%s) may not %s: subscribers receive events only",
                        who->name, what, e->name);
        return PMO_EDENIED;
    default:
        pmo_reason_set (reason, PMO_EDENIED, "", "principal %s has no kind", who->name);
        return PMO_EDENIED;
    }
}

int
auth_admit (broker_t *broker, pmo_txn_t **txn_p, auth_peer_t *peer, const dispatch_entry_t *entry,
            const Pmo__Request *req, pmo_reason_t *reason)
{
    auth_t *self = broker->auth;
    principal_t *who = &peer->who;
    if (self->insecure || !peer->is_secure) {
        if (!self->insecure) {
            /*  Only reachable without sockets (the fuzz target builds a
             *  broker with no transport): nobody is trusted by accident. */
            pmo_reason_set (reason, PMO_EDENIED, "", "not authenticated: connect with a key (CURVE)");
            return PMO_EDENIED;
        }
        const char *actor = req->actor && *req->actor ? req->actor
                            : req->update && req->update->agent && *req->update->agent ? req->update->agent
                                                                                       : "anonymous";
        pmo_strlcpy (who->name, actor, sizeof who->name);
        who->kind = PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR;
        who->role = PMO__ROLE__ROLE_ADMIN;
    }
    int rc = auth_throttle (broker, peer, reason);
    if (rc)
        return rc;
    rc = peer->is_secure ? s_resolve (broker, txn_p, peer, reason) : PMO_OK;
    if (rc == PMO_OK)
        rc = s_access (who, peer->is_secure, entry, req, reason);
    peer->audit_denial = rc == PMO_EDENIED;
    return rc;
}

/* ---- an agent's scope ------------------------------------------------------- */

/*  The team of record code in db (project or person); "" when absent, so a
 *  request about a record that does not exist is left to its handler. */
static int
s_team_of (req_t *r, unsigned db, const char *code, const char **team)
{
    *team = NULL;
    if (!code || !*code)
        return PMO_OK;
    pmo_key_t k;
    tables_key_code (&k, code);
    void *msg = NULL;
    const ProtobufCMessageDescriptor *d = db == DB_PROJECTS ? &pmo__project__descriptor : &pmo__person__descriptor;
    int rc = tables_get (r->txn, db, &k, d, &msg);
    if (rc == PMO_ENOTFOUND || rc == PMO_ETOOBIG)
        return PMO_OK;
    if (rc)
        return req_fail (r, rc, "", "%s: %s", code, pmo_strerror (rc));
    req_keep (r, msg);
    const char *t = db == DB_PROJECTS ? ((Pmo__Project *) msg)->team : ((Pmo__Person *) msg)->team;
    *team = t ? t : "";
    return PMO_OK;
}

static int
s_must_be_own (req_t *r, const principal_t *who, const char *what, const char *code, const char *team)
{
    if (!team || streq (team, who->team))
        return PMO_OK;
    if (streq (what, "team"))
        return req_fail (r, PMO_EDENIED, what, "principal %s (agent of team %s) may not report for team %s",
                         who->name, who->team, code);
    return req_fail (r, PMO_EDENIED, what, "principal %s (agent of team %s) may not report for %s %s: it "
                     "belongs to team %s", who->name, who->team, what, code, *team ? team : "(none)");
}

int
auth_scope (req_t *r, auth_peer_t *peer)
{
    const principal_t *who = &peer->who;
    if (!peer->is_secure || who->kind != PMO__PRINCIPAL_KIND__PRINCIPAL_AGENT)
        return PMO_OK;
    const Pmo__Request *q = r->req;
    const char *project = NULL, *person = NULL, *team = NULL;
    switch (q->body_case) {
    case PMO__REQUEST__BODY_TIME: project = q->time->project; person = q->time->person; break;
    case PMO__REQUEST__BODY_COST: project = q->cost->project; break;
    case PMO__REQUEST__BODY_PROGRESS: project = q->progress->project; break;
    case PMO__REQUEST__BODY_MILESTONE_REACHED: project = q->milestone_reached->project; break;
    case PMO__REQUEST__BODY_HEARTBEAT:
        team = q->heartbeat->team ? q->heartbeat->team : "";
        break;
    case PMO__REQUEST__BODY_PING: return PMO_OK;
    /*  A void names only a ref, and refs are kept per agent id, which is
     *  already the agent's own: it can reach only what it booked itself. */
    case PMO__REQUEST__BODY_VOID_ENTRY: return PMO_OK;
    default:
        /*  An agent kind added without a scope rule here: closed. */
        peer->audit_denial = true;
        return req_fail (r, PMO_EDENIED, "", "principal %s (agent of team %s) may not send this request: "
                         "no team scope is defined for it", who->name, who->team);
    }
    int rc = PMO_OK;
    if (team)
        rc = s_must_be_own (r, who, "team", team, team);
    const char *owner = NULL;
    if (!rc && project)
        rc = s_team_of (r, DB_PROJECTS, project, &owner);
    if (!rc && project)
        rc = s_must_be_own (r, who, "project", project, owner);
    if (!rc && person)
        rc = s_team_of (r, DB_PEOPLE, person, &owner);
    if (!rc && person)
        rc = s_must_be_own (r, who, "person", person, owner);
    peer->audit_denial = rc == PMO_EDENIED;
    return rc;
}

int
auth_audit_denial (req_t *r, const auth_peer_t *peer, const char *request, const char *reason)
{
    char what[80];
    auth_describe (&peer->who, what, sizeof what);
    Pmo__AuthDenied d = PMO__AUTH_DENIED__INIT;
    d.principal = (char *) peer->who.name;
    d.kind = what;
    d.request = (char *) request;
    d.reason = (char *) reason;
    r->actor = peer->who.name;
    return events_emit (r, "auth.denied", NULL, PMO__EVENT__BODY_AUTH_DENIED, &d);
}

/* ---- bootstrap -------------------------------------------------------------- */

static bool
s_has_admin (pmo_txn_t *txn)
{
    pmo_cursor_t *cur;
    if (pmo_cursor_open (txn, DB_PRINCIPALS, &cur))
        return false;
    bool found = false;
    pmo_val_t k, v;
    for (int rc = pmo_cursor_get (cur, PMO_CURSOR_FIRST, &k, &v); !rc && !found;
         rc = pmo_cursor_get (cur, PMO_CURSOR_NEXT, &k, &v)) {
        Pmo__Principal *p = pmo_wire_unpack (&pmo__principal__descriptor, v.data, v.len);
        found = p && p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR && p->role == PMO__ROLE__ROLE_ADMIN;
        pmo_wire_free (p);
    }
    pmo_cursor_close (&cur);
    return found;
}

typedef struct {
    const char *key;
    bool enrolled;
    char why[200];
} s_boot_t;

static int
s_bootstrap_txn (req_t *r, void *arg)
{
    s_boot_t *b = arg;
    if (s_has_admin (r->txn))
        return PMO_OK;
    Pmo__Principal p = PMO__PRINCIPAL__INIT;
    Pmo__KeyEnrol e = PMO__KEY_ENROL__INIT;
    p.name = (char *) "admin";
    p.has_kind = true;
    p.kind = PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR;
    p.has_role = true;
    p.role = PMO__ROLE__ROLE_ADMIN;
    p.public_key = (char *) b->key;
    e.principal = &p;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_KEY_ENROL;
    req.key_enrol = &e;
    r->req = &req;
    int rc = handle_key_enrol (r);
    r->req = NULL;
    b->enrolled = rc == PMO_OK;
    pmo_strlcpy (b->why, r->reason.text, sizeof b->why);
    return rc;
}

int
auth_bootstrap (broker_t *broker, const char *file, char *why, size_t why_len)
{
    char key[PMO_KEY_Z85_LEN + 1];
    int rc = pmo_key_load_public (file, key, why, why_len);
    if (rc)
        return rc;
    s_boot_t b = {key, false, ""};
    rc = batch_run_internal (broker, s_bootstrap_txn, &b);
    if (rc) {
        snprintf (why, why_len, "--admin-key %s: cannot enrol it as admin: %s", file,
                  b.why[0] ? b.why : pmo_strerror (rc));
        return rc;
    }
    if (b.enrolled)
        pmo_log_info ("enrolled the key in %s as principal admin (admin)", file);
    else
        pmo_log_info ("--admin-key %s: an admin is enrolled already; nothing changed", file);
    return PMO_OK;
}
