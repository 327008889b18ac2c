/*  pmo_client: DEALER request/reply with a deadline.  Frames are
 *  [empty][Request] out and [empty][Reply] in, the same as a REQ socket
 *  would use, so pmod's ROUTER sees one shape from every client. */
#include "pmo/pmo_client.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <zmq.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"

struct pmo_client {
    void *sock;
    char *endpoint;
    uint64_t next_corr;
    pmo_buf_t buf;
};

static void *s_ctx = NULL;

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

static int
s_connect (pmo_client_t *self)
{
    self->sock = zmq_socket (pmo_zmq_ctx (), ZMQ_DEALER);
    if (!self->sock)
        return errno;
    int linger = 0;
    int64_t max = PMO_MAX_REPLY_BYTES;
    zmq_setsockopt (self->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    if (zmq_connect (self->sock, self->endpoint) != 0) {
        int rc = errno;
        zmq_close (self->sock);
        self->sock = NULL;
        return rc;
    }
    return PMO_OK;
}

int
pmo_client_open (const char *endpoint, pmo_client_t **client_p)
{
    pmo_client_t *self = pmo_calloc (1, sizeof *self);
    self->endpoint = pmo_strdup (endpoint);
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
    if (self->sock)
        zmq_close (self->sock);
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
    if (self->sock)
        zmq_close (self->sock);
    self->sock = NULL;
    return s_connect (self);
}

int
pmo_client_send (pmo_client_t *self, Pmo__Request *req)
{
    req->has_corr = true;
    req->corr = ++self->next_corr;
    pmo_wire_pack (req, &self->buf);
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
pmo_client_recv (pmo_client_t *self, int timeout_ms, Pmo__Reply **reply_p)
{
    *reply_p = NULL;
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left < 0)
            left = 0;
        zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll (&item, 1, (long) left);
        if (n < 0) {
            if (errno == EINTR)
                return EINTR;
            return errno;
        }
        if (n == 0)
            return PMO_ETIMEOUT;
        int rc = s_read_reply (self, reply_p);
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
