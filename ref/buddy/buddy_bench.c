/*
 * buddy_bench.c — alloc/free operations per second of the reference buddy.
 * Prints figures, asserts nothing.
 *
 *   1. pairs: alloc then free of one min-order block (the split/merge path
 *      through every level: the worst case, max_order - min_order steps each);
 *   2. churn: a random mix over a half-full range (random orders, frees of
 *      random live blocks), the typical case.
 * Usage: buddy_bench [million_ops]   (default 10)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "heapspec/buddy.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    uint64_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 10) * 1000000u;
    hsr_buddy_t *b = NULL;
    if (hsr_buddy_create(12, 30, &b) != 0) { /* 4 KiB .. 1 GiB: 18 levels */
        fprintf(stderr, "buddy_bench: create failed\n");
        return 1;
    }
    uint64_t off = 0, sink = 0;

    double t0 = now();
    for (uint64_t i = 0; i < n / 2; i++) {
        hsr_buddy_alloc_order(b, 12, &off);
        sink += off;
        hsr_buddy_free(b, off);
    }
    double t1 = now();
    printf("buddy pairs (4 KiB block in a 1 GiB range, %u levels): %.1f M ops/s\n",
           b->depth, (double)n / (t1 - t0) / 1e6);

    enum { LIVE = 4096 };
    static uint64_t live[LIVE];
    uint32_t nlive = 0;
    uint64_t ops = 0, fails = 0;
    t0 = now();
    while (ops < n) {
        if (nlive < LIVE && (nlive == 0 || rnd() % 2)) {
            uint32_t order = 12 + (uint32_t)(rnd() % 8); /* 4 KiB .. 512 KiB */
            if (hsr_buddy_alloc_order(b, order, &off) == 0)
                live[nlive++] = off;
            else
                fails++;
        } else {
            uint32_t k = (uint32_t)(rnd() % nlive);
            hsr_buddy_free(b, live[k]);
            live[k] = live[--nlive];
        }
        ops++;
    }
    t1 = now();
    printf("buddy churn (random orders 12..19, up to %d live): %.1f M ops/s "
           "(%" PRIu64 " -ENOMEM, free %" PRIu64 " MiB at the end)\n",
           LIVE, (double)ops / (t1 - t0) / 1e6, fails, hsr_buddy_free_bytes(b) >> 20);
    if (sink == 1)
        printf("\n");
    hsr_buddy_destroy(b);
    return 0;
}
