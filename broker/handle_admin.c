/*  handle_admin: operations on the service itself: backup and the test
 *  clock. */
#include <stdio.h>

#include "broker.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

int
handle_backup (req_t *r)
{
    const char *path = r->req->backup->path;
    if (!path || path[0] != '/')
        return req_fail (r, PMO_EINVAL, "path", "backup: give an absolute path on pmod's machine");
    if (!pmo_text_valid (path, strlen (path), false) || strlen (path) > 1024)
        return req_fail (r, PMO_EINVAL, "path", "backup: the path is not valid text");
    if (!r->peer)
        return req_fail (r, PMO_EINVAL, "", "backup: no peer to answer");
    int rc = backup_start (r->broker, r->peer, r->peer_len, r->req->corr, path);
    if (rc == PMO_EBUSY)
        return req_fail (r, rc, "", "backup: another backup is running; try again when it ends");
    if (rc)
        return req_fail (r, rc, "", "backup: %s", pmo_strerror (rc));
    r->deferred = true;
    return PMO_OK;
}

int
handle_clock_set (req_t *r)
{
    if (!r->broker->clock_settable)
        return req_fail (r, PMO_EDENIED, "now",
                         "clock: only a pmod started with --now (test mode) lets its clock be set");
    int64_t ms;
    const char *now = r->req->clock_set->now;
    if (!now || pmo_datetime_parse (now, &ms) != PMO_OK)
        return req_fail (r, PMO_EINVAL, "now", "clock: \"%.40s\" is not an ISO 8601 time", now ? now : "");
    pmo_clock_set_ms (ms);
    r->now_ms = ms;
    /*  Deadlines are checked at once, in this txn, so the caller sees the
     *  alerts the new time raises as soon as it has its reply. */
    r->internal = true;
    r->actor = "pmod";  /* the alerts are pmod's, not the operator's */
    return alerts_scan_txn (r);
}
