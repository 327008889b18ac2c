/*  test_sha256: pmo_sha256_pair gives libsodium's digest for every split
 *  of messages of 0 to 300 bytes (every padding case: the length field in
 *  the last block or in one more), and the standard's own test vectors. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "pmo/pmo_sha256.h"

static void
s_hex (const uint8_t d[PMO_SHA256_LEN], char out[2 * PMO_SHA256_LEN + 1])
{
    for (int i = 0; i < PMO_SHA256_LEN; i++)
        snprintf (out + 2 * i, 3, "%02x", d[i]);
}

static void
s_check_vector (const char *msg, size_t split, const char *want)
{
    uint8_t d[PMO_SHA256_LEN];
    char hex[2 * PMO_SHA256_LEN + 1];
    size_t len = strlen (msg);
    pmo_sha256_pair (msg, split, msg + split, len - split, d);
    s_hex (d, hex);
    CHECK_STR (hex, want);
    pmo_sha256_pair_portable (msg, split, msg + split, len - split, d);
    s_hex (d, hex);
    CHECK_STR (hex, want);
}

int
main (void)
{
    printf ("# SHA extensions %s\n", pmo_sha256_accelerated () ? "used" : "absent: the portable code is checked twice");
    /*  FIPS 180-2 examples. */
    s_check_vector ("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    s_check_vector ("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t split = 0; split <= strlen (two); split += 7)
        s_check_vector (two, split, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    uint8_t msg[300];
    uint32_t x = 0x9e3779b9;
    for (size_t i = 0; i < sizeof msg; i++) {
        x = x * 1664525u + 1013904223u;
        msg[i] = (uint8_t) (x >> 24);
    }
    int mismatches = 0;
    for (size_t len = 0; len <= sizeof msg; len++) {
        for (size_t split = 0; split <= len; split += len < 70 ? 1 : 13) {
            uint8_t got[PMO_SHA256_LEN], want[PMO_SHA256_LEN];
            pmo_sha256_pair (msg, split, msg + split, len - split, got);
            pmo_sha256_pair_portable (msg, len, NULL, 0, want);
            if (memcmp (got, want, sizeof got) != 0 && mismatches++ < 5)
                fprintf (stderr, "mismatch at length %zu split %zu\n", len, split);
        }
    }
    CHECK_EQ_I64 (mismatches, 0);
    return harness_report ();
}
