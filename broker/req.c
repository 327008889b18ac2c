/*  req: what every handler needs: failing with a reason, loading records by
 *  code, parsing dates, and keeping decoded records alive until the reply
 *  that points into them has been packed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "broker.h"
#include "pmo/pmo_clock.h"
#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"

/*  Owned pointers: the low bit marks a plain block (free) versus an
 *  unpacked message (pmo_wire_free).  Allocations are at least 2-aligned. */
static void *
s_keep (req_t *r, void *p, uintptr_t tag)
{
    if (!p)
        return NULL;
    if (r->n_owned == r->cap_owned) {
        r->cap_owned = r->cap_owned ? r->cap_owned * 2 : 16;
        r->owned = pmo_realloc (r->owned, r->cap_owned * sizeof *r->owned);
    }
    r->owned[r->n_owned++] = (void *) ((uintptr_t) p | tag);
    return p;
}

void *
req_keep (req_t *r, void *msg)
{
    return s_keep (r, msg, 0);
}

void *
req_keep_mem (req_t *r, void *mem)
{
    return s_keep (r, mem, 1);
}

void
req_release (req_t *r)
{
    for (size_t i = 0; i < r->n_owned; i++) {
        uintptr_t p = (uintptr_t) r->owned[i];
        if (p & 1)
            free ((void *) (p & ~(uintptr_t) 1));
        else
            pmo_wire_free ((void *) p);
    }
    free (r->owned);
    r->owned = NULL;
    r->n_owned = r->cap_owned = 0;
}

int
req_fail (req_t *r, int rc, const char *field, const char *fmt, ...)
{
    char text[sizeof r->reason.text];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    /*  Our texts are whole sentences that already name the field. */
    pmo_reason_set (&r->reason, rc, "", "%s", text);
    pmo_strlcpy (r->reason.field, field ? field : "", sizeof r->reason.field);
    return rc;
}

int
req_load (req_t *r, unsigned db, const char *code, const char *what,
          const ProtobufCMessageDescriptor *d, void **msg_p)
{
    *msg_p = NULL;
    if (!code || !*code)
        return req_fail (r, PMO_EINVAL, what, "%s: missing", what);
    pmo_key_t k;
    tables_key_code (&k, code);
    int rc = tables_get (r->txn, db, &k, d, msg_p);
    if (rc == PMO_ENOTFOUND)
        return req_fail (r, rc, what, "%s %s: not found", what, code);
    if (rc)
        return req_fail (r, rc, what, "%s %s: %s", what, code, pmo_strerror (rc));
    req_keep (r, *msg_p);
    return PMO_OK;
}

int
req_not_future (req_t *r, const char *field, const char *text, int32_t day)
{
    int32_t latest = pmo_date_from_ms (r->now_ms) + 1;
    if (day <= latest)
        return PMO_OK;
    char t[11];
    pmo_date_format (latest, t);
    return req_fail (r, PMO_EINVAL, field, "%s: %s is in the future (the latest date anywhere is %s)", field, text, t);
}

int
req_date (req_t *r, const char *field, const char *text, bool required, int32_t fallback,
          int32_t *day_out)
{
    if (!text || !*text) {
        if (required)
            return req_fail (r, PMO_EINVAL, field, "%s: missing (want YYYY-MM-DD)", field);
        *day_out = fallback;
        return PMO_OK;
    }
    if (pmo_date_parse (text, day_out) != PMO_OK)
        return req_fail (r, PMO_EINVAL, field, "%s: \"%.40s\" is not a valid date (want YYYY-MM-DD)",
                         field, text);
    return PMO_OK;
}
