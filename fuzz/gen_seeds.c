/*
 * gen_seeds.c — makes the malloc harness's seed inputs from the conformance
 * corpus: every default-profile malloc case becomes one input (header byte 0,
 * then its ops in the byte format of malloc_decode.h; scenario ops dropped,
 * at most SEED_MAX_OPS ops, ids mod 256, sizes cut to the byte budget).
 *
 *   gen_seeds --write OUTDIR CORPUS...   writes OUTDIR/<case name>
 *   gen_seeds --check SEEDDIR CORPUS...  fails (exit 1) when a generated
 *                                        input differs from the file in
 *                                        SEEDDIR, or when an input does not
 *                                        decode back to exactly the ops it
 *                                        was encoded from
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/malloc_decode.h"
#include "fuzz/seed_files.h"

#define SEED_MAX_OPS 400u
#define SEED_MAX_BYTES (SEED_MAX_OPS * HSF_MAX_OP_BYTES + 1u)

/* Encodes cs into buf; canon[] gets the ops the bytes stand for. */
static size_t encode_case(const void *arg, const struct hst_case *cs, uint8_t *buf,
                          struct hst_op *canon, uint32_t *ncanon)
{
    (void)arg;
    size_t len = 0;
    buf[len++] = hsf_malloc_encode_header(0, 0);
    *ncanon = 0;
    struct hsf_malloc_budget bud;
    hsf_malloc_budget_init(&bud);
    for (uint32_t i = 0; i < cs->nops && *ncanon < SEED_MAX_OPS; i++) {
        size_t n = hsf_malloc_encode_op(&cs->ops[i], buf + len, &canon[*ncanon], &bud);
        if (n == 0)
            continue;
        len += n;
        (*ncanon)++;
    }
    return len;
}

static int decode(const void *arg, const uint8_t *buf, size_t len, struct hst_arena *a,
                  struct hst_case *out, bool *axes)
{
    (void)arg;
    struct hsf_malloc_input in;
    if (hsf_malloc_decode(buf, len, a, &in) != 0)
        return -1;
    *out = in.cs;
    *axes = in.fail_nth || in.footprint_limit;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct hsf_seed_format format = {
        .tool = "gen_seeds",
        .family = "malloc",
        .fam = &hst_malloc_family,
        .max_ops = SEED_MAX_OPS,
        .max_bytes = SEED_MAX_BYTES,
        .encode = encode_case,
        .decode = decode,
    };
    if (argc < 4 || (strcmp(argv[1], "--write") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: %s --write|--check SEEDDIR CORPUS...\n", argv[0]);
        return 2;
    }
    return hsf_seed_main(&format, strcmp(argv[1], "--write") == 0, argv[2], argv + 3, argc - 3);
}
