/*  pmo_describe: any protobuf message as one line of "field=value" pairs,
 *  from its descriptor.  The fallback summary of event bodies that a
 *  program has no hand-written text for, so a new kind of event is still
 *  shown with its content by pmoctl log and pmo-notify. */
#ifndef PMO_DESCRIBE_H
#define PMO_DESCRIBE_H

#include <stddef.h>

#include "pmo_event.pb-c.h"

/*  Writes msg's present fields to buf (always NUL-terminated, at most n
 *  bytes with the NUL): integers and booleans as numbers, enums by their
 *  short name, strings quoted when they hold a space, quote, '=' or a
 *  control character; nested messages as {...} one level deep, repeated
 *  fields as [N items], bytes as <N bytes>.  Text that does not fit is cut
 *  between characters (never inside a UTF-8 character or an escape), a
 *  quoted string cut short is closed, and "…" marks the cut.  Returns buf. */
const char *pmo_describe (const ProtobufCMessage *msg, char *buf, size_t n);

/*  Shortens the NUL-terminated text in buf to at most max bytes (max >= 3)
 *  when it is longer: cut on a UTF-8 character boundary, "…" at the end.
 *  For summaries that snprintf may have cut anywhere: give it a buffer of
 *  max + 2 bytes, so that "longer than max" shows.  Returns buf. */
char *pmo_text_shorten (char *buf, size_t max);

/*  The message in the event's body oneof, or NULL when the body is empty or
 *  not a message. */
const ProtobufCMessage *pmo_event_body (const Pmo__Event *ev);

#endif
