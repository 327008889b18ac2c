/*  pmo_describe: any protobuf message as one line of "field=value" pairs,
 *  from its descriptor.  The fallback summary of event bodies that a
 *  program has no hand-written text for, so a new kind of event is still
 *  shown with its content by pmoctl log and pmo-notify. */
#ifndef PMO_DESCRIBE_H
#define PMO_DESCRIBE_H

#include <stddef.h>

#include "pmo_event.pb-c.h"

/*  Writes msg's present fields to buf (always NUL-terminated, cut at n):
 *  integers and booleans as numbers, enums by their short name, strings
 *  quoted when they hold a space, quote, '=' or a control character;
 *  nested messages as {...} one level deep, repeated fields as [N items],
 *  bytes as <N bytes>.  Returns buf. */
const char *pmo_describe (const ProtobufCMessage *msg, char *buf, size_t n);

/*  The message in the event's body oneof, or NULL when the body is empty or
 *  not a message. */
const ProtobufCMessage *pmo_event_body (const Pmo__Event *ev);

#endif
