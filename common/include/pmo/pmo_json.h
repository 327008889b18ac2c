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

/*  Returns a new object; caller owns it (json_object_put). */
json_object *pmo_json_from_msg (const void *msg);
/*  Serialises obj compactly into a static-free string owned by obj. */
const char *pmo_json_text (json_object *obj);

#endif
