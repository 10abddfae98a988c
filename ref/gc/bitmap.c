/*
 * bitmap.c — Dalvik's HeapBitmap (gc.h): one bit per 8-byte granule of a
 * space, counted from its base. Bit i of the map is bit (i % 64) of word
 * i / 64. `max` is the highest address ever set: tests and zero stop
 * there, and no bit above it is set (GC-BITMAP-3).
 *
 * This file is the part of the bitmap that WP proves (proofs/prove.sh gc):
 * covers, set, clear, test, zero, count and their helpers, against the
 * contracts of gc.h over spec/acsl/gc.acsl. init/fini (calloc/free), the
 * walks (callbacks) and the checker (snprintf) are in bitmap_alloc.c.
 * Written for WP (TOOLCHAIN.md):
 *   - the mask 1 << (i % 64) is made in one helper; its overflow goal
 *     rests on two proved lemmas (BitMaskIsWord, BitMaskFits);
 *   - zero clears its words in a loop, not with memset: WP does not see
 *     uint64_t words through memset's bytes (the compiler makes the loop a
 *     memset again);
 *   - count uses the compiler's popcount, whose contract (WordCount) is
 *     stated below and trusted, not proved: it is what the instruction
 *     computes. A ghost loop then proves, bit by bit, that a word holds no
 *     more set bits than granules up to max.
 */
#include <stdint.h>

#include "heapspec/gc.h"
#include "ref/gc/gc_impl.h"

#ifdef __FRAMAC__
/*@ assigns \nothing;
    ensures \result == WordCount(x, 64);
 */
int __builtin_popcountll(unsigned long long x);
#endif

int hsr_gc_bitmap_covers(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    return addr >= bm->base && addr - bm->base < bm->capacity;
}

/* The bit index of addr, or UINT64_MAX (and a usage error) when addr is
 * not an 8-aligned address of the bitmap. */
/*@ requires HeapBitmapValid(bm);
    assigns \nothing;
    behavior granule:
      assumes Granule(bm, addr);
      ensures \result == BitIndex(bm, addr);
      ensures \result < Granules(bm) && \result / 64 < bm->nwords;
      ensures addr == bm->base ==> \result / 64 == 0 && \result % 64 == 0;
      ensures addr == LastGranule(bm) ==> \result / 64 == bm->nwords - 1;
    behavior misuse:
      assumes !Granule(bm, addr);
      ensures \result == 18446744073709551615;
    complete behaviors;
    disjoint behaviors;
 */
static uint64_t hsri_gc_bit_index(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    if (!hsr_gc_bitmap_covers(bm, addr) || (addr - bm->base) % HSR_GC_GRANULE != 0) {
        (void)hsri_gc_report_misuse("heap bitmap: address not covered or unaligned",
                                    (const void *)addr);
        return UINT64_MAX;
    }
    return (uint64_t)(addr - bm->base) / HSR_GC_GRANULE;
}

/* The mask of bit b of a word. */
/*@ requires b < 64;
    assigns \nothing;
    ensures \result == (1 << b);
 */
static uint64_t hsri_gc_bit_mask(uint64_t b) {
    return (uint64_t)1 << b;
}

int hsr_gc_bitmap_set(hsr_gc_bitmap_t *bm, uintptr_t addr) {
    uint64_t i = hsri_gc_bit_index(bm, addr);
    if (i == UINT64_MAX) {
        return 0;
    }
    uint64_t mask = hsri_gc_bit_mask(i % 64);
    uint64_t *w = &bm->bits[i / 64];
    //@ assert BitSet(bm, addr) <==> (*w & mask) != 0;
    int was = (*w & mask) != 0;
    *w |= mask;
    if (addr > bm->max) {
        bm->max = addr;
    }
    return was;
}

void hsr_gc_bitmap_clear(hsr_gc_bitmap_t *bm, uintptr_t addr) {
    uint64_t i = hsri_gc_bit_index(bm, addr);
    if (i != UINT64_MAX) {
        bm->bits[i / 64] &= ~hsri_gc_bit_mask(i % 64);
    }
}

int hsr_gc_bitmap_test(const hsr_gc_bitmap_t *bm, uintptr_t addr) {
    if (!hsr_gc_bitmap_covers(bm, addr) || addr > bm->max ||
        (addr - bm->base) % HSR_GC_GRANULE != 0) {
        return 0;
    }
    uint64_t i = (uint64_t)(addr - bm->base) / HSR_GC_GRANULE;
    return (int)((bm->bits[i / 64] >> (i % 64)) & 1u);
}

void hsr_gc_bitmap_zero(hsr_gc_bitmap_t *bm) {
    /* Only the words up to max's can hold a bit (GC-BITMAP-3). */
    uint64_t last = (bm->max - bm->base) / HSR_GC_GRANULE / 64;
    uint64_t n = last + 1 < bm->nwords ? last + 1 : bm->nwords;
    /*@ loop invariant 0 <= w <= n;
        loop invariant \forall integer k; 0 <= k < w ==> bm->bits[k] == 0;
        loop assigns w, bm->bits[0 .. n - 1];
        loop variant n - w;
     */
    for (uint64_t w = 0; w < n; w++) {
        bm->bits[w] = 0;
    }
    bm->max = bm->base;
}

uint64_t hsr_gc_bitmap_count(const hsr_gc_bitmap_t *bm) {
    uint64_t n = 0;
    /*@ loop invariant 0 <= w <= bm->nwords;
        loop invariant n == BitmapCount(bm, w);
        loop invariant n <= 64 * w && n <= MaxIndex(bm) + 1;
        loop assigns w, n;
        loop variant bm->nwords - w;
     */
    for (uint64_t w = 0; w < bm->nwords; w++) {
        /* Proof only: word w holds at most WordLimit(bm, w) set bits, as
         * no bit above max's is set (induction over the word's bits). */
        /*@ ghost
          /@ loop invariant 0 <= j <= 64;
             loop invariant 0 <= WordCount(bm->bits[w], j) <= \min(j, WordLimit(bm, w));
             loop assigns j;
             loop variant 64 - j;
           @/
          for (int j = 0; j < 64; j++) {
              /@ assert BitAt(bm, 64 * w + j) <==> WordBit(bm->bits[w], j); @/
              /@ assert j >= WordLimit(bm, w) ==> !WordBit(bm->bits[w], j); @/
          }
         */
        n += (uint64_t)__builtin_popcountll(bm->bits[w]);
    }
    return n;
}
