/*  pmo_sha256: see the header.  The accelerated path is the SHA-256
 *  compression function on the x86 SHA extensions (sha256rnds2 does two
 *  rounds, sha256msg1/msg2 extend the message schedule four words at a
 *  time); the padding is done here, by the standard's rules. */
#include "pmo/pmo_sha256.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

void
pmo_sha256_pair_portable (const void *a, size_t a_len, const void *b, size_t b_len, uint8_t out[PMO_SHA256_LEN])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init (&st);
    if (a_len)
        crypto_hash_sha256_update (&st, a, a_len);
    if (b_len)
        crypto_hash_sha256_update (&st, b, b_len);
    crypto_hash_sha256_final (&st, out);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>

#define S_TARGET __attribute__ ((target ("sha,sse4.1,ssse3")))

static const uint32_t s_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/*  Compresses n 64-byte blocks into state (h0..h7). */
S_TARGET static void
s_compress (uint32_t state[8], const uint8_t *blocks, size_t n)
{
    /*  The instructions keep the state as (a b e f) and (c d g h). */
    const __m128i be = _mm_set_epi64x (0x0c0d0e0f08090a0bull, 0x0405060700010203ull);
    __m128i dcba = _mm_loadu_si128 ((const __m128i *) &state[0]);
    __m128i hgfe = _mm_loadu_si128 ((const __m128i *) &state[4]);
    __m128i cdab = _mm_shuffle_epi32 (dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32 (hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8 (cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16 (efgh, cdab, 0xF0);

    for (; n; n--, blocks += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w[4];  /* the schedule's last 16 words, 4 per vector */
        for (int g = 0; g < 16; g++) {
            __m128i x;
            if (g < 4) {
                x = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 16 * g)), be);
            } else {
                /*  W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] */
                x = _mm_sha256msg1_epu32 (w[g & 3], w[(g + 1) & 3]);
                x = _mm_add_epi32 (x, _mm_alignr_epi8 (w[(g + 3) & 3], w[(g + 2) & 3], 4));
                x = _mm_sha256msg2_epu32 (x, w[(g + 3) & 3]);
            }
            w[g & 3] = x;
            __m128i kw = _mm_add_epi32 (x, _mm_loadu_si128 ((const __m128i *) &s_k[4 * g]));
            cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, kw);
            abef = _mm_sha256rnds2_epu32 (abef, cdgh, _mm_shuffle_epi32 (kw, 0x0E));
        }
        abef = _mm_add_epi32 (abef, abef_in);
        cdgh = _mm_add_epi32 (cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32 (abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32 (cdgh, 0xB1);
    _mm_storeu_si128 ((__m128i *) &state[0], _mm_blend_epi16 (feba, dchg, 0xF0));
    _mm_storeu_si128 ((__m128i *) &state[4], _mm_alignr_epi8 (dchg, feba, 8));
}

static bool
s_cpu_has_sha (void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid (1, &a, &b, &c, &d))
        return false;
    bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (!__get_cpuid_count (7, 0, &a, &b, &c, &d))
        return false;
    return ssse3 && sse41 && (b & (1u << 29));
}

bool
pmo_sha256_accelerated (void)
{
    /*  Threads that ask at once all compute the same answer. */
    static atomic_int has = -1;
    int v = atomic_load_explicit (&has, memory_order_relaxed);
    if (v < 0) {
        v = s_cpu_has_sha ();
        atomic_store_explicit (&has, v, memory_order_relaxed);
    }
    return v;
}

/*  Feeds len bytes through a one-block buffer, compressing whole blocks
 *  straight from p when the buffer is empty. */
static void
s_feed (uint32_t state[8], uint8_t block[64], size_t *fill, const uint8_t *p, size_t len)
{
    if (*fill) {
        size_t take = 64 - *fill < len ? 64 - *fill : len;
        memcpy (block + *fill, p, take);
        *fill += take;
        p += take;
        len -= take;
        if (*fill < 64)
            return;
        s_compress (state, block, 1);
        *fill = 0;
    }
    if (len >= 64) {
        s_compress (state, p, len / 64);
        p += len & ~(size_t) 63;
        len &= 63;
    }
    memcpy (block, p, len);
    *fill = len;
}

void
pmo_sha256_pair (const void *a, size_t a_len, const void *b, size_t b_len, uint8_t out[PMO_SHA256_LEN])
{
    if (!pmo_sha256_accelerated ()) {
        pmo_sha256_pair_portable (a, a_len, b, b_len, out);
        return;
    }
    uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t block[64];
    size_t fill = 0;
    if (a_len)
        s_feed (state, block, &fill, a, a_len);
    if (b_len)
        s_feed (state, block, &fill, b, b_len);
    /*  Padding: 0x80, zeros, then the message's length in bits (big
     *  endian) in the last 8 bytes of the last block. */
    uint64_t bits = (uint64_t) (a_len + b_len) * 8;
    block[fill++] = 0x80;
    if (fill > 56) {
        memset (block + fill, 0, 64 - fill);
        s_compress (state, block, 1);
        fill = 0;
    }
    memset (block + fill, 0, 56 - fill);
    for (int i = 0; i < 8; i++)
        block[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
    s_compress (state, block, 1);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t) (state[i] >> 24);
        out[4 * i + 1] = (uint8_t) (state[i] >> 16);
        out[4 * i + 2] = (uint8_t) (state[i] >> 8);
        out[4 * i + 3] = (uint8_t) state[i];
    }
}

#else

bool
pmo_sha256_accelerated (void)
{
    return false;
}

void
pmo_sha256_pair (const void *a, size_t a_len, const void *b, size_t b_len, uint8_t out[PMO_SHA256_LEN])
{
    pmo_sha256_pair_portable (a, a_len, b, b_len, out);
}

#endif
