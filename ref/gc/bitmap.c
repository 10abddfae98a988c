/*
 * bitmap.c — Dalvik's HeapBitmap (gc.h): one bit per 8-byte granule of a
 * space, counted from its base. Bit i of the map is bit (i % 64) of word
 * i / 64; walks go word by word and, inside a word, lowest set bit first
 * (count trailing zeros), so they visit addresses in increasing order.
 * `max` is the highest address ever set: walks and tests stop there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"

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

void hsr_gc_bitmap_zero(hsr_gc_bitmap_t *bm) {
    /* Only the words up to max can hold a bit. */
    uint64_t last = (bm->max - bm->base) / HSR_GC_GRANULE / 64;
    memset(bm->bits, 0, (size_t)(last + 1 < bm->nwords ? last + 1 : bm->nwords) * 8);
    bm->max = bm->base;
}

int hsr_gc_bitmap_covers(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    return addr >= bm->base && addr - bm->base < bm->capacity;
}

/* The bit index of addr, or UINT64_MAX (and a usage error) when addr is
 * not an 8-aligned address of the bitmap. */
static uint64_t index_of(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    if (!hsr_gc_bitmap_covers(bm, addr) || (addr - bm->base) % HSR_GC_GRANULE != 0) {
        (void)hsr_spaces_report_misuse("heap bitmap: address not covered or unaligned",
                                      (const void *)addr);
        return UINT64_MAX;
    }
    return (uint64_t)(addr - bm->base) / HSR_GC_GRANULE;
}

int hsr_gc_bitmap_set(hsr_gc_bitmap_t *bm, uintptr_t addr) {
    uint64_t i = index_of(bm, addr);
    if (i == UINT64_MAX) {
        return 0;
    }
    uint64_t mask = (uint64_t)1 << (i % 64);
    uint64_t *w = &bm->bits[i / 64];
    int was = (*w & mask) != 0;
    *w |= mask;
    if (addr > bm->max) {
        bm->max = addr;
    }
    return was;
}

void hsr_gc_bitmap_clear(hsr_gc_bitmap_t *bm, uintptr_t addr) {
    uint64_t i = index_of(bm, addr);
    if (i != UINT64_MAX) {
        bm->bits[i / 64] &= ~((uint64_t)1 << (i % 64));
    }
}

int hsr_gc_bitmap_test(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    if (!hsr_gc_bitmap_covers(bm, addr) || addr > bm->max ||
        (addr - bm->base) % HSR_GC_GRANULE != 0) {
        return 0;
    }
    uint64_t i = (uint64_t)(addr - bm->base) / HSR_GC_GRANULE;
    return (bm->bits[i / 64] >> (i % 64)) & 1u;
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

uint64_t hsr_gc_bitmap_count(const hsr_gc_bitmap_t *bm) {
    uint64_t n = 0;
    for (uint64_t w = 0; w < bm->nwords; w++) {
        n += (uint64_t)__builtin_popcountll(bm->bits[w]);
    }
    return n;
}

void hsr_gc_bitmap_sweep_walk(const hsr_gc_bitmap_t *live, const hsr_gc_bitmap_t *mark,
                              hsr_gc_sweep_fn fn, void *arg) {
    void *batch[256];
    size_t n = 0;
    if (live->base != mark->base || live->nwords != mark->nwords) {
        (void)hsr_spaces_report_misuse("sweep of bitmaps over different ranges", live);
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

int hsr_gc_bitmap_check(const hsr_gc_bitmap_t *bm, char *msg, size_t len) {
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
