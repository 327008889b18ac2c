/*  test_wire: the codec.  Round trips of every request and event shape we
 *  send, malformed and truncated bytes refused (NULL, never a crash), enum
 *  names both ways, and the JSON form (money exact, absent fields absent,
 *  decimal strings beside minor units). */
#include <stdlib.h>

#include "harness.h"
#include "pmo/pmo_json.h"
#include "pmo/pmo_wire.h"

static void
s_request_round_trip (void)
{
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = (char *) "ana";
    t.project = (char *) "APOLLO";
    t.date = (char *) "2026-11-20";
    t.has_minutes = true;
    t.minutes = 90;
    t.note = (char *) "naïve café ✓";
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "a1";
    id.has_seq = true;
    id.seq = UINT64_MAX;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.has_corr = true;
    req.corr = 42;
    req.update = &id;
    req.body_case = PMO__REQUEST__BODY_TIME;
    req.time = &t;

    pmo_buf_t buf = {0};
    size_t n = pmo_wire_pack (&req, &buf);
    CHECK (n > 0 && n == buf.len);
    Pmo__Request *back = pmo_wire_request_unpack (buf.data, buf.len);
    REQUIRE_VOID (back != NULL);
    CHECK_EQ_I64 (back->corr, 42);
    CHECK (back->update && back->update->seq == UINT64_MAX);
    CHECK_STR (back->update->agent, "a1");
    CHECK_EQ_I64 (back->body_case, PMO__REQUEST__BODY_TIME);
    CHECK_STR (back->time->person, "ana");
    CHECK_EQ_I64 (back->time->minutes, 90);
    CHECK_STR (back->time->note, "naïve café ✓");
    CHECK (!back->time->has_cost_minor);

    /*  Every truncation of a valid message is refused or decodes to a
     *  prefix; none crashes (ASan watches). */
    int refused = 0;
    for (size_t cut = 0; cut < buf.len; cut++) {
        Pmo__Request *part = pmo_wire_request_unpack (buf.data, cut);
        refused += part == NULL;
        pmo_wire_free (part);
    }
    CHECK (refused > 0);
    pmo_wire_free (back);
    pmo_buf_free (&buf);
}

static void
s_garbage (void)
{
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    CHECK (pmo_wire_request_unpack (junk, sizeof junk) == NULL);
    /*  A length prefix larger than the data. */
    const uint8_t long_len[] = {0x5a, 0xff, 0xff, 0x03, 'x'};
    CHECK (pmo_wire_request_unpack (long_len, sizeof long_len) == NULL);
    /*  Deterministic pseudo-random bytes: never a crash. */
    uint32_t x = 12345;
    uint8_t bytes[64];
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof bytes; i++) {
            x = x * 1103515245u + 12345u;
            bytes[i] = (uint8_t) (x >> 16);
        }
        pmo_wire_free (pmo_wire_request_unpack (bytes, 1 + round % sizeof bytes));
        pmo_wire_free (pmo_wire_event_unpack (bytes, 1 + round % sizeof bytes));
    }
    /*  An empty message decodes as an empty Request: no body. */
    Pmo__Request *empty = pmo_wire_request_unpack ("", 0);
    CHECK (empty && empty->body_case == PMO__REQUEST__BODY__NOT_SET);
    pmo_wire_free (empty);
    pmo_wire_free (NULL);
}

static void
s_enum_names (void)
{
    CHECK_STR (pmo_wire_status_name (PMO__PROJECT_STATUS__PROJECT_ON_HOLD), "on_hold");
    CHECK_STR (pmo_wire_status_name ((Pmo__ProjectStatus) 99), "unknown");
    CHECK_STR (pmo_wire_category_name (PMO__COST_CATEGORY__COST_CONTRACTOR), "contractor");
    CHECK_STR (pmo_wire_reply_status_name (PMO__STATUS__STATUS_NOT_FOUND), "not_found");
    CHECK_EQ_I64 (pmo_wire_status_parse ("cancelled"), PMO__PROJECT_STATUS__PROJECT_CANCELLED);
    CHECK_EQ_I64 (pmo_wire_status_parse ("status_unset"), -1);  /* the unset value is not a name */
    CHECK_EQ_I64 (pmo_wire_status_parse ("Active"), -1);
    CHECK_EQ_I64 (pmo_wire_category_parse ("travel"), PMO__COST_CATEGORY__COST_TRAVEL);
    CHECK_EQ_I64 (pmo_wire_category_parse (NULL), -1);
}

static void
s_json (void)
{
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "APOLLO";
    p.has_status = true;
    p.status = PMO__PROJECT_STATUS__PROJECT_ON_HOLD;
    p.has_bac_minor = true;
    p.bac_minor = 12345678901234567LL;  /* beyond a double's exact range */
    p.currency = (char *) "EUR";
    json_object *o = pmo_json_from_msg (&p);
    CHECK_STR (pmo_json_text (o),
               "{\"code\":\"APOLLO\",\"status\":\"on_hold\",\"bac_minor\":12345678901234567,"
               "\"bac\":\"123456789012345.67\",\"currency\":\"EUR\"}");
    json_object_put (o);

    Pmo__Project y = PMO__PROJECT__INIT;
    y.has_bac_minor = true;
    y.bac_minor = 1500;
    y.currency = (char *) "JPY";
    o = pmo_json_from_msg (&y);
    CHECK_STR (pmo_json_text (o), "{\"bac_minor\":1500,\"bac\":\"1500\",\"currency\":\"JPY\"}");
    json_object_put (o);

    /*  Nested messages, repeated fields and the event oneof. */
    Pmo__Milestone m = PMO__MILESTONE__INIT;
    m.name = (char *) "Design \"approved\"";
    Pmo__Event ev = PMO__EVENT__INIT;
    ev.has_seq = true;
    ev.seq = 7;
    ev.topic = (char *) "milestone.reached";
    ev.body_case = PMO__EVENT__BODY_MILESTONE;
    ev.milestone = &m;
    o = pmo_json_from_msg (&ev);
    CHECK_STR (pmo_json_text (o),
               "{\"seq\":7,\"topic\":\"milestone.reached\",\"milestone\":{\"name\":\"Design \\\"approved\\\"\"}}");
    json_object_put (o);
}

/*  The streamed writer says exactly what the tree builder says. */
static void
s_json_stream (void)
{
    Pmo__Milestone m1 = PMO__MILESTONE__INIT, m2 = PMO__MILESTONE__INIT;
    m1.name = (char *) "Design \"approved\"\n\t\x01 ✓";
    m1.has_weight = true;
    m1.weight = 3;
    m2.name = (char *) "Launch";
    Pmo__Milestone *ms[] = {&m1, &m2};
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "APOLLO";
    p.has_bac_minor = true;
    p.bac_minor = -12345;
    p.currency = (char *) "EUR";
    p.has_status = true;
    p.status = PMO__PROJECT_STATUS__PROJECT_ACTIVE;
    Pmo__Ratio cpi = PMO__RATIO__INIT;
    cpi.has_num = cpi.has_den = true;
    cpi.num = 8;
    cpi.den = 9;
    Pmo__Evm evm = PMO__EVM__INIT;
    evm.cpi = &cpi;
    evm.has_ev_minor = true;
    evm.ev_minor = UINT32_MAX + 5LL;
    evm.currency = (char *) "JPY";
    Pmo__Event ev = PMO__EVENT__INIT;
    uint8_t hash[4] = {0xde, 0xad, 0x00, 0x01};
    ev.has_hash = true;
    ev.hash.len = 4;
    ev.hash.data = hash;
    ev.has_seq = true;
    ev.seq = UINT64_MAX;
    Pmo__Event *events[] = {&ev};
    Pmo__ProjectView view = PMO__PROJECT_VIEW__INIT;
    view.project = &p;
    view.milestones = ms;
    view.n_milestones = 2;
    view.recent = events;
    view.n_recent = 1;
    view.evm = &evm;

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    REQUIRE_VOID (f != NULL);
    CHECK_EQ_I64 (pmo_json_write (f, &view, NULL), 0);
    fclose (f);
    json_object *streamed = json_tokener_parse (text);
    json_object *built = pmo_json_from_msg (&view);
    CHECK (streamed != NULL);
    CHECK (json_object_equal (streamed, built));
    if (!json_object_equal (streamed, built))
        fprintf (stderr, "streamed: %s\nbuilt:    %s\n", text, pmo_json_text (built));
    json_object_put (streamed);
    json_object_put (built);
    free (text);

    /*  Forced arrays: written empty when asked, omitted otherwise. */
    Pmo__Listing empty = PMO__LISTING__INIT;
    f = open_memstream (&text, &len);
    const char *const keys[] = {"projects", NULL};
    pmo_json_write (f, &empty, keys);
    fclose (f);
    CHECK_STR (text, "{\"projects\":[]}");
    free (text);
}

/*  The text pmo_json_write prints for msg, or for data unpacked as d when
 *  msg is NULL and is_packed is false; pmo_json_write_packed's when
 *  is_packed.  *rc gets the writer's return.  Caller frees. */
static char *
s_json_of (const ProtobufCMessageDescriptor *d, const void *data, size_t len, bool is_packed,
           const char *const *keys, int *rc)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream (&text, &n);
    if (is_packed)
        *rc = pmo_json_write_packed (f, d, data, len, keys);
    else {
        void *msg = pmo_wire_unpack (d, data, len);
        *rc = msg ? pmo_json_write (f, msg, keys) : -1;
        pmo_wire_free (msg);
    }
    fclose (f);
    return text;
}

/*  Packed bytes straight to JSON give what unpacking them and writing the
 *  message gives, byte for byte. */
static void
s_check_same (const ProtobufCMessageDescriptor *d, const void *msg, const char *const *keys)
{
    pmo_buf_t buf = {0};
    pmo_wire_pack (msg, &buf);
    int rc_packed, rc_unpacked;
    char *packed = s_json_of (d, buf.data, buf.len, true, keys, &rc_packed);
    char *unpacked = s_json_of (d, buf.data, buf.len, false, keys, &rc_unpacked);
    CHECK_EQ_I64 (rc_packed, 0);
    CHECK_EQ_I64 (rc_unpacked, 0);
    CHECK_STR (packed, unpacked);
    free (packed);
    free (unpacked);
    pmo_buf_free (&buf);
}

static void
s_json_packed (void)
{
    /*  A status view: rows with every kind of field, roll-ups, forced
     *  arrays, money beside minor units with the currency packed after. */
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "APOLLO";
    p.name = (char *) "Moon \"shot\"\n\t\x01 ✓";
    p.has_bac_minor = true;
    p.bac_minor = -12345;
    p.currency = (char *) "EUR";
    p.has_status = true;
    p.status = PMO__PROJECT_STATUS__PROJECT_ON_HOLD;
    p.has_percent_bp = true;
    p.percent_bp = -7;
    Pmo__Ratio cpi = PMO__RATIO__INIT;
    cpi.has_num = cpi.has_den = true;
    cpi.num = INT64_MIN;
    cpi.den = INT64_MAX;
    Pmo__Evm evm = PMO__EVM__INIT;
    evm.cpi = &cpi;
    evm.has_ev_minor = true;
    evm.ev_minor = UINT32_MAX + 5LL;
    evm.has_at_days = true;
    evm.at_days = INT32_MIN;
    evm.currency = (char *) "JPY";
    Pmo__Milestone m = PMO__MILESTONE__INIT;
    m.name = (char *) "";
    m.has_weight = true;
    m.weight = UINT32_MAX;
    Pmo__StatusRow r1 = PMO__STATUS_ROW__INIT, r2 = PMO__STATUS_ROW__INIT;
    r1.project = &p;
    r1.evm = &evm;
    r1.next_milestone = &m;
    r1.has_missed_milestones = true;
    r1.missed_milestones = 0;
    Pmo__Project empty_project = PMO__PROJECT__INIT;
    r2.project = &empty_project;
    Pmo__StatusRow *rows[] = {&r1, &r2};
    Pmo__StatusView view = PMO__STATUS_VIEW__INIT;
    view.rows = rows;
    view.n_rows = 2;
    view.has_now_ms = true;
    view.now_ms = 1;
    view.as_of = (char *) "2026-06-30";
    const char *const keys[] = {"rows", "rollups", NULL};
    s_check_same (&pmo__status_view__descriptor, &view, keys);
    s_check_same (&pmo__status_view__descriptor, &view, NULL);
    Pmo__StatusView none = PMO__STATUS_VIEW__INIT;
    s_check_same (&pmo__status_view__descriptor, &none, keys);

    /*  Bytes, uint64, a oneof. */
    Pmo__Event ev = PMO__EVENT__INIT;
    uint8_t hash[4] = {0xde, 0xad, 0x00, 0x01};
    ev.has_hash = true;
    ev.hash.len = 4;
    ev.hash.data = hash;
    ev.has_seq = true;
    ev.seq = UINT64_MAX;
    ev.body_case = PMO__EVENT__BODY_MILESTONE;
    ev.milestone = &m;
    s_check_same (&pmo__event__descriptor, &ev, NULL);

    /*  Repeated scalars, also in the packed encoding protobuf-c's pack never
     *  uses but an unpack accepts: ReportRow.values (2) = [1, -1, 300]. */
    Pmo__ReportRow rr = PMO__REPORT_ROW__INIT;
    int64_t values[] = {1, -1, 300};
    rr.values = values;
    rr.n_values = 3;
    s_check_same (&pmo__report_row__descriptor, &rr, NULL);
    const uint8_t packed_values[] = {0x12, 13, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xac, 0x02};
    int rc;
    char *a = s_json_of (&pmo__report_row__descriptor, packed_values, sizeof packed_values, true, NULL, &rc);
    CHECK_EQ_I64 (rc, 0);
    CHECK_STR (a, "{\"values\":[1,-1,300]}");
    free (a);

    /*  Bytes an unpack reads differently from their order, or not at all:
     *  refused, and nothing written.  Ratio: num (1), den (2). */
    const uint8_t reversed[] = {0x10, 2, 0x08, 1};      /* den before num */
    const uint8_t twice[] = {0x08, 1, 0x08, 2};         /* num twice: the last wins */
    const uint8_t truncated[] = {0x08};
    const uint8_t unknown[] = {0x08, 1, 0xf8, 0x01, 5}; /* field 31 is not Ratio's */
    a = s_json_of (&pmo__ratio__descriptor, reversed, sizeof reversed, true, NULL, &rc);
    CHECK_EQ_I64 (rc, -1);
    CHECK_STR (a, "");
    free (a);
    a = s_json_of (&pmo__ratio__descriptor, twice, sizeof twice, true, NULL, &rc);
    CHECK_EQ_I64 (rc, -1);
    CHECK_STR (a, "");
    free (a);
    a = s_json_of (&pmo__ratio__descriptor, truncated, sizeof truncated, true, NULL, &rc);
    CHECK_EQ_I64 (rc, -1);
    CHECK_STR (a, "");
    free (a);
    a = s_json_of (&pmo__ratio__descriptor, unknown, sizeof unknown, true, NULL, &rc);
    CHECK_EQ_I64 (rc, 0);
    CHECK_STR (a, "{\"num\":1}");
    free (a);

    /*  Refused at the very end, after far more JSON than one write buffer
     *  (64 KB): still nothing written, since the walk holds its output.
     *  ReportRow: 30,000 values (2), then a key (1) out of order. */
    Pmo__ReportRow big = PMO__REPORT_ROW__INIT;
    big.n_values = 30000;
    big.values = pmo_calloc (big.n_values, sizeof *big.values);
    for (size_t i = 0; i < big.n_values; i++)
        big.values[i] = (int64_t) i * 1000;
    size_t big_len = protobuf_c_message_get_packed_size (&big.base);
    uint8_t *big_bytes = pmo_malloc (big_len + 3);
    protobuf_c_message_pack (&big.base, big_bytes);
    a = s_json_of (&pmo__report_row__descriptor, big_bytes, big_len, true, NULL, &rc);
    CHECK_EQ_I64 (rc, 0);
    CHECK (a && strlen (a) > 200000);
    free (a);
    memcpy (big_bytes + big_len, "\x0a\x01k", 3);
    a = s_json_of (&pmo__report_row__descriptor, big_bytes, big_len + 3, true, NULL, &rc);
    CHECK_EQ_I64 (rc, -1);
    CHECK_STR (a, "");
    free (a);
    free (big_bytes);
    free (big.values);
}

int
main (void)
{
    s_json_stream ();
    s_json_packed ();
    s_request_round_trip ();
    s_garbage ();
    s_enum_names ();
    s_json ();
    return harness_report ();
}
