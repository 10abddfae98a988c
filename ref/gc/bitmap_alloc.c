/*
 * bitmap_alloc.c — the heap bitmap's calls outside WP's model of C (gc.h):
 * init and fini (calloc/free), the two walks (callbacks) and the checker
 * (snprintf). Their contracts in gc.h are stated, not proved; gc_test
 * checks them. The bit arithmetic they share with bitmap.c (bit i is bit
 * i % 64 of word i / 64, max bounds the set bits) is proved there.
 *
 * The walks go word by word and, inside a word, lowest set bit first
 * (count trailing zeros), so they visit addresses in increasing order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"
#include "ref/gc/gc_impl.h"
#include "ref/glue/attrs.h"

/* The collector's way to the spaces' usage-error hook (see gc_impl.h): the
 * heap has one hook, and the message says the collector found the misuse
 * (the default hook's line begins "heapspec spaces:"). */
int hsri_gc_report_misuse(const char *msg, const void *where) {
    char line[240];
    snprintf(line, sizeof line, "gc: %s", msg);
    return hsr_spaces_report_misuse(line, where);
}

int hsr_gc_bitmap_init(hsr_gc_bitmap_t *bm, uintptr_t base, uint64_t capacity) {
    if (bm == NULL || base % HSR_GC_GRANULE != 0 || capacity == 0 ||
        capacity > HSR_SPACES_MAX_CAPACITY || base > UINTPTR_MAX - capacity) {
        return -EINVAL;
    }
    uint64_t granules = (capacity + HSR_GC_GRANULE - 1) / HSR_GC_GRANULE;
    uint64_t nwords = (granules + 63) / 64;
    uint64_t *bits = calloc((size_t)nwords, sizeof *bits);
    if (bits == NULL) {
        return -ENOMEM;
    }
    bm->bits = bits;
    bm->nwords = nwords;
    bm->base = base;
    bm->capacity = capacity;
    bm->max = base;
    return 0;
}

void hsr_gc_bitmap_fini(hsr_gc_bitmap_t *bm) {
    if (bm != NULL) {
        free(bm->bits);
        memset(bm, 0, sizeof *bm);
    }
}

/* Words that can hold a bit: up to and including max's. */
static uint64_t words_in_use(const hsr_gc_bitmap_t *bm) {
    return (bm->max - bm->base) / HSR_GC_GRANULE / 64 + 1;
}

void hsr_gc_bitmap_walk(const hsr_gc_bitmap_t *bm, hsr_gc_bitmap_fn fn, void *arg) {
    /* Re-read max each word: fn may set bits above (marking during a
     * rescan); those are visited too when they lie ahead. */
    for (uint64_t w = 0; w < words_in_use(bm) && w < bm->nwords; w++) {
        uint64_t word = bm->bits[w];
        while (word != 0) {
            unsigned b = (unsigned)__builtin_ctzll(word);
            word &= word - 1;
            fn(bm->base + (uintptr_t)((w * 64 + b) * HSR_GC_GRANULE), arg);
        }
    }
}

void hsr_gc_bitmap_sweep_walk(const hsr_gc_bitmap_t *live, const hsr_gc_bitmap_t *mark,
                              hsr_gc_sweep_fn fn, void *arg) {
    void *batch[256];
    size_t n = 0;
    if (live->base != mark->base || live->nwords != mark->nwords) {
        (void)hsri_gc_report_misuse("sweep of bitmaps over different ranges", live);
        return;
    }
    uint64_t end = words_in_use(live);
    for (uint64_t w = 0; w < end && w < live->nwords; w++) {
        uint64_t garbage = live->bits[w] & ~mark->bits[w];
        while (garbage != 0) {
            unsigned b = (unsigned)__builtin_ctzll(garbage);
            garbage &= garbage - 1;
            batch[n++] = (void *)(live->base + (uintptr_t)((w * 64 + b) * HSR_GC_GRANULE));
            if (n == sizeof batch / sizeof batch[0]) {
                fn(batch, n, arg);
                n = 0;
            }
        }
    }
    if (n != 0) {
        fn(batch, n, arg);
    }
}

HSRI_WALKER int hsr_gc_bitmap_check(const hsr_gc_bitmap_t *bm, char *msg, size_t len) {
    uint64_t granules = (bm->capacity + HSR_GC_GRANULE - 1) / HSR_GC_GRANULE;
    if (bm->bits == NULL || bm->nwords != (granules + 63) / 64 || bm->base % 8 != 0) {
        snprintf(msg, len, "bitmap %p: geometry", (const void *)bm);
        return -1;
    }
    if (bm->max < bm->base || bm->max - bm->base >= bm->capacity) {
        snprintf(msg, len, "bitmap %p: max outside the range", (const void *)bm);
        return -1;
    }
    if (granules % 64 != 0 && (bm->bits[bm->nwords - 1] >> (granules % 64)) != 0) {
        snprintf(msg, len, "bitmap %p: bits set past the capacity", (const void *)bm);
        return -1;
    }
    uint64_t maxi = (bm->max - bm->base) / HSR_GC_GRANULE;
    for (uint64_t w = maxi / 64; w < bm->nwords; w++) {
        uint64_t word = bm->bits[w];
        if (w == maxi / 64) {
            word = (maxi % 64 == 63) ? 0 : word >> (maxi % 64 + 1);
        }
        if (word != 0) {
            snprintf(msg, len, "bitmap %p: a bit above max", (const void *)bm);
            return -1;
        }
    }
    return 0;
}
