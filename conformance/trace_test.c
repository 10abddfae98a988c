/* trace_test.c — the trace reader: good traces parse to the right operations,
 * generators are reproducible, and every bad line is an error with file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"
#include "test_expect.h"

static int parse(struct hst_arena *a, struct hst_corpus *c, const char *text, char *err)
{
    memset(c, 0, sizeof *c);
    return hst_parse(a, c, "t.trace", text, strlen(text), err, 256);
}

static void good_trace(struct hst_arena *a)
{
    struct hst_corpus c;
    char err[256] = "";
    const char *t = "# a comment\n"
                    "case one   # trailing comment\n"
                    "clauses MALLOC-ALIGN-1 MALLOC-FREE-1\n"
                    "timeout 7\n"
                    "malloc #1 PTRDIFF_MAX+1\n"
                    "calloc #2 0x10 4K\n"
                    "realloc #3 null SIZE_MAX-4095\n"
                    "free null\n"
                    "threads 4 100 64\n"
                    "harden double_free\n"
                    "end\n";
    EXPECT(parse(a, &c, t, err) == 0, "%s", err);
    EXPECT(c.ncases == 1, "%u cases", c.ncases);
    if (c.ncases != 1)
        return;
    const struct hst_case *k = &c.cases[0];
    EXPECT(strcmp(k->name, "one") == 0, "name %s", k->name);
    EXPECT(k->timeout_s == 7, "timeout %u", k->timeout_s);
    EXPECT(k->nclauses == 2, "%u clauses", k->nclauses);
    EXPECT(k->nops == 6, "%u ops", k->nops);
    EXPECT(k->ops[0].kind == HSO_MALLOC && k->ops[0].dst == 1 &&
               k->ops[0].a == (uint64_t)PTRDIFF_MAX + 1u,
           "malloc op");
    EXPECT(k->ops[1].a == 16 && k->ops[1].b == 4096, "calloc args %llu %llu",
           (unsigned long long)k->ops[1].a, (unsigned long long)k->ops[1].b);
    EXPECT(k->ops[2].src == HST_NULL_ID && k->ops[2].a == UINT64_MAX - 4095u, "realloc op");
    EXPECT(k->ops[3].kind == HSO_FREE && k->ops[3].dst == HST_NULL_ID, "free null");
    EXPECT(k->ops[5].kind == HSO_HARDEN && k->ops[5].a == 0, "harden");
    /* formatting an op and reading it back gives the same op */
    for (uint32_t i = 0; i < k->nops; i++) {
        char line[160], text[400];
        hst_op_format(&k->ops[i], line, sizeof line);
        snprintf(text, sizeof text, "case r\nclauses MALLOC-ALIGN-1\n%s\nend\n", line);
        struct hst_corpus c2;
        EXPECT(parse(a, &c2, text, err) == 0 && c2.cases[0].nops == 1, "re-read `%s`: %s", line,
               err);
        if (c2.ncases == 1 && c2.cases[0].nops == 1) {
            const struct hst_op *x = &c2.cases[0].ops[0], *y = &k->ops[i];
            EXPECT(x->kind == y->kind && x->dst == y->dst && x->src == y->src && x->a == y->a &&
                       x->b == y->b && x->c == y->c,
                   "round trip of `%s`", line);
        }
    }
}

static void generators(struct hst_arena *a)
{
    struct hst_corpus c1, c2;
    char err[256];
    const char *t = "case g\nclauses MALLOC-ALIGN-1\nrandom 42 3000 512\nend\n";
    EXPECT(parse(a, &c1, t, err) == 0, "%s", err);
    EXPECT(parse(a, &c2, t, err) == 0, "%s", err);
    EXPECT(c1.cases[0].nops == 3000 && c2.cases[0].nops == 3000, "random count");
    EXPECT(memcmp(c1.cases[0].ops, c2.cases[0].ops, sizeof(struct hst_op) * 3000) == 0,
           "random is reproducible");
    const char *t3 = "case g\nclauses MALLOC-ALIGN-1\nrandom 43 3000 512\nend\n";
    EXPECT(parse(a, &c2, t3, err) == 0, "%s", err);
    EXPECT(memcmp(c1.cases[0].ops, c2.cases[0].ops, sizeof(struct hst_op) * 3000) != 0,
           "another seed gives another trace");
    unsigned over = 0;
    for (uint32_t i = 0; i < 3000; i++) {
        const struct hst_op *o = &c1.cases[0].ops[i];
        if ((o->kind == HSO_MALLOC || o->kind == HSO_REALLOC) && o->a > 512)
            over++;
    }
    EXPECT(over == 0, "%u sizes above MAXSIZE", over);
    const char *h = "case h\nclauses MALLOC-HUGE-1\neach_huge malloc #1 $N\nend\n";
    EXPECT(parse(a, &c1, h, err) == 0, "%s", err);
    uint32_t n = c1.cases[0].nops;
    EXPECT(n >= 120, "each_huge made %u ops", n);
    bool all_huge = true, has_max = false, has_first = false;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t s = c1.cases[0].ops[i].a;
        all_huge &= s > (uint64_t)PTRDIFF_MAX;
        has_max |= s == UINT64_MAX;
        has_first |= s == (uint64_t)PTRDIFF_MAX + 1u;
    }
    EXPECT(all_huge && has_max && has_first, "each_huge sizes span (PTRDIFF_MAX, SIZE_MAX]");
}

static void bad(struct hst_arena *a, const char *text, const char *want)
{
    struct hst_corpus c;
    char err[256] = "";
    int rc = parse(a, &c, text, err);
    EXPECT(rc == -1, "bad trace accepted: %s", text);
    EXPECT(strstr(err, want) != NULL, "error `%s` lacks `%s`", err, want);
}

static void bad_traces(struct hst_arena *a)
{
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nfree #1 #2\nend\n", "t.trace:3: `free` takes 1 argument");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nmalloc #1 -1\nend\n", "t.trace:3: bad number");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nmalloc #1 0x\nend\n", "t.trace:3: bad number");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nmalloc #1 99999999999999999999\nend\n",
        "t.trace:3: bad number");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nmalloc null 8\nend\n", "t.trace:3: `null` is not allowed");
    bad(a, "case a b\n", "t.trace:1: usage: case NAME");
    bad(a, "case a/b\n", "t.trace:1: case name may hold only");
    bad(a, "case a\ncase b\n", "t.trace:2: `case` inside case a");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nrandom 1\nend\n", "t.trace:3: usage: random");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nharden nothing\nend\n", "t.trace:3: unknown harden kind");
    bad(a, "case a\nfamily nosuch\nend\n", "t.trace:2: unknown family");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nprofile fast\nend\n", "t.trace:3: usage: profile");
    bad(a, "case a\nclauses MALLOC-ALIGN-1\nmalloc #1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\nend\n",
        "t.trace:3: too many words");
}

int main(void)
{
    struct hst_arena a;
    if (hst_arena_init(&a, (size_t)1 << 30) != 0) {
        fprintf(stderr, "no arena\n");
        return 1;
    }
    good_trace(&a);
    generators(&a);
    bad_traces(&a);
    printf("trace_test: %d failures\n", failures);
    return failures != 0;
}
