/*
 * family_gen_seeds.c — makes a family harness's seed inputs from the
 * conformance corpus: every default-profile case of the family becomes one
 * input (its header, then its ops in the byte format of family_decode.h;
 * ops the fuzzer does not make dropped, at most HSF_FAM_MAX_OPS ops).
 *
 *   family_gen_seeds FAMILY --write OUTDIR CORPUS...   writes OUTDIR/<case>
 *   family_gen_seeds FAMILY --check SEEDDIR CORPUS...  exit 1 when an input
 *                          differs from the file in SEEDDIR, or does not
 *                          decode back to exactly the ops it was made from
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/family_decode.h"
#include "fuzz/seed_files.h"

#define SEED_MAX_BYTES (HSF_FAM_MAX_OPS * HSF_FAM_MAX_OP_BYTES + 1u)

static size_t encode_case(const void *arg, const struct hst_case *cs, uint8_t *buf,
                          struct hst_op *canon, uint32_t *ncanon)
{
    const struct hsf_family *f = arg;
    size_t len = 0;
    buf[len++] = hsf_family_encode_header(f, cs->footprint_limit);
    *ncanon = 0;
    struct hsf_family_budget bud;
    hsf_family_budget_init(&bud);
    for (uint32_t i = 0; i < cs->nops && *ncanon < HSF_FAM_MAX_OPS; i++) {
        size_t n = hsf_family_encode_op(f, &cs->ops[i], buf + len, &canon[*ncanon], &bud);
        if (n == 0)
            continue;
        len += n;
        (*ncanon)++;
    }
    return len;
}

/* The footprint limit is in the header, as the case had it: no axis to
 * report (the op comparison is the check). */
static int decode(const void *arg, const uint8_t *buf, size_t len, struct hst_arena *a,
                  struct hst_case *out, bool *axes)
{
    struct hsf_family_input in;
    if (hsf_family_decode(arg, buf, len, a, &in) != 0)
        return -1;
    *out = in.cs;
    *axes = false;
    return 0;
}

int main(int argc, char **argv)
{
    static struct hsf_family fam;
    if (argc < 5 || (strcmp(argv[2], "--write") != 0 && strcmp(argv[2], "--check") != 0)) {
        fprintf(stderr, "usage: %s FAMILY --write|--check SEEDDIR CORPUS...\n", argv[0]);
        return 2;
    }
    if (hsf_family_init(&fam, argv[1]) != 0) {
        fprintf(stderr, "%s: no such family, or none of its ops is fuzzed\n", argv[1]);
        return 2;
    }
    const struct hsf_seed_format format = {
        .tool = "family_gen_seeds",
        .family = argv[1],
        .fam = fam.fam,
        .max_ops = HSF_FAM_MAX_OPS,
        .max_bytes = SEED_MAX_BYTES,
        .arg = &fam,
        .encode = encode_case,
        .decode = decode,
    };
    return hsf_seed_main(&format, strcmp(argv[2], "--write") == 0, argv[3], argv + 4, argc - 4);
}
