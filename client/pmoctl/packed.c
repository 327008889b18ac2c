/*  packed: a query whose reply body is kept packed.
 *
 *  The status of 10,000 projects is a 4 MB reply; unpacking it costs
 *  pmoctl more than pmod spends answering.  Here only the Reply's head
 *  (status, reason, corr) is unpacked, and the body stays a view into the
 *  received frame, for pmo_json_write_packed or a later unpack. */
#include <errno.h>
#include <stdlib.h>
#include <zmq.h>

#include "pmo/pmo_clock.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_wire_scan.h"
#include "pmoctl.h"

/*  Splits a packed Reply into its head (every field but the body field
 *  body_id, unpacked) and the body's bytes.  Returns false when the bytes
 *  do not decode. */
static bool
s_split (pmoctl_packed_t *r, uint32_t body_id)
{
    const uint8_t *p = zmq_msg_data (&r->frame), *end = p + zmq_msg_size (&r->frame);
    pmo_buf_t head = {0};
    pmo_buf_reserve (&head, 256);
    pmo_wire_field_t f;
    r->body = NULL;
    r->len = 0;
    while (p < end) {
        if (!pmo_wire_next_field (&p, end, &f)) {
            pmo_buf_free (&head);
            return false;
        }
        if (f.id == body_id && f.wire_type == PMO_WIRE_LEN) {
            r->body = f.data;
            r->len = f.len;
            continue;
        }
        size_t n = (size_t) (f.end - f.start);
        pmo_buf_reserve (&head, head.len + n);
        memcpy (head.data + head.len, f.start, n);
        head.len += n;
    }
    r->head = pmo_wire_reply_unpack (head.data, head.len);
    pmo_buf_free (&head);
    return r->head != NULL;
}

/*  Waits for the reply to corr until deadline.  PMO_OK with r filled,
 *  PMO_ETIMEOUT, PMO_EDENIED (key refused) or an errno. */
static int
s_recv (pmoctl_t *ctl, uint64_t corr, uint32_t body_id, int64_t deadline, pmoctl_packed_t *r)
{
    void *sock = pmo_client_socket (ctl->client);
    for (;;) {
        int rc = pmo_client_wait (ctl->client, deadline);
        if (rc)
            return rc;
        /*  [empty][Reply]: the body is frame 2 and the last one. */
        int more = 1, frames = 0;
        bool is_ours = false;
        while (more) {
            if (zmq_msg_recv (&r->frame, sock, 0) < 0)
                return errno;
            more = zmq_msg_more (&r->frame);
            frames++;
            if (!more && frames == 2 && s_split (r, body_id)) {
                is_ours = r->head->has_corr && r->head->corr == corr;
                if (!is_ours) {
                    pmo_wire_free (r->head);  /* a late answer to an earlier request */
                    r->head = NULL;
                }
            }
        }
        if (is_ours)
            return PMO_OK;
    }
}

int
pmoctl_query_packed (pmoctl_t *ctl, Pmo__Request *req, Pmo__Reply__BodyCase expect,
                     pmoctl_packed_t *r)
{
    memset (r, 0, sizeof *r);
    zmq_msg_init (&r->frame);
    if (ctl->actor)
        req->actor = (char *) ctl->actor;
    int rc = pmoctl_connect (ctl);
    if (rc)
        return rc;
    int64_t deadline = pmo_clock_mono_ms () + ctl->timeout_ms;
    rc = pmo_client_send (ctl->client, req);
    if (!rc)
        rc = s_recv (ctl, req->corr, (uint32_t) expect, deadline, r);
    if (rc)
        return pmoctl_call_failed (ctl, rc);
    if (r->head->status != PMO__STATUS__STATUS_OK) {
        if (r->head->reason && *r->head->reason)
            fprintf (stderr, "pmoctl: %s\n", r->head->reason);
        else
            fprintf (stderr, "pmoctl: refused by pmod: %s\n", pmo_wire_reply_status_name (r->head->status));
        return PMOCTL_EXIT_USAGE;
    }
    if (!r->body) {
        fprintf (stderr, "pmoctl: pmod at %s: reply without the expected body (%d, not %d)\n", ctl->endpoint,
                 (int) r->head->body_case, (int) expect);
        return PMOCTL_EXIT_USAGE;
    }
    return PMOCTL_EXIT_OK;
}

void
pmoctl_packed_free (pmoctl_packed_t *r)
{
    pmo_wire_free (r->head);
    r->head = NULL;
    zmq_msg_close (&r->frame);
    r->body = NULL;
}
