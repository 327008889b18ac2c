/*  fuzz_seeds: writes the seed corpus of fuzz_request, one packed request
 *  per file (DIR/NN-name), from the real requests in requests.c.
 *  Usage: fuzz_seeds DIR */
#include <stdio.h>

#include "requests.h"

int
main (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: fuzz_seeds DIR\n");
        return 1;
    }
    pmo_buf_t buf = {0};
    for (size_t i = 0; i < fuzz_request_count (); i++) {
        const char *name = fuzz_request_pack (i, &buf);
        char path[4200];
        snprintf (path, sizeof path, "%s/%02zu-%s", argv[1], i, name);
        FILE *f = fopen (path, "wb");
        if (!f || fwrite (buf.data, 1, buf.len, f) != buf.len || fclose (f) != 0) {
            perror (path);
            return 1;
        }
    }
    pmo_buf_free (&buf);
    return 0;
}
