/*  cmd_clock: pmoctl clock set TIME, the test clock of a pmod started with
 *  --now (tests and demos: move time forward and watch deadlines fire).
 *  pmod refuses it otherwise, with a reason that says so. */
#include <inttypes.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmoctl.h"

int
cmd_clock_set (pmoctl_t *ctl)
{
    const char *now = ctl->args[0];
    int64_t ms;
    if (pmo_datetime_parse (now, &ms) != PMO_OK)
        return pmoctl_fail ("clock set: '%s' is not an ISO 8601 time (2026-12-01T09:00:00Z) "
                            "or date", now);
    Pmo__ClockSet set = PMO__CLOCK_SET__INIT;
    set.now = (char *) now;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_CLOCK_SET;
    req.clock_set = &set;
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_call (ctl, &req, &reply);
    if (rc)
        return rc;
    char when[25];
    pmo_datetime_format (ms, when);
    if (ctl->format == OUT_JSON) {
        /*  seq: pmod's seq for the change, present when the new time raised
         *  alerts (their events are in pmoctl log). */
        json_object *obj = json_object_new_object ();
        json_object_object_add (obj, "ok", json_object_new_boolean (1));
        json_object_object_add (obj, "now", json_object_new_string (when));
        if (reply->has_seq && reply->seq)
            json_object_object_add (obj, "seq", json_object_new_uint64 (reply->seq));
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else if (reply->has_seq && reply->seq) {
        printf ("pmod's clock set to %s (seq %" PRIu64 ")\n", when, reply->seq);
    } else {
        printf ("pmod's clock set to %s\n", when);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
