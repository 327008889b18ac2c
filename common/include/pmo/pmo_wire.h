/*  pmo_wire: the only place that packs and unpacks protobuf messages, and
 *  the small zmq framing helpers around them.
 *
 *  Ownership: a message from pmo_wire_unpack is owned by the caller and freed
 *  with pmo_wire_free.  A message built on the stack with PMO__X__INIT points
 *  at the caller's memory and must never be given to pmo_wire_free.
 */
#ifndef PMO_WIRE_H
#define PMO_WIRE_H

#include "pmo/pmo_prelude.h"
#include "pmo_request.pb-c.h"  /* brings pmo_event and pmo_record too */

/*  A growable byte buffer, reused across packs on hot paths. */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} pmo_buf_t;

void pmo_buf_reserve (pmo_buf_t *buf, size_t cap);
void pmo_buf_free (pmo_buf_t *buf);

/*  Packs msg into buf (replacing its content).  Returns the length. */
size_t pmo_wire_pack (const void *msg, pmo_buf_t *buf);
/*  Unpacks data as a message of descriptor d.  Returns the message (caller
 *  owns it, free with pmo_wire_free) or NULL when the bytes are malformed,
 *  truncated or of another type. */
void *pmo_wire_unpack (const ProtobufCMessageDescriptor *d, const void *data, size_t len);
/*  Frees an unpacked message.  Accepts NULL. */
void pmo_wire_free (void *msg);

#define pmo_wire_request_unpack(p, n) \
    ((Pmo__Request *) pmo_wire_unpack (&pmo__request__descriptor, (p), (n)))
#define pmo_wire_reply_unpack(p, n) \
    ((Pmo__Reply *) pmo_wire_unpack (&pmo__reply__descriptor, (p), (n)))
#define pmo_wire_event_unpack(p, n) \
    ((Pmo__Event *) pmo_wire_unpack (&pmo__event__descriptor, (p), (n)))

/*  Sends len bytes as one frame (flags: ZMQ_SNDMORE, ZMQ_DONTWAIT).
 *  Returns PMO_OK or an errno (EAGAIN when it would block). */
int pmo_wire_send (void *sock, const void *data, size_t len, int flags);
/*  Packs msg into buf and sends it as one frame. */
int pmo_wire_send_msg (void *sock, const void *msg, pmo_buf_t *buf, int flags);

/*  Name of a project status ("active", "on_hold"), a cost category
 *  ("labour"), or a reply status ("not_found"): the enum's value name
 *  without its prefix, lower case.  Returns "unknown" for other values. */
const char *pmo_wire_status_name (Pmo__ProjectStatus s);
const char *pmo_wire_category_name (Pmo__CostCategory c);
const char *pmo_wire_reply_status_name (Pmo__Status s);
/*  Parse the same names back.  Return -1 when unknown. */
int pmo_wire_status_parse (const char *name);
int pmo_wire_category_parse (const char *name);
/*  Generic: lower-case short name of enum value v in d, written to out. */
const char *pmo_wire_enum_name (const ProtobufCEnumDescriptor *d, int v, char *out, size_t n);
int pmo_wire_enum_parse (const ProtobufCEnumDescriptor *d, const char *name);

/*  Reflection over unpacked messages (the JSON writers, pmo_describe):
 *  whether field f of m is present (a oneof member chosen, a repeated field
 *  non-empty, a string or message set, an optional's has_ flag), and the
 *  size of one element of a repeated field of f's type in memory. */
bool pmo_wire_field_present (const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f);
size_t pmo_wire_elem_size (const ProtobufCFieldDescriptor *f);

#endif
