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

int
main (void)
{
    s_json_stream ();
    s_request_round_trip ();
    s_garbage ();
    s_enum_names ();
    s_json ();
    return harness_report ();
}
