/*  test_json_edges: the streamed JSON writers print strings byte for byte
 *  as pmo_json_from_msg (json-c) does, as pmo_json_stream.c promises.
 *  json-c writes backspace and form feed as "\b" and "\f"; the streamed
 *  writers used to write "\u0008" and "\u000c". */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pmo/pmo_json.h"
#include "pmo_record.pb-c.h"

/*  What pmo_json_write (is_packed false) or pmo_json_write_packed prints
 *  for m; caller frees. */
static char *
s_streamed (const ProtobufCMessage *m, bool is_packed)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    int rc;
    if (is_packed) {
        size_t n = protobuf_c_message_get_packed_size (m);
        uint8_t *buf = malloc (n ? n : 1);
        protobuf_c_message_pack (m, buf);
        rc = pmo_json_write_packed (f, m->descriptor, buf, n, NULL);
        free (buf);
    } else
        rc = pmo_json_write (f, m, NULL);
    fclose (f);
    CHECK_EQ_I64 (rc, 0);
    return text;
}

static void
s_same_text (const ProtobufCMessage *m)
{
    json_object *o = pmo_json_from_msg (m);
    const char *built = pmo_json_text (o);
    char *streamed = s_streamed (m, false);
    char *packed = s_streamed (m, true);
    CHECK_STR (streamed, built);
    CHECK_STR (packed, built);
    free (streamed);
    free (packed);
    json_object_put (o);
}

static void
s_control_characters (void)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.note = (char *) "bs\b ff\f";
    json_object *o = pmo_json_from_msg (&t.base);
    CHECK_STR (pmo_json_text (o), "{\"note\":\"bs\\b ff\\f\"}");
    json_object_put (o);
    s_same_text (&t.base);

    /*  Every byte but NUL, alone in a string, and all of them in one. */
    char all[256];
    for (int c = 1; c < 256; c++) {
        char one[2] = {(char) c, '\0'};
        t.note = one;
        s_same_text (&t.base);
        all[c - 1] = (char) c;
    }
    all[255] = '\0';
    t.note = all;
    s_same_text (&t.base);
}

int
main (void)
{
    s_control_characters ();
    return harness_report ();
}
