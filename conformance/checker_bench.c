/* checker_bench.c — how fast the malloc checker judges operations.
 *
 * Runs a seeded random trace against the process malloc twice: through the
 * checker (every step judged, blocks patterned and verified), and raw (the
 * same calls, nothing judged). Prints figures; asserts nothing.
 *
 *   bazel run -c opt //conformance:checker_bench -- [OPS] [MAXSIZE] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hs_internal.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000ul;
    unsigned long maxsize = argc > 2 ? strtoul(argv[2], NULL, 10) : 256ul;
    if (ops == 0 || ops > (1ul << 22) || maxsize == 0) {
        fprintf(stderr, "usage: checker_bench [OPS (1..4194304)] [MAXSIZE]\n");
        return 2;
    }
    struct hst_arena a;
    if (hst_arena_init(&a, (size_t)2 << 30) != 0)
        return 1;
    char text[256], err[256];
    snprintf(text, sizeof text, "case bench\nclauses MALLOC-INTEGRITY-1\nrandom 7 %lu %lu\nend\n",
             ops, maxsize);
    struct hst_corpus c = {0};
    if (hst_parse(&a, &c, "bench", text, strlen(text), err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const struct hs_subject *s = hst_libc_subject();
    hs_ctx_t *ctx = NULL;
    s->open(NULL, &ctx);
    static uint32_t pos;
    struct hst_sink sink = {.fd = open("/dev/null", O_WRONLY), .pos = &pos};
    double t0 = now_s();
    hst_malloc_run(s, ctx, &c.cases[0], &sink, &a);
    double checked = now_s() - t0;
    uint64_t judged = 0;
    for (int k = 0; k < HSC_COUNT; k++)
        judged += sink.checks[k];

    /* the same calls with nothing judged */
    static void *live[HST_MAX_ID + 1];
    t0 = now_s();
    for (uint32_t i = 0; i < c.cases[0].nops; i++) {
        const struct hst_op *o = &c.cases[0].ops[i];
        switch (o->kind) {
        case HSO_MALLOC: live[o->dst] = malloc(o->a); break;
        case HSO_CALLOC: live[o->dst] = calloc(o->a, o->b); break;
        case HSO_REALLOC: {
            void *p = realloc(o->src == HST_NULL_ID ? NULL : live[o->src], o->a);
            if (p != NULL || o->a == 0) {
                if (o->src != HST_NULL_ID)
                    live[o->src] = NULL;
                live[o->dst] = p;
            }
            break;
        }
        case HSO_ALIGNED_ALLOC: live[o->dst] = aligned_alloc(o->a, o->b); break;
        case HSO_POSIX_MEMALIGN:
            if (posix_memalign(&live[o->dst], o->a, o->b) != 0)
                live[o->dst] = NULL;
            break;
        case HSO_FREE:
            if (o->dst != HST_NULL_ID) {
                free(live[o->dst]);
                live[o->dst] = NULL;
            }
            break;
        default: break;
        }
    }
    for (uint32_t i = 0; i <= HST_MAX_ID; i++)
        free(live[i]);
    double raw = now_s() - t0;
    printf("checker_bench: %lu operations, sizes 1..%lu, process malloc\n", ops, maxsize);
    printf("  checked: %.3f s  %.2f M checked ops/s  (%.1f M clause checks)\n", checked,
           (double)ops / checked / 1e6, (double)judged / 1e6);
    printf("  raw:     %.3f s  %.2f M ops/s\n", raw, (double)ops / raw / 1e6);
    printf("  checker overhead: %.1fx\n", checked / raw);
    return 0;
}
