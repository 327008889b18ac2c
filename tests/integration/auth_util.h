/*  auth_util: keys, principals and raw CURVE sockets for the security
 *  tests (60-69).  Keys are made with libpmo's key files (the code pmoctl
 *  keygen runs) and enrolled with the real pmoctl, as an admin would. */
#ifndef PMO_TEST_AUTH_UTIL_H
#define PMO_TEST_AUTH_UTIL_H

#include <stdio.h>
#include <zmq.h>

#include "cli.h"
#include "client_util.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_curve.h"
#include "proc.h"

/*  A keypair DIR/<name>.key and the credentials that go with it. */
typedef struct {
    char path[400];
    char pub[420];
    pmo_curve_creds_t creds;
} tkey_t;

static inline int
tkey_make (tenv_t *e, const char *name, tkey_t *k)
{
    snprintf (k->path, sizeof k->path, "%s/%s.key", e->dir, name);
    snprintf (k->pub, sizeof k->pub, "%s.pub", k->path);
    char why[512];
    if (pmo_key_generate (k->path, NULL, why, sizeof why) != 0
        || pmo_curve_creds_load (k->path, e->server_pub, &k->creds, why, sizeof why) != 0) {
        fprintf (stderr, "tkey_make %s: %s\n", name, why);
        return -1;
    }
    return 0;
}

/*  pmoctl key enrol NAME <how...> --public KEY.pub, as the admin (the
 *  environment's PMO_KEY).  how is "--role", "viewer" or "--agent", "T1"
 *  or "--subscriber", NULL.  Returns pmoctl's exit status. */
static inline int
tkey_enrol (const tkey_t *k, const char *name, const char *how, const char *arg)
{
    run_t r = arg ? RUN (PMOCTL_BIN, "key", "enrol", name, how, arg, "--public", k->pub)
                  : RUN (PMOCTL_BIN, "key", "enrol", name, how, "--public", k->pub);
    if (r.status != 0)
        fprintf (stderr, "enrol %s: %s", name, r.err ? r.err : "");
    int st = r.status;
    run_free (&r);
    return st;
}

static inline pmo_client_t *
tkey_client (tenv_t *e, const tkey_t *k)
{
    pmo_client_t *c = NULL;
    if (pmo_client_open_creds (e->endpoint, k ? &k->creds : NULL, &c) != 0)
        return NULL;
    return c;
}

/*  A ping's status (-1: no reply; -2: pmod refused the key). */
static inline int
tping (pmo_client_t *c, int timeout_ms, char *reason, size_t n)
{
    Pmo__Ping ping = PMO__PING__INIT;
    REQ (req, PING, ping, &ping);
    Pmo__Reply *r = NULL;
    int rc = pmo_client_call (c, &req, timeout_ms, &r);
    if (rc == PMO_EDENIED)
        return -2;
    if (rc)
        return -1;
    int st = (int) r->status;
    if (reason)
        snprintf (reason, n, "%s", r->reason ? r->reason : "");
    pmo_wire_free (r);
    return st;
}

/*  A SUB socket on pmod's events with creds (NULL: plain), subscribed to
 *  everything, with a monitor on mon_ep for handshake outcomes. */
static inline void *
tsub_open (tenv_t *e, const pmo_curve_creds_t *creds, const char *mon_ep, void **mon_p)
{
    void *sub = zmq_socket (pmo_zmq_ctx (), ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt (sub, ZMQ_LINGER, &linger, sizeof linger);
    if (creds)
        pmo_curve_client_apply (sub, creds);
    zmq_socket_monitor (sub, mon_ep, ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                                         | ZMQ_EVENT_DISCONNECTED);
    *mon_p = zmq_socket (pmo_zmq_ctx (), ZMQ_PAIR);
    zmq_setsockopt (*mon_p, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect (*mon_p, mon_ep);
    zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0);
    zmq_connect (sub, e->events);
    return sub;
}

static inline void
tsub_close (void *sub, void *mon)
{
    zmq_socket_monitor (sub, NULL, 0);
    zmq_close (mon);
    zmq_close (sub);
}

/*  Waits (deadline timeout_ms) for monitor event `want`; returns true when
 *  it came. */
static inline bool
tmon_wait (void *mon, uint16_t want, int timeout_ms)
{
    int64_t deadline = pmo_clock_mono_ms () + timeout_ms;
    for (;;) {
        int64_t left = deadline - pmo_clock_mono_ms ();
        if (left <= 0)
            return false;
        zmq_pollitem_t it = {mon, 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&it, 1, (long) left) <= 0)
            continue;
        zmq_msg_t f;
        zmq_msg_init (&f);
        bool hit = false;
        if (zmq_msg_recv (&f, mon, 0) >= 0 && zmq_msg_size (&f) >= 2) {
            uint16_t ev;
            memcpy (&ev, zmq_msg_data (&f), 2);
            hit = ev == want;
        }
        int more = zmq_msg_more (&f);
        zmq_msg_close (&f);
        while (more) {  /* the address frame */
            zmq_msg_init (&f);
            zmq_msg_recv (&f, mon, 0);
            more = zmq_msg_more (&f);
            zmq_msg_close (&f);
        }
        if (hit)
            return true;
    }
}

/*  Receives one event [topic][Event] within timeout_ms; returns its topic
 *  (malloc'd) or NULL. */
static inline char *
tsub_recv_topic (void *sub, int timeout_ms)
{
    zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll (&it, 1, timeout_ms) <= 0)
        return NULL;
    char topic[128] = "";
    int n = zmq_recv (sub, topic, sizeof topic - 1, 0);
    if (n < 0)
        return NULL;
    topic[n < (int) sizeof topic - 1 ? n : (int) sizeof topic - 1] = '\0';
    int more = 0;
    size_t ml = sizeof more;
    zmq_getsockopt (sub, ZMQ_RCVMORE, &more, &ml);
    while (more) {
        zmq_msg_t f;
        zmq_msg_init (&f);
        zmq_msg_recv (&f, sub, 0);
        more = zmq_msg_more (&f);
        zmq_msg_close (&f);
    }
    return strdup (topic);
}

/*  Whether pmod's log file contains text. */
static inline bool
tlog_file_has (tenv_t *e, const char *text)
{
    char path[400];
    snprintf (path, sizeof path, "%s/pmod.log", e->dir);
    char *log = read_file (path);
    bool has = log && strstr (log, text);
    free (log);
    return has;
}

#endif
