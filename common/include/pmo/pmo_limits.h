/*  pmo_limits: every documented bound, in one place.  The README's "Limits"
 *  table is written from this file. */
#ifndef PMO_LIMITS_H
#define PMO_LIMITS_H

#define PMO_MAX_REQUEST_BYTES (256 * 1024)        /* larger: STATUS_TOO_BIG; clients refuse to send */
#define PMO_MAX_FRAME_BYTES (4 * 1024 * 1024)     /* ZMQ_MAXMSGSIZE on pmod's ROUTER: larger is cut off */
#define PMO_MAX_SUB_FRAME_BYTES 1024              /* ZMQ_MAXMSGSIZE on pmod's PUB (subscriptions) */
#define PMO_MAX_TEXT_BYTES 4096                   /* any string in a request (handlers bound tighter) */
#define PMO_MAX_REPEATED 1000                     /* entries of any repeated field in a request */
#define PMO_MAX_UNKNOWN_FIELDS 64                 /* unknown fields kept by the decoder, per message */
#define PMO_MAX_REPLY_BYTES (256 * 1024 * 1024)   /* what a client accepts            */
#define PMO_MAX_CODE_LEN 32                       /* project/team/person/... codes    */
#define PMO_MAX_NAME_BYTES 200                    /* names, roles, activities         */
#define PMO_MAX_NOTE_BYTES 1000                   /* notes on entries and updates     */
#define PMO_MAX_AGENT_ID_LEN 64
#define PMO_MAX_MINUTES_PER_DAY 1440              /* one person, one day, all projects */
#define PMO_MAX_AMOUNT_MINOR 1000000000000000LL   /* 10^15 minor units per entry/budget */
#define PMO_MAX_RATE_MINOR 100000000LL            /* 10^8 minor units per hour         */
#define PMO_MAX_CAPACITY_MINUTES (168 * 60)       /* a week                            */
#define PMO_MAX_WEIGHT 1000000
#define PMO_BATCH_MAX 4096                        /* requests per group commit         */
#define PMO_LOG_PAGE_MAX 1000                     /* events per log reply              */
#define PMO_RECENT_MAX 100

#endif
