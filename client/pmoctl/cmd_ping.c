/*  cmd_ping: pmoctl ping, pmod's version and the newest event seq. */
#include <inttypes.h>

#include "pmoctl.h"

int
cmd_ping (pmoctl_t *ctl)
{
    Pmo__Ping ping = PMO__PING__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PING;
    req.ping = &ping;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_PONG, &reply);
    if (rc)
        return rc;
    const Pmo__Pong *pong = reply->pong;
    if (ctl->format == OUT_JSON)
        pmoctl_print_json (pong, NULL);
    else
        printf ("pmod %s at %s, last seq %" PRIu64 "\n",
                pong->version ? pong->version : "(unknown version)", ctl->endpoint,
                pong->last_seq);
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
