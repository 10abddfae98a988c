/* seed_files.c — see seed_files.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/seed_files.h"

int hsf_seed_compare(const char *path, const uint8_t *buf, size_t len, const char *tool)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: missing (regenerate with %s --write)\n", path, tool);
        return -1;
    }
    uint8_t *have = malloc(len + 1);
    size_t n = have ? fread(have, 1, len + 1, f) : 0;
    fclose(f);
    int same = have != NULL && n == len && memcmp(have, buf, len) == 0;
    free(have);
    if (!same) {
        fprintf(stderr, "%s: stale (regenerate with %s --write)\n", path, tool);
        return -1;
    }
    return 0;
}

int hsf_seed_write(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len) {
        fprintf(stderr, "%s: cannot write\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

static bool same_op(const struct hst_op *x, const struct hst_op *y)
{
    return x->kind == y->kind && x->dst == y->dst && x->src == y->src && x->a == y->a &&
           x->b == y->b && x->c == y->c;
}

/* Decodes buf and compares with canon; prints the first difference. */
static int roundtrip(const struct hsf_seed_format *f, const char *name, const uint8_t *buf,
                     size_t len, const struct hst_op *canon, uint32_t ncanon, struct hst_arena *a)
{
    struct hst_case cs;
    bool axes = false;
    size_t mark = a->used;
    if (f->decode(f->arg, buf, len, a, &cs, &axes) != 0) {
        fprintf(stderr, "%s: arena exhausted\n", name);
        return -1;
    }
    int rc = 0;
    if (cs.nops != ncanon || axes) {
        fprintf(stderr, "%s: decoded %u ops%s, encoded %u\n", name, cs.nops,
                axes ? " and an open() axis" : "", ncanon);
        rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < ncanon; i++)
        if (!same_op(&cs.ops[i], &canon[i])) {
            char want[256], got[256];
            hst_op_format_in(f->fam, &canon[i], want, sizeof want);
            hst_op_format_in(f->fam, &cs.ops[i], got, sizeof got);
            fprintf(stderr, "%s: op %u decodes to '%s', encoded as '%s'\n", name, i + 1, got,
                    want);
            rc = -1;
        }
    a->used = mark;
    return rc;
}

int hsf_seed_main(const struct hsf_seed_format *f, bool write, const char *dir, char **paths,
                  int npaths)
{
    struct hst_arena arena;
    struct hst_corpus corpus = {0};
    char err[512];
    uint8_t *buf = malloc(f->max_bytes);
    struct hst_op *canon = calloc(f->max_ops, sizeof *canon);
    if (buf == NULL || canon == NULL || hst_arena_init(&arena, (size_t)1 << 30) != 0) {
        fprintf(stderr, "%s: cannot map the arena\n", f->tool);
        return 2;
    }
    for (int i = 0; i < npaths; i++)
        if (hst_load_path(&arena, &corpus, paths[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
    int bad = 0;
    unsigned made = 0;
    for (uint32_t c = 0; c < corpus.ncases; c++) {
        const struct hst_case *cs = &corpus.cases[c];
        if (strcmp(cs->family, f->family) != 0 || cs->profile != HST_PROFILE_DEFAULT)
            continue;
        uint32_t ncanon;
        size_t len = f->encode(f->arg, cs, buf, canon, &ncanon);
        if (ncanon == 0)
            continue; /* only ops the fuzzer does not make */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, cs->name);
        if (roundtrip(f, cs->name, buf, len, canon, ncanon, &arena) != 0)
            bad = 1;
        else if (write ? hsf_seed_write(path, buf, len)
                       : hsf_seed_compare(path, buf, len, f->tool))
            bad = 1;
        made++;
    }
    printf("%s %s: %u seed inputs %s, %s\n", f->tool, f->family, made,
           write ? "written" : "checked", bad ? "FAILED" : "ok");
    free(buf);
    free(canon);
    return bad || made == 0;
}
