/*
 * internal.h — the mspace's data structures and the helpers its files share.
 *
 * Nothing here is public: the public manual is
 * ref/include/heapspec/mspace.h (with the layout diagrams). This file fixes
 * the exact representation:
 *
 *   chunk header (hsri_chunk_t, HSRI_HDR bytes, always accessible)
 *   +---------+---------+-------+------------+--------+----------+
 *   | size    | tag     | inuse | prev_inuse | cached | reserved |
 *   | size_t  | u32     | u8    | u8         | u8     | u8       |
 *   +---------+---------+-------+------------+--------+----------+
 *
 *   `cached` is 1 while an in-use chunk sits in a per-thread cache of the
 *   process malloc (ref/mspace/tcache.c): the mspace counts it as in use
 *   (used_bytes, used_blocks, inspect_all, mallinfo), the client sees it as
 *   freed (memcheck/ASan too), and freeing it again is a double free.
 *
 *   free chunk body (poisoned for ASan / noaccess for memcheck; the
 *   allocator opens it around each access)
 *   +------------------+------------------+-- ... --+----------------+
 *   | fd (next in bin) | bk (prev in bin) |         | footer = size  |
 *   +------------------+------------------+-- ... --+----------------+
 *   ^ c + HSRI_HDR                                  ^ c + size - sizeof(size_t)
 *
 * INVARIANTS (checked by hsr_mspace_check in check.c):
 *   I1  every chunk from ms->first to ms->top has a header with the right
 *       tag, a size that is a multiple of HSRI_ALIGN and >= HSRI_MIN_CHUNK,
 *       and ends at or before ms->top;
 *   I2  c->prev_inuse == (the chunk below c is in use); the first chunk has
 *       prev_inuse == 1;
 *   I3  a free chunk's footer equals its size;
 *   I4  no two neighbouring chunks are both free, and the chunk below the
 *       top is in use (free() merges with the top);
 *   I5  every free chunk is in exactly one bin, bins[hsri_bin_index(size)];
 *       each bin is a NULL-terminated doubly linked list (x->fd->bk == x);
 *   I6  the top chunk ends exactly at ms->commit_end, size >= HSRI_HDR;
 *       its header ends at or below ms->written_end, which is at or below
 *       ms->reserve_end;
 *   I7  footprint == commit_end - seg_base + tail_slack; used_bytes and
 *       used_blocks equal the sums over in-use chunks (cached ones
 *       included); nfree counts bins;
 *   I8  bit i of binmap is set exactly when bins[i] is not empty; a
 *       cached chunk is in use.
 *
 * Bin classes: sizes below HSRI_SMALL_LIMIT have one exact bin each
 * (index size / HSRI_ALIGN); above, the range
 * [HSRI_SMALL_LIMIT * 2^k, HSRI_SMALL_LIMIT * 2^(k+1)) is cut in
 * HSRI_LARGE_SUB = 4 equal quarters, bins HSRI_NSMALL + 4k + q (q = 0..3).
 * Bins are ordered by size: every chunk of a bin above nb's bin fits nb.
 */
#ifndef HEAPSPEC_REF_MSPACE_INTERNAL_H
#define HEAPSPEC_REF_MSPACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ref/glue/attrs.h"
#include "ref/glue/glue.h"
#include "ref/mspace/track.h"
#include "heapspec/mspace.h"

#ifndef HSR_MSPACE_DEBUG
#define HSR_MSPACE_DEBUG 0
#endif

/* The alignment every payload gets: the fundamental alignment. */
#define HSRI_ALIGN ((size_t)_Alignof(max_align_t))

typedef struct hsri_chunk_s {
    size_t size;        /* bytes of the whole chunk, header included */
    uint32_t tag;       /* hsri_tag(ms, chunk): owner and address check */
    uint8_t inuse;      /* 1: handed out; 0: free or the top */
    uint8_t prev_inuse; /* 1: the chunk just below is in use (or none) */
    uint8_t cached;     /* 1: in use, parked in a per-thread cache (tcache.c) */
    uint8_t reserved;   /* always 0 */
} hsri_chunk_t;

/* Free-list links at the start of a free chunk's body. */
typedef struct hsri_links_s {
    hsri_chunk_t *fd; /* next chunk in the same bin, or NULL */
    hsri_chunk_t *bk; /* previous chunk in the same bin, or NULL at the head */
} hsri_links_t;

/* Header bytes: the header rounded up to the alignment. */
#define HSRI_HDR ((sizeof(hsri_chunk_t) + HSRI_ALIGN - 1) / HSRI_ALIGN * HSRI_ALIGN)
/* Smallest chunk: header, links and footer, rounded up. */
#define HSRI_MIN_CHUNK                                                                   \
    ((HSRI_HDR + sizeof(hsri_links_t) + sizeof(size_t) + HSRI_ALIGN - 1) / HSRI_ALIGN *  \
     HSRI_ALIGN)
#define HSRI_SMALL_LIMIT ((size_t)1024)
#define HSRI_NSMALL (HSRI_SMALL_LIMIT / HSRI_ALIGN) /* index space of the small bins */
#define HSRI_LARGE_SUB 4u /* large bins per power of two */
#define HSRI_NLARGE (56u * HSRI_LARGE_SUB) /* enough powers of two for any chunk */
#define HSRI_NBINS (HSRI_NSMALL + HSRI_NLARGE)
#define HSRI_BINMAP_WORDS ((HSRI_NBINS + 63) / 64) /* 64-bit words of binmap */
#define HSRI_GRANULE ((size_t)64 * 1024) /* growth step and default capacity */

#define HSRI_MSPACE_MAGIC 0x48535253u /* "HSRS" while alive */
#define HSRI_MSPACE_DEAD 0x44454144u  /* "DEAD" after destroy */

struct hsr_mspace_s {
    uint32_t magic;        /* HSRI_MSPACE_MAGIC while alive */
    uint32_t secret;       /* mixed into every chunk tag */
    char *seg_base;        /* start of the memory (page-aligned when owned) */
    char *first;           /* first chunk, just after this struct */
    hsri_chunk_t *top;     /* the top chunk, always the last one */
    char *commit_end;      /* end of committed memory = end of top */
    char *reserve_end;     /* end of the address range we may commit */
    char *initial_end;     /* own memory: commit_end as create left it (reset) */
    char *written_end;     /* the top header's highest end: nothing at or above it
                            * was written since create or reset (reset) */
    size_t tail_slack;     /* with-base: capacity bytes past commit_end (< HSRI_ALIGN) */
    size_t footprint;      /* bytes obtained: commit_end - seg_base + tail_slack */
    size_t max_footprint;  /* peak of footprint */
    size_t limit;          /* footprint limit; SIZE_MAX when never set */
    size_t used_bytes;     /* sum of in-use chunk sizes */
    size_t used_blocks;    /* number of in-use chunks */
    size_t nfree;          /* number of chunks in the bins */
    bool owns_memory;      /* created by create(): destroy releases the range */
    bool locked;           /* entry points take `lock` */
    hsri_glue_mutex_t lock;            /* held by every entry point when locked */
    hsr_mspace_morecore_fn morecore;   /* commits / decommits pages */
    void *morecore_arg;                /* its argument */
    uint64_t fail_nth;                 /* fault injection: fail request #fail_nth; 0 off */
    uint64_t nrequests;                /* growth requests since fail_nth was set */
    hsri_chunk_t *bins[HSRI_NBINS];    /* heads of the free lists */
    uint64_t binmap[HSRI_BINMAP_WORDS]; /* bit i set: bins[i] is not empty */
};

/* ---- size arithmetic (overflow-checked, no bit tricks) ---------------- */

/* *out = a + b; false when that overflows. */
static inline bool hsri_add(size_t a, size_t b, size_t *out) {
    if (a > SIZE_MAX - b) {
        return false;
    }
    *out = a + b;
    return true;
}

/* *out = a * b; false when that overflows. */
static inline bool hsri_mul(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) {
        return false;
    }
    *out = a * b;
    return true;
}

/* *out = x rounded up to a multiple of a (a > 0); false on overflow. */
static inline bool hsri_round_up(size_t x, size_t a, size_t *out) {
    size_t r = x % a;
    if (r == 0) {
        *out = x;
        return true;
    }
    return hsri_add(x, a - r, out);
}

/* The chunk size serving a request of n bytes; false when n > PTRDIFF_MAX. */
static inline bool hsri_request_to_chunk(size_t n, size_t *out) {
    size_t sz;
    if (n > (size_t)PTRDIFF_MAX) {
        return false;
    }
    /* n <= PTRDIFF_MAX: neither step below can overflow. */
    if (!hsri_add(n, HSRI_HDR, &sz) || !hsri_round_up(sz, HSRI_ALIGN, &sz)) {
        return false;
    }
    *out = sz < HSRI_MIN_CHUNK ? HSRI_MIN_CHUNK : sz;
    return true;
}

/* ---- chunk navigation ------------------------------------------------- */

static HSRI_WALKER_INLINE void *hsri_payload(hsri_chunk_t *c) {
    return (char *)c + HSRI_HDR;
}

static HSRI_WALKER_INLINE hsri_chunk_t *hsri_chunk_of(const void *p) {
    return (hsri_chunk_t *)(void *)((char *)(uintptr_t)p - HSRI_HDR);
}

static HSRI_WALKER_INLINE hsri_chunk_t *hsri_next(hsri_chunk_t *c) {
    return (hsri_chunk_t *)(void *)((char *)c + c->size);
}

/* After the top moved up: keep ms->written_end, which reset trusts to say
 * what it must zero, at or above the top's header. */
static inline void hsri_note_top(hsr_mspace_t *ms) {
    char *end = (char *)ms->top + HSRI_HDR;
    if (end > ms->written_end) {
        ms->written_end = end;
    }
}

/* The tag of a header at c: the high half of a multiplicative (Fibonacci)
 * hash of the address, mixed with the mspace's secret. One multiply: it is
 * computed on every malloc and free. */
static HSRI_WALKER_INLINE uint32_t hsri_tag(const hsr_mspace_t *ms, const hsri_chunk_t *c) {
    uint64_t a = (uint64_t)(uintptr_t)c;
    return ms->secret ^ (uint32_t)((a * 0x9E3779B97F4A7C15ull) >> 32);
}

/* ---- functions shared between the files ------------------------------ */

/* alloc.c (all *_locked: the caller holds ms->lock when ms->locked) */
void hsri_set_free_locked(hsr_mspace_t *ms, hsri_chunk_t *c, size_t size, uint8_t prev_inuse);
void hsri_write_header(hsr_mspace_t *ms, hsri_chunk_t *c, size_t size, uint8_t inuse,
                       uint8_t prev_inuse);

/* The links and the footer of a free chunk, read through the tracking
 * brackets (a free chunk's body is closed to clients). Inline: the walker
 * reads them for every free chunk, and in a fuzzing build an out-of-line
 * copy would carry the coverage instrumentation the walker does not. */
static HSRI_WALKER_INLINE hsri_links_t hsri_get_links(const hsri_chunk_t *c) {
    hsri_links_t l;
    void *body = hsri_payload((hsri_chunk_t *)(uintptr_t)c);
    hsri_track_open(body, sizeof l);
    memcpy(&l, body, sizeof l);
    hsri_track_close(body, sizeof l);
    return l;
}

static HSRI_WALKER_INLINE size_t hsri_get_footer(const hsri_chunk_t *c) {
    size_t v;
    char *at = (char *)(uintptr_t)c + c->size - sizeof(size_t);
    hsri_track_open(at, sizeof v);
    memcpy(&v, at, sizeof v);
    hsri_track_close(at, sizeof v);
    return v;
}

/* The bin of a free chunk of `size` bytes (size >= HSRI_MIN_CHUNK). */
static HSRI_WALKER_INLINE size_t hsri_bin_index(size_t size) {
    if (size < HSRI_SMALL_LIMIT) {
        return size / HSRI_ALIGN;
    }
    {
        /* k = floor(log2(size / HSRI_SMALL_LIMIT)) (the quotient is >= 1);
         * the quarter of [2^k, 2^(k+1)) * HSRI_SMALL_LIMIT holding size is
         * given by the two bits of size just below its leading one */
        size_t k = (size_t)(63 - __builtin_clzll((unsigned long long)(size / HSRI_SMALL_LIMIT)));
        size_t lead = k + (size_t)__builtin_ctzll(HSRI_SMALL_LIMIT); /* bit of size's leading one */
        size_t quarter = (size >> (lead - 2)) & (HSRI_LARGE_SUB - 1);
        return HSRI_NSMALL + k * HSRI_LARGE_SUB + quarter;
    }
}

/* mspace.c */
/* Take ms->lock when ms is locked and the process has more than one thread;
 * returns whether it was taken, to be handed to hsri_leave*. While the
 * process is single-threaded nothing else can run inside the mspace. */
bool hsri_enter(hsr_mspace_t *ms);
/* Release after hsri_enter; the _mutated form first runs the walker in
 * debug builds. */
void hsri_leave(hsr_mspace_t *ms, bool held);
void hsri_leave_mutated(hsr_mspace_t *ms, bool held);
void hsri_usage_error(hsr_usage_error_t kind, const char *what, const void *ptr);
void hsri_debug_check_locked(hsr_mspace_t *ms);

/* check.c */
int hsri_check_locked(hsr_mspace_t *ms, char *msg, size_t len);
void hsri_inspect_locked(hsr_mspace_t *ms, hsr_mspace_inspect_fn fn, void *arg);
void hsri_stats_locked(hsr_mspace_t *ms, hsr_mspace_stats_t *out);

/* alloc.c: the allocation core */
void *hsri_malloc_locked(hsr_mspace_t *ms, size_t n);
void hsri_free_locked(hsr_mspace_t *ms, void *p);
void *hsri_realloc_locked(hsr_mspace_t *ms, void *p, size_t n, bool may_move);
void *hsri_memalign_locked(hsr_mspace_t *ms, size_t a, size_t n);
int hsri_trim_locked(hsr_mspace_t *ms, size_t pad);
size_t hsri_usable_locked(hsr_mspace_t *ms, const void *p);
/* Returns the chunk of p when p is a live block of ms; else NULL after a
 * usage-error report when `report` (bulk_free asks quietly first). */
hsri_chunk_t *hsri_owned_chunk_locked(hsr_mspace_t *ms, const void *p, bool report);
bool hsri_in_range(const hsr_mspace_t *ms, const void *p);

/* For the per-thread caches (tcache.c), caller holds the lock (hsri_enter):
 * an in-use chunk of at least nb bytes (nb a valid chunk size), counted,
 * its body closed, never announced to the tools; NULL when memory runs out. */
hsri_chunk_t *hsri_alloc_chunk_locked(hsr_mspace_t *ms, size_t nb);
/* Give back a chunk c taken from a cache (body closed): it stops being
 * counted, is merged with its free neighbours and binned. */
void hsri_release_cached_locked(hsr_mspace_t *ms, hsri_chunk_t *c);

#endif /* HEAPSPEC_REF_MSPACE_INTERNAL_H */
