/*  pmo_sha256: SHA-256 of two byte strings joined, for the event chain.
 *
 *  Why not only libsodium's: pmod seals every event (SHA-256 of the
 *  previous hash and the packed event, ~4 blocks), and libsodium's
 *  portable code was 4 % of pmod's CPU at full ingest.  On x86-64 CPUs
 *  with the SHA extensions the blocks are compressed with them; elsewhere
 *  libsodium does the work.  Both give the same digest (test_sha256). */
#ifndef PMO_SHA256_H
#define PMO_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMO_SHA256_LEN 32

/*  out = SHA-256 (a || b).  a or b may be NULL when its length is 0. */
void pmo_sha256_pair (const void *a, size_t a_len, const void *b, size_t b_len, uint8_t out[PMO_SHA256_LEN]);

/*  True when pmo_sha256_pair uses the CPU's SHA instructions. */
bool pmo_sha256_accelerated (void);

/*  Always libsodium's code: the reference the tests compare against. */
void pmo_sha256_pair_portable (const void *a, size_t a_len, const void *b, size_t b_len,
                               uint8_t out[PMO_SHA256_LEN]);

#endif
