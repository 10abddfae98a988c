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
static size_t encode_case(const struct hst_case *cs, uint8_t *buf, struct hst_op *canon,
                          uint32_t *ncanon)
{
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

static bool same_op(const struct hst_op *x, const struct hst_op *y)
{
    return x->kind == y->kind && x->dst == y->dst && x->src == y->src && x->a == y->a &&
           x->b == y->b;
}

/* Decodes buf and compares with canon; prints the first difference. */
static int roundtrip(const char *name, const uint8_t *buf, size_t len, const struct hst_op *canon,
                     uint32_t ncanon, struct hst_arena *a)
{
    struct hsf_malloc_input in;
    size_t mark = a->used;
    if (hsf_malloc_decode(buf, len, a, &in) != 0) {
        fprintf(stderr, "%s: arena exhausted\n", name);
        return -1;
    }
    int rc = 0;
    if (in.cs.nops != ncanon || in.fail_nth || in.footprint_limit) {
        fprintf(stderr, "%s: decoded %u ops, encoded %u\n", name, in.cs.nops, ncanon);
        rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < ncanon; i++)
        if (!same_op(&in.cs.ops[i], &canon[i])) {
            char want[160], got[160];
            hst_op_format(&canon[i], want, sizeof want);
            hst_op_format(&in.cs.ops[i], got, sizeof got);
            fprintf(stderr, "%s: op %u decodes to '%s', encoded from '%s'\n", name, i + 1, got,
                    want);
            rc = -1;
        }
    a->used = mark;
    return rc;
}

int main(int argc, char **argv)
{
    static uint8_t buf[SEED_MAX_BYTES];
    static struct hst_op canon[SEED_MAX_OPS];
    if (argc < 4 || (strcmp(argv[1], "--write") != 0 && strcmp(argv[1], "--check") != 0)) {
        fprintf(stderr, "usage: %s --write|--check SEEDDIR CORPUS...\n", argv[0]);
        return 2;
    }
    bool write = strcmp(argv[1], "--write") == 0;
    struct hst_arena arena;
    struct hst_corpus corpus = {0};
    char err[512];
    if (hst_arena_init(&arena, (size_t)1 << 30) != 0) {
        fprintf(stderr, "cannot map the arena\n");
        return 2;
    }
    for (int i = 3; i < argc; i++)
        if (hst_load_path(&arena, &corpus, argv[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
    int bad = 0;
    unsigned made = 0;
    for (uint32_t c = 0; c < corpus.ncases; c++) {
        const struct hst_case *cs = &corpus.cases[c];
        if (strcmp(cs->family, "malloc") != 0 || cs->profile != HST_PROFILE_DEFAULT)
            continue;
        uint32_t ncanon;
        size_t len = encode_case(cs, buf, canon, &ncanon);
        if (ncanon == 0)
            continue; /* scenario-only cases */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[2], cs->name);
        if (roundtrip(cs->name, buf, len, canon, ncanon, &arena) != 0)
            bad = 1;
        else if (write ? hsf_seed_write(path, buf, len)
                       : hsf_seed_compare(path, buf, len, "gen_seeds"))
            bad = 1;
        made++;
    }
    printf("gen_seeds: %u seed inputs %s, %s\n", made, write ? "written" : "checked",
           bad ? "FAILED" : "ok");
    return bad;
}
