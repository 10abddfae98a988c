/*
 * gc.h — a Dalvik-style mark-sweep collector over the spaces heap (the
 * manual). Modelled on platform_dalvik vm/alloc (HeapBitmap, MarkSweep,
 * HeapSource); objects live in ref/space's spaces (space.h).
 *
 * OBJECT LAYOUT (the address handed out is the header's)
 *
 *   obj ->  +---------------------------+
 *           | magic   uint32 "OBJ1"     |  check word (corruption = bad magic)
 *           | nslots  uint32            |  reference slots that follow
 *           | payload uint64            |  data bytes after the slots
 *           +---------------------------+  16 bytes
 *           | slot[0] .. slot[n-1]      |  NULL or another object
 *           +---------------------------+
 *           | payload bytes (zeroed)    |
 *           +---------------------------+
 *
 * BITMAPS (HeapBitmap): per continuous space, one bit per 8-byte granule,
 * counted from the space's begin:
 *
 *   bit index i = (addr - base) / 8;  word = i / 64;  bit = i % 64
 *
 *   base          base+512      base+1024              base+capacity
 *   | word 0 (64 granules) | word 1 |  ...   | word nwords-1 (partial) |
 *   bits at and past capacity/8 are always zero
 *
 *   Dalvik packs bits high-to-low so CLZ walks upwards; here bit 0 is the
 *   lowest granule and CTZ walks upwards — same order, other end.
 *   Every continuous space (MAIN, NON_MOVING, ZYGOTE) has a live and a mark
 *   bitmap; the large-object space has a live *set* with a mark flag per
 *   member (ART's discontinuous spaces).
 *
 * COLLECTION (hsr_gc_collect), in steps:
 *   1. zero the mark bitmaps and the LOS mark flags;
 *   2. mark the roots, and every live object of the zygote space (an
 *      immune space: marked through, never freed — ART's MarkImmuneObjects);
 *   3. drain the mark stack: pop, scan each slot, mark and push targets.
 *      The stack is bounded; a push onto a full stack leaves the object
 *      marked but unscanned and sets "overflow";
 *   4. while overflow: clear it and rescan every marked object of every
 *      bitmap and of the LOS set, draining after each (Dalvik's recovery);
 *   5. sweep: free live & ~mark of MAIN and NON_MOVING through
 *      hsr_spaces_free_list (mspace bulk_free) in batches, unmarked LOS
 *      members one by one; then swap live and mark of those spaces (the
 *      zygote's live bitmap stays).
 *
 * ALLOCATION (dvmMalloc): try without growth; collect; try again; try with
 * growth (up to the growth limit); collect again; try with growth; else
 * NULL. The heap never holds more than max_bytes of allocation sizes.
 *
 * FAILURE POLICY: NULL / negative errno, nothing changed, on lack of memory
 * or bad input; never prints or aborts for it. Misuse (a slot index past
 * nslots, an address that is no object) goes to the spaces usage-error
 * hook (space.h).
 *
 * DEBUG: built with HSR_DEBUG >= 3, every mutating call ends with
 * hsr_gc_check() (O(heap): meant for tests); a failure goes to the hook.
 *
 * Contracts: ACSL over spec/acsl/gc.acsl (HeapBitmapValid, GcValid). The
 * heap bitmap's are proved with WP (ref/gc/bitmap.c, proofs/prove.sh gc);
 * the collector's are stated and checked by hsr_gc_check().
 */
#ifndef HEAPSPEC_REF_GC_H
#define HEAPSPEC_REF_GC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(__FRAMAC__)
#define HSR_GC_API __attribute__((visibility("default")))
#else
#define HSR_GC_API
#endif

/* ------------------------------------------------------------------ */
/* Heap bitmaps                                                        */
/* ------------------------------------------------------------------ */

#define HSR_GC_GRANULE 8u /* HB_OBJECT_ALIGNMENT */

/* One bitmap over [base, base+capacity) (caller storage: init/fini). */
typedef struct hsr_gc_bitmap_s {
    uint64_t *bits;    /* nwords words */
    uint64_t nwords;   /* ceil(capacity / 8 / 64) */
    uintptr_t base;    /* first covered address, 8-aligned */
    uint64_t capacity; /* covered bytes */
    uintptr_t max;     /* highest address ever set (base when none): walks stop there */
} hsr_gc_bitmap_t;

typedef struct hsr_gc_s hsr_gc_t;

typedef struct hsr_gc_config_s {
    uint64_t max_bytes;          /* most bytes of objects at once (> 0) */
    uint64_t initial_bytes;      /* main space's first footprint limit; 0: min(max, 1 MiB) */
    uint64_t large_threshold;    /* objects this big go to the LOS; 0: 12 KiB */
    uint32_t mark_stack_entries; /* 0: 4096; >= 1 */
    uint32_t los_kind;           /* HSR_LOS_FREE_LIST / HSR_LOS_MAP (space.h) */
} hsr_gc_config_t;

/* Figures of the last collection and running totals. */
typedef struct hsr_gc_stats_s {
    uint64_t collections;    /* collections so far */
    uint64_t objects;        /* live objects now */
    uint64_t bytes;          /* their allocation sizes */
    uint64_t marked_objects; /* last collection: objects marked */
    uint64_t marked_bytes;   /* last collection: their allocation sizes */
    uint64_t freed_objects;  /* last collection */
    uint64_t freed_bytes;    /* last collection */
    uint64_t rescans;        /* last collection: overflow recovery passes */
    uint64_t mark_ns;        /* last collection: marking time */
    uint64_t sweep_ns;       /* last collection: sweeping time */
} hsr_gc_stats_t;

/* The state and the logic of the contracts, for Frama-C only. */
#ifdef __FRAMAC__
#include "ref/gc/gc_impl.h"
#include "spec/acsl/gc.acsl"
#endif

/* The bitmap's contracts are over HeapBitmapValid (GC-BITMAP-1 and -3,
 * spec/acsl/gc.acsl); "bit i" is bit i % 64 of word i / 64 (BitAt), and
 * "addr's bit" is bit (addr - base) / 8 (BitSet). WP proves those of
 * ref/gc/bitmap.c: covers, set, clear, test, zero, count (proofs/prove.sh
 * gc). init, fini, the walks and the checker live in ref/gc/bitmap_alloc.c,
 * outside WP's model of C (calloc/free, callbacks, snprintf of a pointer):
 * their contracts are stated, not proved, and gc_test checks them. */

/*@ requires \valid(bm);
    assigns *bm;
    behavior bad:
      assumes base % 8 != 0 || capacity == 0 || capacity > 1099511627776 ||
              base + capacity > 18446744073709551615;
      assigns \nothing;
      ensures \result == -22;
    behavior good:
      assumes base % 8 == 0 && 0 < capacity <= 1099511627776 &&
              base + capacity <= 18446744073709551615;
      ensures \result == 0 || \result == -12;
      ensures \result == 0 ==> HeapBitmapValid(bm) && bm->base == base &&
                               bm->capacity == capacity && bm->max == base &&
                               (\forall integer i; 0 <= i < 64 * bm->nwords ==> !BitAt(bm, i));
      ensures \result != 0 ==> *bm == \old(*bm);
    complete behaviors;
    disjoint behaviors;
 */
/* Makes an all-zero bitmap over [base, base+capacity) with calloc'd words.
 * -EINVAL (bm untouched) for NULL bm, an unaligned base, capacity 0 or
 * above HSR_SPACES_MAX_CAPACITY, or base+capacity overflowing; -ENOMEM. */
HSR_GC_API int hsr_gc_bitmap_init(hsr_gc_bitmap_t *bm, uintptr_t base, uint64_t capacity);

/*@ requires bm == \null || \valid(bm);
    assigns *bm;
    ensures bm != \null ==> bm->bits == \null && bm->nwords == 0 && bm->capacity == 0;
 */
/* Frees the words and zeroes *bm. The caller guarantees bm came from
 * hsr_gc_bitmap_init (or is zeroed). NULL: nothing. */
HSR_GC_API void hsr_gc_bitmap_fini(hsr_gc_bitmap_t *bm);

/*@ requires HeapBitmapValid(bm);
    assigns bm->bits[0 .. bm->nwords - 1], bm->max;
    ensures HeapBitmapValid(bm);
    ensures bm->max == bm->base;
    ensures \forall integer i; 0 <= i < 64 * bm->nwords ==> !BitAt(bm, i);
 */
/* Clears every bit (writing only the words up to max's: GC-BITMAP-3 says
 * no other word holds one) and resets max to base. */
HSR_GC_API void hsr_gc_bitmap_zero(hsr_gc_bitmap_t *bm);

/*@ requires HeapBitmapValid(bm);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> Covers(bm, addr);
    ensures addr == bm->base ==> \result == 1;
    ensures addr == LastGranule(bm) ==> \result == 1;
    ensures addr == bm->base + bm->capacity ==> \result == 0;
 */
/* 1 when addr lies in [base, base+capacity): the first granule is covered,
 * so is the last, base+capacity is not. */
HSR_GC_API int hsr_gc_bitmap_covers(const hsr_gc_bitmap_t *bm, uintptr_t addr);

/* For set and clear the caller guarantees covers(bm, addr) and addr
 * 8-aligned (Granule); anything else is misuse: the spaces usage-error
 * hook, then nothing is done (set returns 0). */

/*@ requires HeapBitmapValid(bm);
    assigns bm->bits[0 .. bm->nwords - 1], bm->max;
    ensures HeapBitmapValid(bm);
    behavior granule:
      assumes Granule(bm, addr);
      assigns bm->bits[BitIndex(bm, addr) / 64], bm->max;
      ensures \result == 0 || \result == 1;
      ensures \result == 1 <==> \old(BitSet(bm, addr));
      ensures BitSet(bm, addr);
      ensures \forall integer i; 0 <= i < 64 * bm->nwords && i != BitIndex(bm, addr) ==>
                (BitAt(bm, i) <==> \old(BitAt(bm, i)));
      ensures bm->max == \max(\old(bm->max), addr);
    behavior misuse:
      assumes !Granule(bm, addr);
      assigns \nothing;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
/* Sets addr's bit and raises max to addr; returns the bit's previous value
 * (SetAndReturnObjectBit). */
HSR_GC_API int hsr_gc_bitmap_set(hsr_gc_bitmap_t *bm, uintptr_t addr);

/*@ requires HeapBitmapValid(bm);
    assigns bm->bits[0 .. bm->nwords - 1];
    ensures HeapBitmapValid(bm);
    behavior granule:
      assumes Granule(bm, addr);
      assigns bm->bits[BitIndex(bm, addr) / 64];
      ensures !BitSet(bm, addr);
      ensures \forall integer i; 0 <= i < 64 * bm->nwords && i != BitIndex(bm, addr) ==>
                (BitAt(bm, i) <==> \old(BitAt(bm, i)));
    behavior misuse:
      assumes !Granule(bm, addr);
      assigns \nothing;
    complete behaviors;
    disjoint behaviors;
 */
/* Clears addr's bit; max stays (a bound, not the highest set bit). */
HSR_GC_API void hsr_gc_bitmap_clear(hsr_gc_bitmap_t *bm, uintptr_t addr);

/*@ requires HeapBitmapValid(bm);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> Granule(bm, addr) && BitSet(bm, addr);
    behavior outside:
      assumes !Granule(bm, addr) || addr > bm->max;
      ensures \result == 0;
    behavior granule:
      assumes Granule(bm, addr) && addr <= bm->max;
      ensures \result == 1 <==> BitSet(bm, addr);
    complete behaviors;
    disjoint behaviors;
 */
/* addr's bit: 0 for any address above max, outside the bitmap or not
 * 8-aligned (IsObjectBitSet; no misuse report). */
HSR_GC_API int hsr_gc_bitmap_test(const hsr_gc_bitmap_t *bm, uintptr_t addr);

/* The walks take callbacks, which may write anything (a rescan marks
 * through the bitmap it walks), and ACSL has no frame for that: their
 * contracts are stated in words only, and Frama-C sees no ACSL for them.
 * The caller guarantees HeapBitmapValid for each bitmap and fn not NULL. */
typedef void (*hsr_gc_bitmap_fn)(uintptr_t addr, void *arg);

/* Calls fn(addr, arg) for every set bit, in increasing address order,
 * rereading max after each word: bits that fn sets ahead are visited too. */
HSR_GC_API void hsr_gc_bitmap_walk(const hsr_gc_bitmap_t *bm, hsr_gc_bitmap_fn fn, void *arg);

/*@ requires HeapBitmapValid(bm);
    assigns \nothing;
    ensures \result == BitmapCount(bm, bm->nwords);
    ensures \result <= MaxIndex(bm) + 1;
    ensures \result <= Granules(bm);
 */
/* Number of set bits: at most the granules up to max's, so at most the
 * number of granules. */
HSR_GC_API uint64_t hsr_gc_bitmap_count(const hsr_gc_bitmap_t *bm);

typedef void (*hsr_gc_sweep_fn)(void **ptrs, size_t n, void *arg);

/* Calls fn(ptrs, n, arg) with batches (n <= 256) of the addresses set in
 * live and clear in mark (the garbage), in address order. The two
 * bitmaps must cover the same range (else misuse: the hook, no call). */
HSR_GC_API void hsr_gc_bitmap_sweep_walk(const hsr_gc_bitmap_t *live,
                                         const hsr_gc_bitmap_t *mark, hsr_gc_sweep_fn fn,
                                         void *arg);

/*@ requires \valid_read(bm);
    requires bm->bits == \null || \valid_read(bm->bits + (0 .. bm->nwords - 1));
    requires \valid(msg + (0 .. len - 1));
    assigns msg[0 .. len - 1];
    ensures \result == 0 || \result == -1;
    ensures HeapBitmapValid(bm) ==> \result == 0;
    ensures \result == 0 ==> bm->bits != \null && bm->base % 8 == 0 &&
                             bm->nwords == (Granules(bm) + 63) / 64 &&
                             bm->base <= bm->max < bm->base + bm->capacity &&
                             HeapBitmapClean(bm);
 */
/* The walker (C mirror of HeapBitmapValid, less the memory facts C cannot
 * see): 0 when the geometry agrees with capacity, max lies in the range,
 * and no bit is set above max's (so none past capacity); -1 with a reason
 * in msg otherwise. The caller guarantees bm readable, and its words
 * readable unless bits is NULL. */
HSR_GC_API int hsr_gc_bitmap_check(const hsr_gc_bitmap_t *bm, char *msg, size_t len);

/* ------------------------------------------------------------------ */
/* The collector                                                       */
/* ------------------------------------------------------------------ */

#define HSR_GC_OBJ_MAGIC 0x314a424fu /* "OBJ1" */
#define HSR_GC_HEADER 16u
#define HSR_GC_MAX_SLOTS ((uint32_t)1 << 24)
#define HSR_GC_MAX_PAYLOAD ((uint64_t)1 << 40)

/*@ requires \valid_read(cfg) && \valid(out);
    assigns *out;
    ensures \result == 0 ==> GcValid(*out);
    ensures cfg->max_bytes == 0 ==> \result == -22;
 */
/* Makes a collector and its spaces heap (main capacity = growth limit =
 * max_bytes rounded to pages). -EINVAL for max_bytes 0 or above 2^40,
 * initial_bytes > max_bytes; -ENOMEM or a spaces error. */
HSR_GC_API int hsr_gc_create(const hsr_gc_config_t *cfg, hsr_gc_t **out);

/* Frees every object and the heap. NULL: nothing. */
HSR_GC_API void hsr_gc_destroy(hsr_gc_t *g);

/*@ requires GcValid(g);
    assigns *g;
    ensures GcValid(g);
    ensures \result != \null ==> GcLive(g, \result);
 */
/* A zeroed object with nslots NULL slots and payload data bytes. NULL
 * (after up to two collections, see ALLOCATION) when it cannot fit within
 * max_bytes and the growth limit, or nslots > HSR_GC_MAX_SLOTS, or payload
 * > HSR_GC_MAX_PAYLOAD. */
HSR_GC_API void *hsr_gc_alloc(hsr_gc_t *g, uint32_t nslots, uint64_t payload);

/* Header accessors; obj is a live object. */
HSR_GC_API uint32_t hsr_gc_nslots(const void *obj);
HSR_GC_API uint64_t hsr_gc_payload_size(const void *obj);
HSR_GC_API void *hsr_gc_payload(void *obj);
/* Bytes the object spans: header + slots + payload. */
HSR_GC_API uint64_t hsr_gc_object_size(const void *obj);

/*@ requires GcValid(g) && GcLive(g, obj);
    requires target == \null || GcLive(g, target);
    assigns *g;
    ensures GcValid(g);
 */
/* slot < nslots of obj, else misuse. */
HSR_GC_API void hsr_gc_set_ref(hsr_gc_t *g, void *obj, uint32_t slot, void *target);
HSR_GC_API void *hsr_gc_get_ref(hsr_gc_t *g, void *obj, uint32_t slot);

/* Roots form a multiset: add appends (0 or -ENOMEM), remove drops one
 * occurrence (0, or -ENOENT when obj is not a root). */
HSR_GC_API int hsr_gc_root_add(hsr_gc_t *g, void *obj);
HSR_GC_API int hsr_gc_root_remove(hsr_gc_t *g, void *obj);

/*@ requires GcValid(g);
    assigns *g;
    ensures GcValid(g);
    ensures \result >= 0 || \result == -12;
 */
/* A full collection (see COLLECTION). Returns the objects freed, or
 * -ENOMEM when the zygote split's bookkeeping cannot be found (never
 * otherwise: marking needs no memory beyond the fixed stack). */
HSR_GC_API int64_t hsr_gc_collect(hsr_gc_t *g);

/* 1 when obj is a live object of g, else 0. */
HSR_GC_API int hsr_gc_is_live(const hsr_gc_t *g, const void *obj);

/* Calls fn(obj, arg) for every live object. fn must not allocate. */
typedef void (*hsr_gc_visit_fn)(void *obj, void *arg);
HSR_GC_API void hsr_gc_walk(const hsr_gc_t *g, hsr_gc_visit_fn fn, void *arg);

/* The pre-fork step: hsr_spaces_zygote_split, then every slot and root
 * pointing at a moved object is updated and the bitmaps are rebuilt. From
 * then on zygote objects are marked through and never freed. Returns 0,
 * or the split's error (heap unchanged). *moved_out (if not NULL) gets the
 * number of objects moved. */
HSR_GC_API int hsr_gc_zygote_split(hsr_gc_t *g, uint64_t *moved_out);

/* The kind (HSR_SPACE_*) of the space holding obj. */
HSR_GC_API uint32_t hsr_gc_space_of(const hsr_gc_t *g, const void *obj);

HSR_GC_API void hsr_gc_stats(const hsr_gc_t *g, hsr_gc_stats_t *out);

#define HSR_GC_CHECK_REACHABLE 0x1u /* also: every live object reachable */

/*@ requires msg == \null || \valid(msg + (0 .. len - 1));
    assigns msg[0 .. len - 1];
    ensures \result == 0 <==> GcValid(g);
 */
/* The walker: every bitmap is valid and covers exactly its space; the
 * spaces' walk matches the live bitmaps and the LOS set one to one; every
 * object's header is sound and fits its allocation; every slot of a live
 * object is NULL or a live object; roots are live; counters agree. With
 * HSR_GC_CHECK_REACHABLE (right after a collection), also every live
 * non-zygote object is reachable from the roots or the zygote space — the
 * marked set was exactly the reachable set. 0, or -1 with a reason. */
HSR_GC_API int hsr_gc_check(const hsr_gc_t *g, uint32_t flags, char *msg, size_t len);

/* The "ref-gc" conformance subject (spec/include/heapspec/heapspec.h). */
struct hs_subject;
HSR_GC_API const struct hs_subject *hsr_gc_subject(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REF_GC_H */
