/*  pmo_error: the one return-code space of libpmo.
 *
 *  PMO_OK is 0.  Our own failures are negative, in a reserved band that does
 *  not overlap LMDB's (-30799..-30780) or errno (positive).  A positive value
 *  is an errno passed through unchanged.  pmo_strerror() names all of them.
 */
#ifndef PMO_ERROR_H
#define PMO_ERROR_H

enum {
    PMO_OK = 0,
    PMO_EINVAL = -31000,  /* input fails validation (reason says why)      */
    PMO_ENOTFOUND,        /* the named thing does not exist                */
    PMO_EEXIST,           /* the thing to create already exists            */
    PMO_EDUP,             /* a resend of an update already applied         */
    PMO_EFULL,            /* LMDB map full: no write possible              */
    PMO_ESCHEMA,          /* data directory schema is not one we can use   */
    PMO_ECORRUPT,         /* stored bytes do not decode                    */
    PMO_ETIMEOUT,         /* peer did not answer in time                   */
    PMO_EPROTO,           /* malformed frame or message on the wire        */
    PMO_EOVERFLOW,        /* arithmetic would overflow int64               */
    PMO_ELOCKED,          /* another process holds the data directory      */
    PMO_ESTATE,           /* transition not allowed from the current state */
    PMO_EDENIED,          /* principal may not do this                     */
    PMO_EBUSY,            /* overloaded: slow down and retry               */
    PMO_ETOOBIG,          /* message or string over its documented bound   */
    PMO_EINTERNAL,        /* a bug or an unexpected library failure        */
    PMO_ELAST
};

/*  Returns a static, human-readable string for any rc: PMO_E*, an errno, or
 *  an LMDB code.  Never NULL. */
const char *pmo_strerror (int rc);

/*  Returns a short stable token for a PMO_E* code ("not_found"), used in JSON
 *  output and on the wire.  "error" for anything else. */
const char *pmo_errname (int rc);

#endif
