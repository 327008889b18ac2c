/*  events: every change becomes one Event with the next global seq, stored
 *  in the log in the same txn as the change, and published only after the
 *  batch commits (batch.c sends the queue).  The log is the audit trail:
 *  what changed, when, by whom, with the values. */
#include "batch.h"
#include "broker.h"
#include "project_index.h"
#include "pmo/pmo_chain.h"
#include "pmo/pmo_error.h"

uint64_t
events_last_seq (pmo_txn_t *txn)
{
    return tables_last_u64 (txn, DB_EVENTS);
}

int
events_chain_head (pmo_txn_t *txn, uint64_t last_seq, uint8_t head[32])
{
    memcpy (head, pmo_chain_genesis, PMO_HASH_LEN);
    if (last_seq == 0)
        return PMO_OK;
    pmo_key_t k;
    tables_key_seq (&k, last_seq);
    Pmo__Event *ev = NULL;
    int rc = tables_get (txn, DB_EVENTS, &k, &pmo__event__descriptor, (void **) &ev);
    if (rc == PMO_OK && (!ev->has_hash || ev->hash.len != PMO_HASH_LEN))
        rc = PMO_ECORRUPT;
    if (rc == PMO_OK)
        memcpy (head, ev->hash.data, PMO_HASH_LEN);
    pmo_wire_free (ev);
    return rc;
}

int
events_emit (req_t *r, const char *topic, const char *project, Pmo__Event__BodyCase body_case,
             const void *body)
{
    broker_t *b = r->broker;
    Pmo__Event ev = PMO__EVENT__INIT;
    Pmo__UpdateId *update = r->req ? r->req->update : NULL;
    ev.has_seq = true;
    ev.seq = b->next_seq;
    ev.has_at_ms = true;
    ev.at_ms = r->now_ms;
    ev.actor = (char *) r->actor;
    ev.topic = (char *) topic;
    ev.project = (char *) project;
    ev.update = update;
    ev.body_case = body_case;
    /*  Every oneof member is a message pointer at the same offset. */
    ev.portfolio = (Pmo__Portfolio *) body;
    uint8_t hashes[2 * PMO_HASH_LEN];
    pmo_chain_seal (&ev, batch_chain_head (b->batch, b->chain_head), hashes, &b->scratch);

    pmo_key_t k;
    tables_key_seq (&k, ev.seq);
    /*  b->scratch holds ev packed (the seal packed it once). */
    /*  Seqs only grow, so the log is an append: one page touched. */
    int rc = pmo_put (r->txn, DB_EVENTS, k.buf, k.len, b->scratch.data, b->scratch.len, PMO_PUT_APPEND);
    if (rc == PMO_OK)
        batch_queue_event (b->batch, topic, b->scratch.data, b->scratch.len, hashes + PMO_HASH_LEN);
    if (rc == PMO_OK && project)
        rc = project_index_add (r->txn, project, ev.seq);
    if (rc)
        return req_fail (r, rc, "", "event log: %s", pmo_strerror (rc));
    if (project && !r->internal)
        batch_touch (b->batch, project);
    if (!r->seq)
        r->seq = ev.seq;
    b->next_seq++;
    return PMO_OK;
}
