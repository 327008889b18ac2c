/*  pmo_client: DEALER request/reply with a deadline.  Frames are
 *  [empty][Request] out and [empty][Reply] in, the same as a REQ socket
 *  would use, so pmod's ROUTER sees one shape from every client. */
#include "pmo/pmo_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zmq.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

struct pmo_client {
    void *sock;
    char *endpoint;
    bool has_creds;
    pmo_curve_creds_t creds;
    void *monitor;               /* CURVE: handshake refusals, or NULL */
    uint64_t next_corr;
    pmo_buf_t buf;
};

static void *s_ctx = NULL;
/*  The process's CURVE credentials, like the context one per process. */
static bool s_has_creds = false;
static pmo_curve_creds_t s_creds;

void *
pmo_zmq_ctx (void)
{
    if (!s_ctx) {
        s_ctx = zmq_ctx_new ();
        if (!s_ctx)
            abort ();
    }
    return s_ctx;
}

bool
pmo_endpoint_supported (const char *endpoint)
{
    static const char *const ok[] = {"tcp://", "ipc://", "inproc://"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strncmp (endpoint, ok[i], strlen (ok[i])) == 0)
            return true;
    return false;
}

void
pmo_zmq_term (void)
{
    if (s_ctx)
        zmq_ctx_term (s_ctx);
    s_ctx = NULL;
}

const char *
pmo_endpoint_requests (const char *flag_value)
{
    if (flag_value)
        return flag_value;
    const char *env = getenv ("PMO_ENDPOINT");
    return env && *env ? env : PMO_DEFAULT_ENDPOINT;
}

const char *
pmo_endpoint_events (const char *flag_value)
{
    if (flag_value)
        return flag_value;
    const char *env = getenv ("PMO_EVENTS");
    return env && *env ? env : PMO_DEFAULT_EVENTS;
}

/*  With CURVE, a refused key shows only as a handshake event: watch for
 *  it, so the caller hears "refused" rather than waiting out its timeout. */
static void
s_monitor_open (pmo_client_t *self)
{
    static unsigned s_n = 0;
    char ep[64];
    snprintf (ep, sizeof ep, "inproc://pmo-client-monitor-%u-%p", s_n++, (void *) self);
    if (zmq_socket_monitor (self->sock, ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
        return;
    self->monitor = zmq_socket (pmo_zmq_ctx (), ZMQ_PAIR);
    int linger = 0;
    if (self->monitor)
        zmq_setsockopt (self->monitor, ZMQ_LINGER, &linger, sizeof linger);
    if (self->monitor && zmq_connect (self->monitor, ep) != 0) {
        zmq_close (self->monitor);
        self->monitor = NULL;
    }
}

static void
s_monitor_close (pmo_client_t *self)
{
    if (!self->monitor)
        return;
    zmq_socket_monitor (self->sock, NULL, 0);
    zmq_close (self->monitor);
    self->monitor = NULL;
}

/*  True when the monitor reported a refused handshake. */
static bool
s_monitor_refused (pmo_client_t *self)
{
    bool refused = false;
    for (;;) {
        zmq_msg_t f;
        zmq_msg_init (&f);
        if (zmq_msg_recv (&f, self->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&f);
            return refused;
        }
        if (zmq_msg_size (&f) >= 2) {
            uint16_t event;
            memcpy (&event, zmq_msg_data (&f), 2);
            refused = refused || event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
        }
        zmq_msg_close (&f);
    }
}

static int
s_connect (pmo_client_t *self)
{
    if (!pmo_endpoint_supported (self->endpoint))
        return EPROTONOSUPPORT;
    self->sock = zmq_socket (pmo_zmq_ctx (), ZMQ_DEALER);
    if (!self->sock)
        return errno;
    int linger = 0;
    int64_t max = PMO_MAX_REPLY_BYTES;
    zmq_setsockopt (self->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    if (self->has_creds && pmo_curve_client_apply (self->sock, &self->creds) != PMO_OK) {
        int rc = errno;
        zmq_close (self->sock);
        self->sock = NULL;
        return rc;
    }
    if (self->has_creds)
        s_monitor_open (self);
    if (zmq_connect (self->sock, self->endpoint) != 0) {
        int rc = errno;
        s_monitor_close (self);
        zmq_close (self->sock);
        self->sock = NULL;
        return rc;
    }
    return PMO_OK;
}

void
pmo_client_set_creds (const pmo_curve_creds_t *creds)
{
    s_has_creds = creds != NULL;
    if (creds)
        s_creds = *creds;
    else
        memset (&s_creds, 0, sizeof s_creds);
}

int
pmo_client_setup_keys (const char *key_file, const char *server_file, char *why, size_t why_len)
{
    const char *env_key = getenv ("PMO_KEY"), *env_server = getenv ("PMO_SERVER_KEY");
    if (!key_file && env_key && *env_key)
        key_file = env_key;
    /*  "none" (the help's word for pmod --insecure) is no file name, and it
     *  wins over a server key from the environment: else it could not turn
     *  CURVE off where PMO_KEY and PMO_SERVER_KEY are exported. */
    if (key_file && streq (key_file, PMO_KEY_NONE)) {
        pmo_client_set_creds (NULL);
        return PMO_OK;
    }
    if (!server_file && env_server && *env_server)
        server_file = env_server;
    if (!key_file && !server_file) {
        pmo_client_set_creds (NULL);
        return PMO_OK;
    }
    if (!key_file || !server_file) {
        snprintf (why, why_len, "%s",
                  key_file ? "a key file (--key/PMO_KEY) needs pmod's public key too (--server-key/PMO_SERVER_KEY)"
                           : "pmod's public key (--server-key/PMO_SERVER_KEY) needs a key file too (--key/PMO_KEY)");
        return PMO_EINVAL;
    }
    pmo_curve_creds_t creds;
    int rc = pmo_curve_creds_load (key_file, server_file, &creds, why, why_len);
    if (rc == PMO_OK)
        pmo_client_set_creds (&creds);
    memset (&creds, 0, sizeof creds);
    return rc;
}

int
pmo_client_secure_socket (void *sock)
{
    return s_has_creds ? pmo_curve_client_apply (sock, &s_creds) : PMO_OK;
}

int
pmo_client_open (const char *endpoint, pmo_client_t **client_p)
{
    return pmo_client_open_creds (endpoint, s_has_creds ? &s_creds : NULL, client_p);
}

int
pmo_client_open_creds (const char *endpoint, const pmo_curve_creds_t *creds, pmo_client_t **client_p)
{
    pmo_client_t *self = pmo_calloc (1, sizeof *self);
    self->endpoint = pmo_strdup (endpoint);
    self->has_creds = creds != NULL;
    if (creds)
        self->creds = *creds;
    /*  Start corr from the clock and pid so a reply meant for an earlier
     *  process on a reused connection is never taken for ours. */
    self->next_corr = ((uint64_t) pmo_clock_mono_ns () << 16) ^ (uint64_t) getpid ();
    int rc = s_connect (self);
    if (rc) {
        pmo_client_close (&self);
        *client_p = NULL;
        return rc;
    }
    *client_p = self;
    return PMO_OK;
}

void
pmo_client_close (pmo_client_t **client_p)
{
    pmo_client_t *self = client_p ? *client_p : NULL;
    if (!self)
        return;
    if (self->sock) {
        s_monitor_close (self);
        zmq_close (self->sock);
    }
    free (self->endpoint);
    pmo_buf_free (&self->buf);
    free (self);
    *client_p = NULL;
}

void *
pmo_client_socket (pmo_client_t *self)
{
    return self->sock;
}

int
pmo_client_reconnect (pmo_client_t *self)
{
    if (self->sock) {
        s_monitor_close (self);
        zmq_close (self->sock);
    }
    self->sock = NULL;
    return s_connect (self);
}

int
pmo_client_send (pmo_client_t *self, Pmo__Request *req)
{
    req->has_corr = true;
    req->corr = ++self->next_corr;
    pmo_wire_pack (req, &self->buf);
    if (self->buf.len > PMO_MAX_REQUEST_BYTES)
        return PMO_ETOOBIG;
    if (zmq_send (self->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return errno == EAGAIN ? PMO_EBUSY : errno;
    if (zmq_send (self->sock, self->buf.data, self->buf.len, ZMQ_DONTWAIT) < 0)
        return errno == EAGAIN ? PMO_EBUSY : errno;
    return PMO_OK;
}

/*  Reads one whole multipart message; returns the last frame's reply. */
static int
s_read_reply (pmo_client_t *self, Pmo__Reply **reply_p)
{
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    Pmo__Reply *reply = NULL;
    int rc = PMO_EPROTO;
    int more = 1;
    int n = 0;
    while (more) {
        if (zmq_msg_recv (&frame, self->sock, 0) < 0) {
            rc = errno;
            break;
        }
        more = zmq_msg_more (&frame);
        n++;
        /*  [empty][Reply]: the body is frame 2 and the last one. */
        if (!more && n == 2) {
            reply = pmo_wire_reply_unpack (zmq_msg_data (&frame), zmq_msg_size (&frame));
            rc = reply ? PMO_OK : PMO_EPROTO;
        }
    }
    zmq_msg_close (&frame);
    *reply_p = reply;
    return rc;
}

int
pmo_client_wait (pmo_client_t *self, int64_t deadline_ms)
{
    for (;;) {
        int64_t left = deadline_ms - pmo_clock_mono_ms ();
        if (left < 0)
            left = 0;
        zmq_pollitem_t items[] = {{self->sock, 0, ZMQ_POLLIN, 0}, {self->monitor, 0, ZMQ_POLLIN, 0}};
        int n = zmq_poll (items, self->monitor ? 2 : 1, (long) left);
        if (n < 0)
            return errno;
        if (n == 0)
            return PMO_ETIMEOUT;
        if (self->monitor && (items[1].revents & ZMQ_POLLIN) && s_monitor_refused (self))
            return PMO_EDENIED;
        if (items[0].revents & ZMQ_POLLIN)
            return PMO_OK;
    }
}

int
pmo_client_recv (pmo_client_t *self, int timeout_ms, Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int rc = pmo_client_wait (self, deadline);
        if (rc)
            return rc;
        rc = s_read_reply (self, reply_p);
        if (rc != PMO_EPROTO)
            return rc;
        /*  A malformed reply is skipped; keep waiting until the deadline. */
    }
}

int
pmo_client_call (pmo_client_t *self, Pmo__Request *req, int timeout_ms, Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    int rc = pmo_client_send (self, req);
    if (rc)
        return rc;
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        Pmo__Reply *reply = NULL;
        rc = pmo_client_recv (self, left > 0 ? (int) left : 0, &reply);
        if (rc)
            return rc;
        if (reply->has_corr && reply->corr == req->corr) {
            *reply_p = reply;
            return PMO_OK;
        }
        pmo_wire_free (reply);  /* a late answer to an earlier request */
    }
}

int
pmo_client_status_rc (Pmo__Status status)
{
    switch (status) {
    case PMO__STATUS__STATUS_OK: return PMO_OK;
    case PMO__STATUS__STATUS_INVALID: return PMO_EINVAL;
    case PMO__STATUS__STATUS_NOT_FOUND: return PMO_ENOTFOUND;
    case PMO__STATUS__STATUS_EXISTS: return PMO_EEXIST;
    case PMO__STATUS__STATUS_PROTOCOL: return PMO_EPROTO;
    case PMO__STATUS__STATUS_FULL: return PMO_EFULL;
    case PMO__STATUS__STATUS_DENIED: return PMO_EDENIED;
    case PMO__STATUS__STATUS_BUSY: return PMO_EBUSY;
    case PMO__STATUS__STATUS_STATE: return PMO_ESTATE;
    case PMO__STATUS__STATUS_TOO_BIG: return PMO_ETOOBIG;
    default: return PMO_EINTERNAL;
    }
}
