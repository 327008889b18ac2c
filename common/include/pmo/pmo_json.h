/*  pmo_json: any pmo protobuf message as JSON (json-c), for --json output,
 *  pmo-notify's JSON lines and the event on a hook's stdin.
 *
 *  Field names are the .proto names; absent optional fields are omitted;
 *  enums are short lower-case names ("on_hold", "labour"); 64-bit integers
 *  stay integers (money is exact minor units, never a float).  A message
 *  with a currency field also gets, for each "<x>_minor" field, "<x>" as an
 *  exact decimal string ("1234.50"), for people reading the JSON. */
#ifndef PMO_JSON_H
#define PMO_JSON_H

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>

/*  Returns a new object; caller owns it (json_object_put). */
json_object *pmo_json_from_msg (const void *msg);
/*  Serialises obj compactly into a static-free string owned by obj. */
const char *pmo_json_text (json_object *obj);

/*  Writes msg to out as the same JSON object pmo_json_from_msg describes,
 *  streamed field by field without building a tree: for replies of many
 *  megabytes (status of 10,000 projects).  The top-level repeated fields
 *  named in array_keys (NULL-terminated; the list may be NULL) are written
 *  as [] even when empty.  No newline.  Returns 0, or -1 when out reports
 *  an error. */
int pmo_json_write (FILE *out, const void *msg, const char *const *array_keys);

/*  The same JSON as pmo_json_write would print for the message of
 *  descriptor d that data (len bytes, packed) unpacks to, written straight
 *  from the bytes: no unpack, no allocation per field.  Returns 0; -1 when
 *  out reports an error, or when the bytes are malformed or laid out in a
 *  way protobuf-c's pack never produces (fields out of order, a singular
 *  field twice): then nothing at all has been written, and unpacking and
 *  pmo_json_write gives the answer. */
int pmo_json_write_packed (FILE *out, const ProtobufCMessageDescriptor *d, const void *data, size_t len,
                           const char *const *array_keys);

#endif
