/*  pmo_chain: SHA-256 hash chain over the event log (pmo_sha256: the
 *  CPU's SHA instructions where it has them, else libsodium's). */
#include "pmo/pmo_chain.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_sha256.h"

const uint8_t pmo_chain_genesis[PMO_HASH_LEN] = {0};

enum { S_PREV_HASH_FIELD = 30 };  /* pmo_event.proto: prev_hash, then hash = 31 */

/*  SHA-256 (prev || ev without prev_hash and hash).  ev is copied
 *  shallowly so the caller's message is not touched. */
static void
s_hash (const Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN], uint8_t out[PMO_HASH_LEN], pmo_buf_t *scratch)
{
    Pmo__Event bare = *ev;
    bare.has_prev_hash = false;
    bare.prev_hash.len = 0;
    bare.prev_hash.data = NULL;
    bare.has_hash = false;
    bare.hash.len = 0;
    bare.hash.data = NULL;
    pmo_wire_pack (&bare, scratch);
    pmo_sha256_pair (prev, PMO_HASH_LEN, scratch->data, scratch->len, out);
}

void
pmo_chain_seal (Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN], uint8_t hash_store[2 * PMO_HASH_LEN],
                pmo_buf_t *scratch)
{
    memcpy (hash_store, prev, PMO_HASH_LEN);
    s_hash (ev, prev, hash_store + PMO_HASH_LEN, scratch);
    ev->has_prev_hash = true;
    ev->prev_hash.len = PMO_HASH_LEN;
    ev->prev_hash.data = hash_store;
    ev->has_hash = true;
    ev->hash.len = PMO_HASH_LEN;
    ev->hash.data = hash_store + PMO_HASH_LEN;
    /*  scratch holds the event packed without its hashes.  protobuf-c packs
     *  fields by number, so when every other field is numbered below
     *  prev_hash (30), the whole event is that plus the two hash fields:
     *  append them instead of packing it again (ingest's time, cost and
     *  progress events).  Otherwise pack it again. */
    if ((unsigned) ev->body_case >= S_PREV_HASH_FIELD || ev->base.n_unknown_fields) {
        pmo_wire_pack (ev, scratch);
        return;
    }
    size_t len = scratch->len;
    pmo_buf_reserve (scratch, len + 2 * (3 + PMO_HASH_LEN));
    for (int i = 0; i < 2; i++) {
        uint8_t *p = scratch->data + len;
        p[0] = i == 0 ? 0xF2 : 0xFA;  /* field 30 / 31, length-delimited   */
        p[1] = 0x01;
        p[2] = PMO_HASH_LEN;
        memcpy (p + 3, hash_store + i * PMO_HASH_LEN, PMO_HASH_LEN);
        len += 3 + PMO_HASH_LEN;
    }
    scratch->len = len;
}

int
pmo_chain_check (const Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN], pmo_buf_t *scratch, char *why,
                 size_t why_len)
{
    unsigned long long seq = ev->seq;
    if (!ev->has_hash || ev->hash.len != PMO_HASH_LEN || !ev->has_prev_hash || ev->prev_hash.len != PMO_HASH_LEN) {
        snprintf (why, why_len, "event %llu has no hash", seq);
        return PMO_ECORRUPT;
    }
    if (sodium_memcmp (ev->prev_hash.data, prev, PMO_HASH_LEN) != 0) {
        snprintf (why, why_len, "event %llu does not follow the event before it (an event was removed or changed)",
                  seq);
        return PMO_ECORRUPT;
    }
    uint8_t h[PMO_HASH_LEN];
    s_hash (ev, prev, h, scratch);
    if (sodium_memcmp (h, ev->hash.data, PMO_HASH_LEN) != 0) {
        snprintf (why, why_len, "event %llu was altered: its content does not match its hash", seq);
        return PMO_ECORRUPT;
    }
    return PMO_OK;
}

void
pmo_chain_verifier_init (pmo_chain_verifier_t *v)
{
    memset (v, 0, sizeof *v);
    v->next_seq = 1;
    memcpy (v->head, pmo_chain_genesis, PMO_HASH_LEN);
}

bool
pmo_chain_verifier_add (pmo_chain_verifier_t *v, const Pmo__Event *ev)
{
    if (v->broken_seq)
        return false;
    if (ev->seq != v->next_seq) {
        v->broken_seq = v->next_seq;
        snprintf (v->why, sizeof v->why, "event %llu is missing (found %llu next)",
                  (unsigned long long) v->next_seq, (unsigned long long) ev->seq);
        return false;
    }
    if (pmo_chain_check (ev, v->head, &v->scratch, v->why, sizeof v->why) != PMO_OK) {
        v->broken_seq = ev->seq;
        return false;
    }
    memcpy (v->head, ev->hash.data, PMO_HASH_LEN);
    v->next_seq++;
    return true;
}

void
pmo_chain_verifier_free (pmo_chain_verifier_t *v)
{
    pmo_buf_free (&v->scratch);
}
