/*  test_chain: sealing leaves the event packed exactly as protobuf-c packs
 *  it (the log stores those bytes), by the appended fast path (bodies
 *  numbered below the hash fields) and by packing again (the others), and
 *  the stored bytes verify against their predecessor. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pmo/pmo_chain.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_wire.h"

/*  Seals ev after prev, then checks scratch against a fresh pack and the
 *  decoded event against the chain. */
static void
s_check_sealed (Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN])
{
    uint8_t hashes[2 * PMO_HASH_LEN];
    pmo_buf_t sealed = {0}, packed = {0}, scratch = {0};
    pmo_chain_seal (ev, prev, hashes, &sealed);
    pmo_wire_pack (ev, &packed);
    CHECK_EQ_I64 ((int64_t) sealed.len, (int64_t) packed.len);
    CHECK (sealed.len == packed.len && memcmp (sealed.data, packed.data, packed.len) == 0);
    Pmo__Event *back = pmo_wire_unpack (&pmo__event__descriptor, sealed.data, sealed.len);
    REQUIRE_VOID (back);
    char why[200] = "";
    CHECK_RC (pmo_chain_check (back, prev, &scratch, why, sizeof why), PMO_OK);
    CHECK (back->hash.len == PMO_HASH_LEN && memcmp (back->hash.data, hashes + PMO_HASH_LEN, PMO_HASH_LEN) == 0);
    pmo_wire_free (back);
    pmo_buf_free (&sealed);
    pmo_buf_free (&packed);
    pmo_buf_free (&scratch);
}

int
main (void)
{
    uint8_t prev[PMO_HASH_LEN];
    for (int i = 0; i < PMO_HASH_LEN; i++)
        prev[i] = (uint8_t) (i * 7 + 1);

    /*  A time event (body 16): the appended path. */
    Pmo__TimeEntry t = PMO__TIME_ENTRY__INIT;
    t.person = (char *) "E001";
    t.project = (char *) "APOLLO";
    t.date = (char *) "2026-11-20";
    t.has_minutes = true;
    t.minutes = 90;
    Pmo__UpdateId id = PMO__UPDATE_ID__INIT;
    id.agent = (char *) "a1";
    id.has_seq = true;
    id.seq = 300;
    Pmo__Event ev = PMO__EVENT__INIT;
    ev.has_seq = true;
    ev.seq = 12345;
    ev.has_at_ms = true;
    ev.at_ms = 1763600000000;
    ev.actor = (char *) "a1";
    ev.topic = (char *) "time.APOLLO";
    ev.project = (char *) "APOLLO";
    ev.update = &id;
    ev.body_case = PMO__EVENT__BODY_TIME;
    ev.time = &t;
    s_check_sealed (&ev, prev);

    /*  A risk event (body 40, after the hash fields): packed again. */
    Pmo__Risk risk = PMO__RISK__INIT;
    risk.project = (char *) "APOLLO";
    risk.title = (char *) "supplier late";
    Pmo__Event ev2 = PMO__EVENT__INIT;
    ev2.has_seq = true;
    ev2.seq = 12346;
    ev2.topic = (char *) "risk.APOLLO";
    ev2.body_case = PMO__EVENT__BODY_RISK;
    ev2.risk = &risk;
    s_check_sealed (&ev2, prev);

    /*  No body at all. */
    Pmo__Event ev3 = PMO__EVENT__INIT;
    ev3.has_seq = true;
    ev3.seq = 1;
    s_check_sealed (&ev3, pmo_chain_genesis);
    return harness_report ();
}
