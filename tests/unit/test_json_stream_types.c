/*  test_json_stream_types: the streamed JSON writer on a message graph with
 *  more message types than it used to keep (32), nested so that every type
 *  is still being written when the next new one comes: a chain of
 *  S_N_TYPES types, each {a<k>, child<k>, z<k>}, ending in a {leaf} type
 *  with fewer fields.  A writer that reused the table of a type still on
 *  the stack printed the wrong keys after the child, or read past the end
 *  of the smaller table (ASan: heap-buffer-overflow).  Both the unpacked
 *  and the packed walk must print the exact JSON.
 *
 *  The descriptors are built here, not taken from pmo's schema, so the
 *  graph stays as deep as the test needs whatever the .proto files become. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_wire.h"

#define S_N_TYPES 40          /* the chain's types, the leaf included */

/*  One C layout for every type of the chain; the leaf uses a only. */
typedef struct s_node {
    ProtobufCMessage base;
    int32_t a;
    struct s_node *child;
    int32_t z;
} s_node_t;

static char s_names[S_N_TYPES][3][16];
static ProtobufCFieldDescriptor s_fields[S_N_TYPES][3];
static const unsigned s_sorted[3] = {0, 1, 2};   /* "a<k>" < "child<k>" < "z<k>" */
static const ProtobufCIntRange s_ranges_3[] = {{1, 0}, {0, 3}};
static const ProtobufCIntRange s_ranges_1[] = {{1, 0}, {0, 1}};
static ProtobufCMessageDescriptor s_types[S_N_TYPES];
static char s_type_names[S_N_TYPES][16];

static ProtobufCFieldDescriptor
s_int_field (const char *name, unsigned id, size_t offset)
{
    return (ProtobufCFieldDescriptor) {.name = name, .id = id, .label = PROTOBUF_C_LABEL_REQUIRED,
                                       .type = PROTOBUF_C_TYPE_INT32, .offset = (unsigned) offset};
}

/*  Type k: {a<k>, child<k> (type k + 1), z<k>}; the last one: {leaf}. */
static void
s_build_types (void)
{
    for (int k = 0; k < S_N_TYPES; k++) {
        bool is_leaf = k == S_N_TYPES - 1;
        snprintf (s_type_names[k], sizeof s_type_names[k], "T%d", k);
        ProtobufCFieldDescriptor *f = s_fields[k];
        if (is_leaf) {
            snprintf (s_names[k][0], sizeof s_names[k][0], "leaf");
            f[0] = s_int_field (s_names[k][0], 1, offsetof (s_node_t, a));
        } else {
            snprintf (s_names[k][0], sizeof s_names[k][0], "a%d", k);
            snprintf (s_names[k][1], sizeof s_names[k][1], "child%d", k);
            snprintf (s_names[k][2], sizeof s_names[k][2], "z%d", k);
            f[0] = s_int_field (s_names[k][0], 1, offsetof (s_node_t, a));
            f[1] = (ProtobufCFieldDescriptor) {.name = s_names[k][1], .id = 2, .label = PROTOBUF_C_LABEL_OPTIONAL,
                                               .type = PROTOBUF_C_TYPE_MESSAGE,
                                               .offset = (unsigned) offsetof (s_node_t, child),
                                               .descriptor = &s_types[k + 1]};
            f[2] = s_int_field (s_names[k][2], 3, offsetof (s_node_t, z));
        }
        s_types[k] = (ProtobufCMessageDescriptor) {
            .magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
            .name = s_type_names[k],
            .short_name = s_type_names[k],
            .c_name = s_type_names[k],
            .package_name = "",
            .sizeof_message = sizeof (s_node_t),
            .n_fields = is_leaf ? 1 : 3,
            .fields = f,
            .fields_sorted_by_name = s_sorted,
            .n_field_ranges = 1,
            .field_ranges = is_leaf ? s_ranges_1 : s_ranges_3,
        };
    }
}

/*  The chain's messages, node k of type k: a = k, z = 1000 + k. */
static void
s_build_chain (s_node_t *nodes)
{
    for (int k = 0; k < S_N_TYPES; k++) {
        memset (&nodes[k], 0, sizeof nodes[k]);
        nodes[k].base.descriptor = &s_types[k];
        nodes[k].a = k;
        nodes[k].z = 1000 + k;
        nodes[k].child = k + 1 < S_N_TYPES ? &nodes[k + 1] : NULL;
    }
}

/*  The JSON of the chain from type k down, written out by hand. */
static void
s_expected (int k, char *buf, size_t n)
{
    size_t len = strlen (buf);
    if (k == S_N_TYPES - 1) {
        snprintf (buf + len, n - len, "{\"leaf\":%d}", k);
        return;
    }
    snprintf (buf + len, n - len, "{\"a%d\":%d,\"child%d\":", k, k, k);
    s_expected (k + 1, buf, n);
    len = strlen (buf);
    snprintf (buf + len, n - len, ",\"z%d\":%d}", k, 1000 + k);
}

static char *
s_written (const void *msg, const ProtobufCMessageDescriptor *d, const void *packed, size_t len, int *rc)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&text, &size);
    *rc = msg ? pmo_json_write (f, msg, NULL) : pmo_json_write_packed (f, d, packed, len, NULL);
    fclose (f);
    return text;
}

static void
s_deep_chain (void)
{
    static s_node_t nodes[S_N_TYPES];
    s_build_chain (nodes);
    char want[8192] = "";
    s_expected (0, want, sizeof want);
    REQUIRE_VOID (strlen (want) < sizeof want - 1);

    int rc = -1;
    char *text = s_written (&nodes[0], NULL, NULL, 0, &rc);
    CHECK_EQ_I64 (rc, 0);
    CHECK_STR (text, want);
    free (text);

    size_t len = protobuf_c_message_get_packed_size (&nodes[0].base);
    uint8_t *packed = malloc (len);
    REQUIRE_VOID (packed && protobuf_c_message_pack (&nodes[0].base, packed) == len);
    text = s_written (NULL, &s_types[0], packed, len, &rc);
    CHECK_EQ_I64 (rc, 0);
    CHECK_STR (text, want);
    free (text);
    free (packed);
}

/*  Starting lower in the chain (fewer types, a different first type) and
 *  again in a second call: each call builds its own tables. */
static void
s_from_the_middle (void)
{
    static s_node_t nodes[S_N_TYPES];
    s_build_chain (nodes);
    char want[8192] = "";
    s_expected (5, want, sizeof want);
    for (int round = 0; round < 2; round++) {
        int rc = -1;
        char *text = s_written (&nodes[5], NULL, NULL, 0, &rc);
        CHECK_EQ_I64 (rc, 0);
        CHECK_STR (text, want);
        free (text);
    }
}

int
main (void)
{
    s_build_types ();
    s_deep_chain ();
    s_from_the_middle ();
    return harness_report ();
}
