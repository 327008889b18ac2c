/*  pmo_chain: the tamper-evident audit trail.  Each event carries the hash
 *  of its predecessor and its own hash over that and its content, so an
 *  edit or a deletion anywhere in the stored log breaks the chain from
 *  there on, and anyone holding the log (pmoctl, a backup) can check it. */
#ifndef PMO_CHAIN_H
#define PMO_CHAIN_H

#include "pmo/pmo_wire.h"

#define PMO_HASH_LEN 32

/*  The predecessor of the first event: 32 zero bytes. */
extern const uint8_t pmo_chain_genesis[PMO_HASH_LEN];

/*  Sets ev->prev_hash to prev and ev->hash to SHA-256 (prev || ev packed
 *  without prev_hash and hash).  Both fields point into hash_store (64
 *  bytes owned by the caller: prev then hash), which must outlive ev's use.
 *  On return scratch holds the sealed event packed (what the log stores). */
void pmo_chain_seal (Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN], uint8_t hash_store[2 * PMO_HASH_LEN],
                     pmo_buf_t *scratch);

/*  Checks an event from the log against the hash of its predecessor.
 *  Returns PMO_OK, or PMO_ECORRUPT with why (one sentence) filled. */
int pmo_chain_check (const Pmo__Event *ev, const uint8_t prev[PMO_HASH_LEN], pmo_buf_t *scratch, char *why,
                     size_t why_len);

/*  A running check over events in seq order, from seq 1. */
typedef struct {
    uint64_t next_seq;           /* the seq the next event must have      */
    uint8_t head[PMO_HASH_LEN];  /* hash of the last event checked         */
    uint64_t broken_seq;         /* first seq that failed, 0 if none       */
    char why[200];
    pmo_buf_t scratch;
} pmo_chain_verifier_t;

void pmo_chain_verifier_init (pmo_chain_verifier_t *v);
/*  Feeds the next event.  Returns false once the chain is broken (a
 *  changed, missing or reordered event), with broken_seq and why set. */
bool pmo_chain_verifier_add (pmo_chain_verifier_t *v, const Pmo__Event *ev);
void pmo_chain_verifier_free (pmo_chain_verifier_t *v);

#endif
