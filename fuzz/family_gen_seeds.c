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

static size_t encode_case(const struct hsf_family *f, const struct hst_case *cs, uint8_t *buf,
                          struct hst_op *canon, uint32_t *ncanon)
{
    size_t len = 0;
    buf[len++] = hsf_family_encode_header(f, cs->footprint_limit);
    *ncanon = 0;
    for (uint32_t i = 0; i < cs->nops && *ncanon < HSF_FAM_MAX_OPS; i++) {
        size_t n = hsf_family_encode_op(f, &cs->ops[i], buf + len, &canon[*ncanon]);
        if (n == 0)
            continue;
        len += n;
        (*ncanon)++;
    }
    return len;
}

static bool same_op(const struct hst_op *x, const struct hst_op *y)
{
    return x->kind == y->kind && x->dst == y->dst && x->src == y->src && x->a == y->a &&
           x->b == y->b && x->c == y->c;
}

static int roundtrip(const struct hsf_family *f, const char *name, const uint8_t *buf, size_t len,
                     const struct hst_op *canon, uint32_t ncanon, struct hst_arena *a)
{
    struct hsf_family_input in;
    size_t mark = a->used;
    if (hsf_family_decode(f, buf, len, a, &in) != 0) {
        fprintf(stderr, "%s: arena exhausted\n", name);
        return -1;
    }
    int rc = 0;
    if (in.cs.nops != ncanon) {
        fprintf(stderr, "%s: decoded %u ops, encoded %u\n", name, in.cs.nops, ncanon);
        rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < ncanon; i++)
        if (!same_op(&in.cs.ops[i], &canon[i])) {
            char want[256], got[256];
            hst_op_format_in(f->fam, &canon[i], want, sizeof want);
            hst_op_format_in(f->fam, &in.cs.ops[i], got, sizeof got);
            fprintf(stderr, "%s: op %u decodes to '%s', encoded as '%s'\n", name, i + 1, got,
                    want);
            rc = -1;
        }
    a->used = mark;
    return rc;
}

int main(int argc, char **argv)
{
    static uint8_t buf[SEED_MAX_BYTES];
    static struct hst_op canon[HSF_FAM_MAX_OPS];
    struct hsf_family fam;
    if (argc < 5 || (strcmp(argv[2], "--write") != 0 && strcmp(argv[2], "--check") != 0)) {
        fprintf(stderr, "usage: %s FAMILY --write|--check SEEDDIR CORPUS...\n", argv[0]);
        return 2;
    }
    if (hsf_family_init(&fam, argv[1]) != 0) {
        fprintf(stderr, "%s: no such family, or none of its ops is fuzzed\n", argv[1]);
        return 2;
    }
    bool write = strcmp(argv[2], "--write") == 0;
    struct hst_arena arena;
    struct hst_corpus corpus = {0};
    char err[512];
    if (hst_arena_init(&arena, (size_t)1 << 30) != 0) {
        fprintf(stderr, "cannot map the arena\n");
        return 2;
    }
    for (int i = 4; i < argc; i++)
        if (hst_load_path(&arena, &corpus, argv[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
    int bad = 0;
    unsigned made = 0;
    for (uint32_t c = 0; c < corpus.ncases; c++) {
        const struct hst_case *cs = &corpus.cases[c];
        if (strcmp(cs->family, argv[1]) != 0 || cs->profile != HST_PROFILE_DEFAULT)
            continue;
        uint32_t ncanon;
        size_t len = encode_case(&fam, cs, buf, canon, &ncanon);
        if (ncanon == 0)
            continue; /* only ops the fuzzer does not make */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[3], cs->name);
        if (roundtrip(&fam, cs->name, buf, len, canon, ncanon, &arena) != 0)
            bad = 1;
        else if (write ? hsf_seed_write(path, buf, len)
                       : hsf_seed_compare(path, buf, len, "family_gen_seeds"))
            bad = 1;
        made++;
    }
    printf("family_gen_seeds %s: %u seed inputs %s, %s\n", argv[1], made,
           write ? "written" : "checked", bad ? "FAILED" : "ok");
    return bad || made == 0;
}
