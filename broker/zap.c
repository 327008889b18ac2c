/*  zap: pmod's side of CurveZMQ.  Its own keypair (DATA/server.key, made on
 *  first start), the CURVE server options of the ROUTER and the PUB
 *  socket, and the ZAP handler that admits a client key only when it is
 *  enrolled.
 *
 *  The ZAP handler is an inproc REP socket served from pmod's own loop
 *  (never a thread: principals are read in a read txn of this thread,
 *  between batches).  It replies User-Id = the principal's name and the
 *  metadata property X-Key = the client's public key, which auth.c reads
 *  per message to look the principal up again: a revocation reaches a
 *  connected peer at its next request.
 *
 *  Refused handshakes are logged with the key's fingerprint, at most ten
 *  lines a minute, then one line counting the rest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "pmo/pmo_client.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_log.h"

#define S_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define S_REFUSALS_PER_MINUTE 10
#define S_INSECURE_REMINDER_MS (10 * 60 * 1000)

static int
s_server_keys (auth_t *self, const char *data_dir, char *why, size_t why_len)
{
    char path[4200];
    snprintf (path, sizeof path, "%s/server.key", data_dir);
    if (access (path, F_OK) != 0) {
        int rc = pmo_key_generate (path, NULL, why, why_len);
        if (rc)
            return rc;
        /*  Every file of the data directory is 0600; clients get a copy. */
        char pub[4300];
        snprintf (pub, sizeof pub, "%s.pub", path);
        chmod (pub, 0600);
        pmo_log_info ("made pmod's CURVE keypair: %s (secret) and %s.pub (give this to clients)", path, path);
    }
    return pmo_key_load_secret (path, &self->server, why, why_len);
}

int
auth_new (broker_t *broker, const broker_opts_t *opts, char *why, size_t why_len)
{
    auth_t *self = pmo_calloc (1, sizeof *self);
    broker->auth = self;
    self->insecure = opts->insecure;
    self->rate_per_s = opts->rate_per_s;
    self->burst = opts->burst > 0 ? opts->burst : opts->rate_per_s;
    self->buckets = pmo_calloc (AUTH_BUCKETS, sizeof *self->buckets);
    if (self->insecure || !opts->endpoint)
        return PMO_OK;  /* no sockets (fuzz target), or no authentication */
    int rc = s_server_keys (self, opts->data_dir, why, why_len);
    if (rc)
        return rc;
    self->zap = zmq_socket (pmo_zmq_ctx (), ZMQ_REP);
    int linger = 0;
    if (!self->zap || zmq_setsockopt (self->zap, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_bind (self->zap, S_ZAP_ENDPOINT) != 0) {
        rc = errno;
        snprintf (why, why_len, "cannot start the ZAP handler: %s", zmq_strerror (rc));
        return rc;
    }
    return PMO_OK;
}

void
auth_destroy (auth_t **auth_p)
{
    auth_t *self = auth_p ? *auth_p : NULL;
    if (!self)
        return;
    if (self->zap)
        zmq_close (self->zap);
    free (self->buckets);
    memset (&self->server, 0, sizeof self->server);
    free (self);
    *auth_p = NULL;
}

int
auth_server_socket (auth_t *self, void *sock, const char *domain)
{
    if (self->insecure)
        return PMO_OK;
    int one = 1;
    if (zmq_setsockopt (sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
        || zmq_setsockopt (sock, ZMQ_CURVE_SECRETKEY, self->server.secret_z85, PMO_KEY_Z85_LEN + 1) != 0
        || zmq_setsockopt (sock, ZMQ_ZAP_DOMAIN, domain, strlen (domain)) != 0)
        return errno;
    return PMO_OK;
}

/*  Starts a new minute of refusal logging once the last one is over,
 *  counting what it did not log. */
static void
s_refusal_window (auth_t *self, int64_t now)
{
    if (now < self->refusal_window_mono + 60000)
        return;
    if (self->n_refusals_suppressed)
        pmo_log_warn ("%u more refused connections in the last minute (not logged one by one)",
                      self->n_refusals_suppressed);
    self->refusal_window_mono = now;
    self->n_refusals_logged = self->n_refusals_suppressed = 0;
}

void
auth_log_refusal (auth_t *self, const char *fmt, ...)
{
    s_refusal_window (self, pmo_clock_mono_ms ());
    if (self->n_refusals_logged >= S_REFUSALS_PER_MINUTE) {
        self->n_refusals_suppressed++;
        return;
    }
    self->n_refusals_logged++;
    char line[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (line, sizeof line, fmt, ap);
    va_end (ap);
    pmo_log_warn ("%s", line);
}

void
auth_tick (broker_t *broker)
{
    auth_t *self = broker->auth;
    int64_t now = pmo_clock_mono_ms ();
    if (self->insecure && now >= self->next_warn_mono) {
        pmo_log_warn ("INSECURE: no authentication (--insecure): every peer is an admin named by its "
                      "Request.actor; for local demos only");
        self->next_warn_mono = now + S_INSECURE_REMINDER_MS;
    }
    if (self->n_refusals_suppressed)
        s_refusal_window (self, now);
}

/*  The ZMTP property list of the ZAP reply: X-Key = the client's key. */
static size_t
s_metadata (uint8_t *buf, const char *key_z85)
{
    const char *name = "X-Key";
    size_t n = 0, nl = strlen (name), vl = strlen (key_z85);
    buf[n++] = (uint8_t) nl;
    memcpy (buf + n, name, nl);
    n += nl;
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = (uint8_t) vl;
    memcpy (buf + n, key_z85, vl);
    return n + vl;
}

/*  Decides one ZAP request: 200 with the principal's name, or 400. */
static void
s_decide (broker_t *broker, const char *domain, const char *address, const uint8_t *key, size_t key_len,
          const char *mechanism, char *status, char *text, size_t text_len, char *user_id)
{
    auth_t *self = broker->auth;
    strcpy (status, "400");
    user_id[0] = '\0';
    if (!streq (mechanism, "CURVE") || key_len != 32) {
        snprintf (text, text_len, "CURVE required");
        auth_log_refusal (self, "refused a %s connection from %s on %s: CURVE required", mechanism, address, domain);
        return;
    }
    char fp[PMO_KEY_FP_LEN + 1];
    pmo_key_fingerprint (key, fp);
    pmo_txn_t *txn = NULL;
    Pmo__Principal *p = NULL;
    int rc = pmo_txn_begin (broker->store, NULL, false, &txn);
    pmo_val_t v;
    if (!rc)
        rc = pmo_get (txn, DB_PRINCIPAL_KEYS, key, 32, &v);
    char name[PRINCIPAL_NAME_MAX + 1] = "";
    if (!rc) {
        size_t n = v.len < sizeof name - 1 ? v.len : sizeof name - 1;
        memcpy (name, v.data, n);
        name[n] = '\0';
        rc = auth_principal_get (txn, name, &p);
    }
    pmo_txn_abort (&txn);
    if (rc) {
        snprintf (text, text_len, "key not enrolled");
        auth_log_refusal (self, "refused key %s from %s on %s: not enrolled (pmoctl key enrol)", fp, address,
                          domain);
        pmo_wire_free (p);
        return;
    }
    /*  The event stream is the audit trail: subscribers and analysts up. */
    bool may = true;
    if (streq (domain, "events"))
        may = p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_SUBSCRIBER
              || (p->kind == PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR && p->role >= PMO__ROLE__ROLE_ANALYST);
    if (!may) {
        snprintf (text, text_len, "may not subscribe");
        auth_log_refusal (self, "refused principal %s (key %s) from %s on events: only subscribers and "
                          "analysts or above subscribe", name, fp, address);
    } else {
        strcpy (status, "200");
        snprintf (text, text_len, "OK");
        pmo_strlcpy (user_id, name, PRINCIPAL_NAME_MAX + 1);
        pmo_log_debug ("admitted principal %s (key %s) from %s on %s", name, fp, address, domain);
    }
    pmo_wire_free (p);
}

/*  Frames of a ZAP request: version, id, domain, address, identity,
 *  mechanism, credentials...  Returns the count read (at most max). */
static int
s_recv_request (void *sock, zmq_msg_t *frames, int max)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t f;
        zmq_msg_init (&f);
        if (zmq_msg_recv (&f, sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close (&f);
            break;
        }
        more = zmq_msg_more (&f);
        if (n < max) {
            zmq_msg_init (&frames[n]);
            zmq_msg_move (&frames[n], &f);
            n++;
        }
        zmq_msg_close (&f);
    }
    return n;
}

static void
s_frame_str (zmq_msg_t *f, char *out, size_t n)
{
    size_t len = zmq_msg_size (f) < n - 1 ? zmq_msg_size (f) : n - 1;
    memcpy (out, zmq_msg_data (f), len);
    out[len] = '\0';
}

void
auth_zap_serve (broker_t *broker)
{
    auth_t *self = broker->auth;
    if (!self->zap)
        return;
    for (;;) {
        zmq_msg_t fr[8];
        int n = s_recv_request (self->zap, fr, 8);
        if (n == 0)
            return;
        char id[64] = "", domain[32] = "", address[64] = "", mechanism[16] = "";
        char status[4], text[64], user_id[PRINCIPAL_NAME_MAX + 1] = "", key_z85[PMO_KEY_Z85_LEN + 1] = "";
        uint8_t meta[64];
        size_t meta_len = 0;
        if (n >= 6) {
            s_frame_str (&fr[2], domain, sizeof domain);
            s_frame_str (&fr[3], address, sizeof address);
            s_frame_str (&fr[5], mechanism, sizeof mechanism);
        }
        const uint8_t *key = n >= 7 ? zmq_msg_data (&fr[6]) : NULL;
        size_t key_len = n >= 7 ? zmq_msg_size (&fr[6]) : 0;
        s_decide (broker, domain, address, key, key_len, mechanism, status, text, sizeof text, user_id);
        if (streq (status, "200")) {
            pmo_key_encode (key, key_z85);
            meta_len = s_metadata (meta, key_z85);
        }
        /*  Reply: version, request id (echoed as received), status, text,
         *  user id, metadata. */
        size_t id_len = n >= 2 ? zmq_msg_size (&fr[1]) : 0;
        if (id_len > sizeof id)
            id_len = sizeof id;
        if (n >= 2)
            memcpy (id, zmq_msg_data (&fr[1]), id_len);
        zmq_send (self->zap, "1.0", 3, ZMQ_SNDMORE);
        zmq_send (self->zap, id, id_len, ZMQ_SNDMORE);
        zmq_send (self->zap, status, 3, ZMQ_SNDMORE);
        zmq_send (self->zap, text, strlen (text), ZMQ_SNDMORE);
        zmq_send (self->zap, user_id, strlen (user_id), ZMQ_SNDMORE);
        zmq_send (self->zap, meta, meta_len, 0);
        for (int i = 0; i < n; i++)
            zmq_msg_close (&fr[i]);
    }
}
