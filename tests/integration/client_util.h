/*  client_util: terse request builders for protocol-level integration
 *  tests that talk to pmod through libpmo's client, as an agent would. */
#ifndef PMO_TEST_CLIENT_UTIL_H
#define PMO_TEST_CLIENT_UTIL_H

#include "pmo/pmo_client.h"
#include <zmq.h>

#include "pmo/pmo_error.h"

/*  Sends req, waits 5 s.  Returns the reply (caller frees) or NULL. */
static inline Pmo__Reply *
call (pmo_client_t *c, Pmo__Request *req)
{
    Pmo__Reply *reply = NULL;
    int rc = pmo_client_call (c, req, 5000, &reply);
    if (rc) {
        fprintf (stderr, "call failed: %s\n", pmo_strerror (rc));
        return NULL;
    }
    return reply;
}

/*  Sends req and returns the reply status (-1 on no reply); frees it.
 *  When reason is not NULL, copies the reason text there. */
static inline int
call_status (pmo_client_t *c, Pmo__Request *req, char *reason, size_t n)
{
    Pmo__Reply *r = call (c, req);
    if (!r)
        return -1;
    int st = (int) r->status;
    if (reason)
        snprintf (reason, n, "%s", r->reason ? r->reason : "");
    pmo_wire_free (r);
    return st;
}

#define REQ(var, kind, field, body_ptr) \
    Pmo__Request var = PMO__REQUEST__INIT; \
    var.body_case = PMO__REQUEST__BODY_##kind; \
    var.field = (body_ptr)

/*  Moves pmod's test clock (pmod started with --now) to when, an ISO 8601
 *  instant; returns the reply status (-1 on no reply). */
static inline int
clock_set (const char *endpoint, const char *when)
{
    pmo_client_t *c = NULL;
    if (pmo_client_open (endpoint, &c) != 0)
        return -1;
    Pmo__ClockSet cs = PMO__CLOCK_SET__INIT;
    cs.now = (char *) when;
    REQ (req, CLOCK_SET, clock_set, &cs);
    int st = call_status (c, &req, NULL, 0);
    pmo_client_close (&c);
    return st;
}

#endif
