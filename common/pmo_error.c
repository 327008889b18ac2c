/*  pmo_error: names for every return code libpmo can hand back. */
#include "pmo/pmo_error.h"

#include <lmdb.h>
#include <string.h>
#include <zmq.h>

static const struct {
    int rc;
    const char *name;
    const char *text;
} s_codes[] = {
    {PMO_EINVAL, "invalid", "invalid input"},
    {PMO_ENOTFOUND, "not_found", "not found"},
    {PMO_EEXIST, "exists", "already exists"},
    {PMO_EDUP, "duplicate", "update already applied"},
    {PMO_EFULL, "store_full", "data store is full (LMDB map size reached)"},
    {PMO_ESCHEMA, "schema", "data directory has an unsupported schema"},
    {PMO_ECORRUPT, "corrupt", "stored data is damaged"},
    {PMO_ETIMEOUT, "timeout", "timed out"},
    {PMO_EPROTO, "protocol", "malformed message"},
    {PMO_EOVERFLOW, "overflow", "number out of range"},
    {PMO_ELOCKED, "locked", "data directory is in use by another process"},
    {PMO_ESTATE, "bad_state", "not allowed in the current state"},
    {PMO_EDENIED, "denied", "permission denied"},
    {PMO_EBUSY, "busy", "service busy: slow down"},
    {PMO_ETOOBIG, "too_big", "over the size limit"},
    {PMO_EINTERNAL, "internal", "internal error"},
};

const char *
pmo_strerror (int rc)
{
    if (rc == PMO_OK)
        return "ok";
    for (size_t i = 0; i < sizeof s_codes / sizeof s_codes[0]; i++)
        if (s_codes[i].rc == rc)
            return s_codes[i].text;
    if (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE)
        return mdb_strerror (rc);
    if (rc > 0)
        return zmq_strerror (rc);  /* covers errno and zmq's own codes */
    return "unknown error";
}

const char *
pmo_errname (int rc)
{
    if (rc == PMO_OK)
        return "ok";
    for (size_t i = 0; i < sizeof s_codes / sizeof s_codes[0]; i++)
        if (s_codes[i].rc == rc)
            return s_codes[i].name;
    return "error";
}
