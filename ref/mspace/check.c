/*
 * check.c — the whole-heap walker (hsr_mspace_check), the chunk walk behind
 * inspect_all, and the statistics.
 *
 * The walker trusts nothing it reads from a header before checking it
 * against the mspace's own state (bounds, alignment, tag), so a corrupted
 * heap gives a message, never a crash or an endless loop. It checks the
 * invariants I1..I7 listed in internal.h, in one pass over the chunks and
 * one pass over the bins: O(chunks + bins).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ref/glue/attrs.h"
#include "ref/mspace/internal.h"

/* Write the formatted problem into msg (when there is room) and fail. */
__attribute__((format(printf, 3, 4))) static int fail(char *msg, size_t len, const char *fmt,
                                                      ...) {
    if (msg != NULL && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(msg, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Is c a plausible chunk start strictly below the top? */
static HSRI_WALKER_INLINE bool chunk_ok(const hsr_mspace_t *ms, const hsri_chunk_t *c) {
    const char *q = (const char *)c;
    return q >= ms->first && c < ms->top && ((uintptr_t)q - (uintptr_t)ms->first) % HSRI_ALIGN == 0;
}

/* The header word after the size, as the walk reads it: the tag in bits
 * 0..31, then inuse, prev_inuse, cached and reserved a byte each. */
#define HSRI_W_INUSE ((uint64_t)1 << 32)
#define HSRI_W_CACHED ((uint64_t)1 << 48)
_Static_assert(offsetof(hsri_chunk_t, tag) == sizeof(size_t) &&
                   offsetof(hsri_chunk_t, inuse) == sizeof(size_t) + 4 &&
                   offsetof(hsri_chunk_t, prev_inuse) == sizeof(size_t) + 5 &&
                   offsetof(hsri_chunk_t, cached) == sizeof(size_t) + 6 &&
                   offsetof(hsri_chunk_t, reserved) == sizeof(size_t) + 7,
               "the walk reads tag and flags as one word");

static HSRI_WALKER_INLINE uint64_t header_word(const hsri_chunk_t *c) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, &c->tag, sizeof w);
    return w;
#else
    return (uint64_t)c->tag | (uint64_t)c->inuse << 32 | (uint64_t)c->prev_inuse << 40 |
           (uint64_t)c->cached << 48 | (uint64_t)c->reserved << 56;
#endif
}

/* Tag and flag bytes of a chunk inside the walk, judged as one word: the
 * tag as hsri_tag says, prev_inuse as the chunk below says (prev), reserved
 * 0, inuse and cached 0 or 1, cached only when in use. */
static HSRI_WALKER_INLINE bool header_ok(uint64_t w, uint32_t tag, uint64_t prev) {
    uint64_t d = w ^ ((uint64_t)tag | prev << 40);
    return ((d & ~(HSRI_W_INUSE | HSRI_W_CACHED)) | (w >> 16 & ~w & HSRI_W_INUSE)) == 0;
}

/* Why a chunk failed the walk's test: the first of tag, size and flag
 * bytes that is wrong. */
HSRI_WALKER static int chunk_problem(const hsr_mspace_t *ms, const hsri_chunk_t *c,
                                     const hsri_chunk_t *top, unsigned prev, char *msg,
                                     size_t len) {
    size_t sz = c->size;
    if (c->tag != hsri_tag(ms, c)) {
        return fail(msg, len, "chunk %p: bad tag", (void *)c);
    }
    if (sz < HSRI_MIN_CHUNK || sz % HSRI_ALIGN != 0 ||
        sz > (size_t)((const char *)top - (const char *)c)) {
        return fail(msg, len, "chunk %p: bad size %zu", (void *)c, sz);
    }
    if (c->prev_inuse != prev) {
        return fail(msg, len, "chunk %p: prev_inuse %u disagrees with the chunk below",
                    (void *)c, (unsigned)c->prev_inuse);
    }
    return fail(msg, len, "chunk %p: bad flag bytes", (void *)c);
}

/* A free chunk's footer, out of line: the tracking brackets around the read
 * (Valgrind client requests) made the walk keep its counters in memory;
 * one chunk in ten is free. */
HSRI_WALKER static __attribute__((noinline)) size_t footer_of(const hsri_chunk_t *c) {
    return hsri_get_footer(c);
}

/* Two bin heads as one vector (an SSE2 register on x86-64), for the I8
 * count: written out, as clang does not vectorize the or of sixteen loads. */
typedef uintptr_t hsri_v2ptr __attribute__((vector_size(2 * sizeof(uintptr_t))));

/* I8's slow path, when the fast count found a disagreement: the first bin
 * whose binmap bit and emptiness differ, word by word. */
HSRI_WALKER static int binmap_disagreement(const hsr_mspace_t *ms, char *msg, size_t len) {
    size_t w;
    for (w = 0; w < HSRI_BINMAP_WORDS; w++) {
        uint64_t nonempty = 0;
        size_t b;
        size_t i;
        for (b = 0; b < 64 && w * 64 + b < HSRI_NBINS; b++) {
            nonempty |= (uint64_t)(ms->bins[w * 64 + b] != NULL) << b;
        }
        if (nonempty == ms->binmap[w]) {
            continue;
        }
        i = w * 64 + (size_t)__builtin_ctzll(nonempty ^ ms->binmap[w]);
        if (i >= HSRI_NBINS) {
            return fail(msg, len, "binmap bit %zu set beyond the last bin", i);
        }
        return fail(msg, len, "bin %zu: binmap bit %d but the bin is %s", i,
                    (int)((ms->binmap[w] >> (i % 64)) & 1u),
                    ms->bins[i] != NULL ? "not empty" : "empty");
    }
    return fail(msg, len, "binmap and bins disagree");
}

HSRI_WALKER int hsri_check_locked(hsr_mspace_t *ms, char *msg, size_t len) {
    hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
    hsri_chunk_t *top = ms->top;
    size_t used;
    size_t nused;
    size_t nchunks = 0;
    size_t nfree = 0;
    size_t free_sum = 0;
    size_t bin_count = 0;
    size_t bin_sum = 0;
    uint64_t below = 1; /* inuse of the chunk below c: the first has none */
    size_t i;
    size_t w;

    if (ms->magic != HSRI_MSPACE_MAGIC) {
        return fail(msg, len, "bad magic %#x", (unsigned)ms->magic);
    }
    if ((char *)top < ms->first || (char *)top + HSRI_HDR > ms->commit_end ||
        ((uintptr_t)top - (uintptr_t)ms->first) % HSRI_ALIGN != 0) {
        return fail(msg, len, "top %p outside [first, commit_end)", (void *)top);
    }
    if (ms->commit_end > ms->reserve_end) {
        return fail(msg, len, "commit_end beyond the reservation");
    }
    if ((char *)top + HSRI_HDR > ms->written_end || ms->written_end > ms->reserve_end) {
        return fail(msg, len, "top %p: its header ends above written_end %p", (void *)top,
                    (void *)ms->written_end);
    }
    /* I1..I4: the chunk walk. No chunk_ok() per chunk: c starts at first,
     * and each step adds a size checked to be a multiple of HSRI_ALIGN of at
     * least HSRI_MIN_CHUNK that does not pass the top, so c stays aligned in
     * [first, top] by induction. Tag and flag bytes are one word, judged by
     * one test (header_ok); chunk_problem names what failed. The in-use
     * bytes are not summed chunk by chunk: the sizes of a walk that ends on
     * the top add up to top - first, so they are that less the free bytes. */
    while (c != top) {
        size_t sz = c->size;
        uint64_t hw = header_word(c);
        if (!header_ok(hw, hsri_tag(ms, c), below) || sz < HSRI_MIN_CHUNK ||
            sz % HSRI_ALIGN != 0 || sz > (size_t)((char *)top - (char *)c)) {
            return chunk_problem(ms, c, top, (unsigned)below, msg, len);
        }
        nchunks++;
        if ((hw & HSRI_W_INUSE) == 0) {
            if (below == 0) {
                return fail(msg, len, "chunk %p: two free chunks side by side", (void *)c);
            }
            if (footer_of(c) != sz) {
                return fail(msg, len, "chunk %p: footer %zu != size %zu", (void *)c,
                            footer_of(c), sz);
            }
            nfree++;
            free_sum += sz;
        }
        below = hw >> 32 & 1u;
        c = hsri_next(c);
    }
    used = (size_t)((char *)top - ms->first) - free_sum;
    nused = nchunks - nfree;
    /* I6: the top */
    if (below == 0) {
        return fail(msg, len, "free chunk just below the top");
    }
    if (top->tag != hsri_tag(ms, top) || top->inuse != 0 || top->prev_inuse != 1) {
        return fail(msg, len, "top %p: bad header", (void *)top);
    }
    if (top->size < HSRI_HDR || (char *)top + top->size != ms->commit_end) {
        return fail(msg, len, "top %p: size %zu does not end at the committed end",
                    (void *)top, top->size);
    }
    /* I8: bit i of binmap is set exactly when bins[i] is not empty. The fast
     * test counts: no bit past the last bin, as many non-empty bins as bits,
     * and (in the I5 pass below) no marked bin empty; together they leave no
     * room for a disagreement. The count is two instructions a bin, where
     * building each word of the 288 bins bit by bit was most of this walker's
     * time (it runs after every call under HS_OPEN_CHECKED). Most bins are
     * empty, so sixteen at a time are or-ed first (vector instructions) and
     * counted only when some is not: half of the count's time on a fuzz
     * heap, where the count was half of the walker's. The word-by-word pass
     * names the first disagreeing bin when the counts differ. */
    {
        size_t nonempty = 0;
        size_t marked = 0;
        _Static_assert(HSRI_NBINS % 16 == 0, "the bins come in groups of sixteen");
        for (i = 0; i < HSRI_NBINS; i += 16) {
            hsri_v2ptr any = {0, 0};
            size_t j;
            for (j = 0; j < 16; j += 2) {
                hsri_v2ptr two;
                memcpy(&two, &ms->bins[i + j], sizeof two);
                any |= two;
            }
            if ((any[0] | any[1]) != 0) {
                for (j = 0; j < 16; j++) {
                    nonempty += ms->bins[i + j] != NULL;
                }
            }
        }
        for (w = 0; w < HSRI_BINMAP_WORDS; w++) {
            marked += (size_t)__builtin_popcountll(ms->binmap[w]);
        }
        if (nonempty != marked || (HSRI_NBINS % 64 != 0 &&
                                   ms->binmap[HSRI_BINMAP_WORDS - 1] >> (HSRI_NBINS % 64) != 0)) {
            return binmap_disagreement(ms, msg, len);
        }
    }
    /* I5: the bins */
    for (w = 0; w < HSRI_BINMAP_WORDS; w++) {
        uint64_t marked = ms->binmap[w];
        while (marked != 0) {
            hsri_chunk_t *prev = NULL;
            hsri_chunk_t *x;
            i = w * 64 + (size_t)__builtin_ctzll(marked);
            marked &= marked - 1;
            x = ms->bins[i];
            if (x == NULL) {
                return fail(msg, len, "bin %zu: binmap bit 1 but the bin is empty", i);
            }
            while (x != NULL) {
                hsri_links_t l;
                if (bin_count >= nfree) {
                    return fail(msg, len, "bins hold more chunks than the heap's %zu free ones",
                                nfree);
                }
                if (!chunk_ok(ms, x) || x->tag != hsri_tag(ms, x)) {
                    return fail(msg, len, "bin %zu: %p is not a chunk", i, (void *)x);
                }
                if (x->inuse) {
                    return fail(msg, len, "bin %zu: chunk %p is in use", i, (void *)x);
                }
                if (hsri_bin_index(x->size) != i) {
                    return fail(msg, len, "bin %zu: chunk %p of size %zu belongs to bin %zu", i,
                                (void *)x, x->size, hsri_bin_index(x->size));
                }
                if (hsri_next(x)->prev_inuse != 0) {
                    return fail(msg, len, "bin %zu: chunk %p not seen as free above", i,
                                (void *)x);
                }
                l = hsri_get_links(x);
                if (l.bk != prev) {
                    return fail(msg, len, "bin %zu: chunk %p bk %p != %p", i, (void *)x,
                                (void *)l.bk, (void *)prev);
                }
                bin_count++;
                bin_sum += x->size;
                prev = x;
                x = l.fd;
            }
        }
    }
    if (bin_count != nfree || bin_sum != free_sum || ms->nfree != nfree) {
        return fail(msg, len, "free chunks: walk %zu (%zu bytes), bins %zu (%zu bytes), count %zu",
                    nfree, free_sum, bin_count, bin_sum, ms->nfree);
    }
    /* I7: accounting */
    if (used != ms->used_bytes || nused != ms->used_blocks) {
        return fail(msg, len, "used: walk %zu bytes in %zu, counters %zu in %zu", used, nused,
                    ms->used_bytes, ms->used_blocks);
    }
    if (ms->footprint != (size_t)(ms->commit_end - ms->seg_base) + ms->tail_slack) {
        return fail(msg, len, "footprint %zu != committed %zu", ms->footprint,
                    (size_t)(ms->commit_end - ms->seg_base) + ms->tail_slack);
    }
    if (ms->max_footprint < ms->footprint) {
        return fail(msg, len, "max_footprint below footprint");
    }
    if (used + free_sum + top->size + (size_t)(ms->first - ms->seg_base) + ms->tail_slack !=
        ms->footprint) {
        return fail(msg, len, "chunks do not add up to the footprint");
    }
    if (msg != NULL && len > 0) {
        msg[0] = '\0';
    }
    return 0;
}

void hsri_inspect_locked(hsr_mspace_t *ms, hsr_mspace_inspect_fn fn, void *arg) {
    hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
    while (c != ms->top) {
        if (c->inuse) {
            fn(hsri_payload(c), (char *)c + c->size, c->size - HSRI_HDR, arg);
        } else {
            fn(c, (char *)c + c->size, 0, arg);
        }
        c = hsri_next(c);
    }
    fn(ms->top, ms->commit_end, 0, arg);
}

void hsri_stats_locked(hsr_mspace_t *ms, hsr_mspace_stats_t *out) {
    hsri_chunk_t *c = (hsri_chunk_t *)(void *)ms->first;
    size_t free_bytes = 0;
    size_t free_chunks = 0;
    while (c != ms->top) {
        if (!c->inuse) {
            free_bytes += c->size;
            free_chunks++;
        }
        c = hsri_next(c);
    }
    out->footprint = ms->footprint;
    out->max_footprint = ms->max_footprint;
    out->footprint_limit = ms->limit;
    out->used_bytes = ms->used_bytes;
    out->used_blocks = ms->used_blocks;
    out->free_bytes = free_bytes + ms->top->size;
    out->free_chunks = free_chunks + (ms->top->size > HSRI_HDR ? 1u : 0u);
    out->top_bytes = ms->top->size;
    out->overhead_bytes = (size_t)(ms->first - ms->seg_base) + ms->tail_slack;
}
