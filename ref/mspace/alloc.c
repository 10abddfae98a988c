/*
 * alloc.c — the mspace's allocation core: bins, split, merge, top, growth.
 *
 * Algorithm (dlmalloc's, simplified to one segment and plain lists):
 *   malloc(n):
 *     1. nb = chunk size for n (header added, rounded to the alignment,
 *        at least HSRI_MIN_CHUNK; n > PTRDIFF_MAX fails);
 *     2. nb's own bin: an exact small bin gives its head, a large bin its
 *        best fit (smallest chunk >= nb); else the first non-empty bin above
 *        it (found in the bitmap `binmap`) gives its head, which fits;
 *     3. else cut nb from the bottom of the top chunk, first growing the
 *        top through the morecore hook when it is too small (bounded by the
 *        reservation and the footprint limit);
 *     4. a found chunk larger than nb + HSRI_MIN_CHUNK is split and the
 *        remainder binned.
 *   free(p):
 *     1. validate p (range, alignment, tag, in-use bit) — misuse goes to
 *        the usage-error hook;
 *     2. merge with the free chunk below (found through its footer) and the
 *        free chunk above; a chunk that meets the top becomes the top;
 *     3. bin the result.
 * Complexity: O(length of nb's bin) per malloc (two bitmap words scanned),
 * O(1) per free. Fragmentation: best fit inside nb's class and first fit
 * among the larger classes, with immediate coalescing — close to the policy
 * Wilson et al. ("Dynamic Storage Allocation: A Survey and Critical
 * Review", 1995) found to fragment least.
 *
 * Every function here assumes the caller holds ms->lock when ms->locked
 * (their names end in _locked, or they are static helpers of those).
 * Memory states for the tools: a chunk header is always accessible; a free
 * chunk's body, the top's body and a block not yet handed out are closed
 * (track.h); handing out opens the payload, freeing closes it.
 */
#include <string.h>

#include "ref/mspace/internal.h"
#include "ref/mspace/track.h"

/* ---- raw access to headers, links and footers ------------------------ */

void hsri_write_header(hsr_mspace_t *ms, hsri_chunk_t *c, size_t size, uint8_t inuse,
                       uint8_t prev_inuse) {
    hsri_track_open(c, HSRI_HDR);
    c->size = size;
    c->tag = hsri_tag(ms, c);
    c->inuse = inuse;
    c->prev_inuse = prev_inuse;
    c->cached = 0;
    c->reserved = 0;
}

static void set_links(hsri_chunk_t *c, hsri_chunk_t *fd, hsri_chunk_t *bk) {
    hsri_links_t l = {fd, bk};
    void *body = hsri_payload(c);
    hsri_track_open(body, sizeof l);
    memcpy(body, &l, sizeof l);
    hsri_track_close(body, sizeof l);
}

static void set_fd(hsri_chunk_t *c, hsri_chunk_t *fd) {
    char *at = (char *)hsri_payload(c) + offsetof(hsri_links_t, fd);
    hsri_track_open(at, sizeof fd);
    memcpy(at, &fd, sizeof fd);
    hsri_track_close(at, sizeof fd);
}

static void set_bk(hsri_chunk_t *c, hsri_chunk_t *bk) {
    char *at = (char *)hsri_payload(c) + offsetof(hsri_links_t, bk);
    hsri_track_open(at, sizeof bk);
    memcpy(at, &bk, sizeof bk);
    hsri_track_close(at, sizeof bk);
}

static void set_footer(hsri_chunk_t *c) {
    char *at = (char *)c + c->size - sizeof(size_t);
    hsri_track_open(at, sizeof c->size);
    memcpy(at, &c->size, sizeof c->size);
    hsri_track_close(at, sizeof c->size);
}

/* Size of the free chunk just below c (c->prev_inuse == 0): its footer. */
static size_t prev_size(const hsri_chunk_t *c) {
    size_t v;
    char *at = (char *)(uintptr_t)c - sizeof(size_t);
    hsri_track_open(at, sizeof v);
    memcpy(&v, at, sizeof v);
    hsri_track_close(at, sizeof v);
    return v;
}

/* ---- bins ------------------------------------------------------------ */

static void binmap_set(hsr_mspace_t *ms, size_t i) {
    ms->binmap[i / 64] |= (uint64_t)1 << (i % 64);
}

static void binmap_clear(hsr_mspace_t *ms, size_t i) {
    ms->binmap[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* The first non-empty bin with index >= from, or HSRI_NBINS when none. */
static size_t first_nonempty_bin(const hsr_mspace_t *ms, size_t from) {
    size_t w = from / 64;
    uint64_t bits;
    if (from >= HSRI_NBINS) {
        return HSRI_NBINS;
    }
    bits = ms->binmap[w] & (~(uint64_t)0 << (from % 64)); /* bins below `from` masked */
    while (bits == 0) {
        w++;
        if (w == HSRI_BINMAP_WORDS) {
            return HSRI_NBINS;
        }
        bits = ms->binmap[w];
    }
    return w * 64 + (size_t)__builtin_ctzll(bits);
}

/* Push the free chunk c (header and footer written) on its bin. */
static void bin_insert(hsr_mspace_t *ms, hsri_chunk_t *c) {
    size_t i = hsri_bin_index(c->size);
    hsri_chunk_t *head = ms->bins[i];
    set_links(c, head, NULL);
    if (head != NULL) {
        set_bk(head, c);
    }
    ms->bins[i] = c;
    binmap_set(ms, i);
    ms->nfree++;
}

/* Take the free chunk c out of its bin. */
static void bin_remove(hsr_mspace_t *ms, hsri_chunk_t *c) {
    size_t i = hsri_bin_index(c->size);
    hsri_links_t l = hsri_get_links(c);
    if (l.bk != NULL) {
        set_fd(l.bk, l.fd);
    } else {
        ms->bins[i] = l.fd;
        if (l.fd == NULL) {
            binmap_clear(ms, i);
        }
    }
    if (l.fd != NULL) {
        set_bk(l.fd, l.bk);
    }
    ms->nfree--;
}

/* ---- chunk state changes --------------------------------------------- */

/* Make [c, c+size) one free chunk (not yet binned): header, footer, and the
 * chunk above learns that its neighbour below is free. */
void hsri_set_free_locked(hsr_mspace_t *ms, hsri_chunk_t *c, size_t size, uint8_t prev_inuse) {
    hsri_write_header(ms, c, size, 0, prev_inuse);
    set_footer(c);
    hsri_next(c)->prev_inuse = 0;
}

/* c is an in-use chunk whose body is closed and which no counter includes
 * any more: merge it with its free neighbours (or the top) and bin it. */
static void dispose_chunk(hsr_mspace_t *ms, hsri_chunk_t *c) {
    size_t size = c->size;
    hsri_chunk_t *next = hsri_next(c);

    if (!c->prev_inuse) {
        size_t psz = prev_size(c);
        hsri_chunk_t *prev = (hsri_chunk_t *)(void *)((char *)c - psz);
        bin_remove(ms, prev);
        c->inuse = 0; /* a stale header must not look live (double free) */
        hsri_track_close(c, HSRI_HDR); /* c's header is now inside prev */
        c = prev;
        size += psz;
    }
    if (next == ms->top) {
        size += next->size;
        hsri_track_close(next, HSRI_HDR);
        hsri_write_header(ms, c, size, 0, 1);
        ms->top = c;
        return;
    }
    if (!next->inuse) {
        bin_remove(ms, next);
        size += next->size;
        hsri_track_close(next, HSRI_HDR);
    }
    hsri_set_free_locked(ms, c, size, 1);
    bin_insert(ms, c);
}

/* c (in use, counted) keeps its first nb bytes; the rest, when it can make
 * a chunk, is released and merged upward. Returns the bytes released. */
static size_t split_tail(hsr_mspace_t *ms, hsri_chunk_t *c, size_t nb) {
    size_t rest = c->size - nb;
    hsri_chunk_t *r;
    if (rest < HSRI_MIN_CHUNK) {
        return 0;
    }
    c->size = nb;
    r = hsri_next(c);
    hsri_write_header(ms, r, rest, 1, 1);
    ms->used_bytes -= rest;
    dispose_chunk(ms, r);
    return rest;
}

/* ---- growth ---------------------------------------------------------- */

/* Commit at least `extra` more bytes at the end of the segment and add them
 * to the top. False (nothing changed) when the reservation, the footprint
 * limit, fault injection or the morecore hook refuses. */
static bool grow_locked(hsr_mspace_t *ms, size_t extra) {
    size_t page = hsri_glue_page_size();
    size_t cur = (size_t)(ms->commit_end - ms->seg_base);
    size_t room = (size_t)(ms->reserve_end - ms->seg_base);
    size_t want_min;
    size_t want;
    size_t step;
    size_t cap = room;
    size_t added;

    if (!hsri_add(cur, extra, &want_min) || !hsri_round_up(want_min, page, &want_min)) {
        return false;
    }
    want = want_min;
    if (hsri_add(cur, HSRI_GRANULE, &step) && step > want) {
        want = step; /* grow by at least a granule, when allowed */
    }
    if (ms->limit < cap) {
        cap = ms->limit;
    }
    if (want > cap) {
        want = want_min;
    }
    if (want > cap) {
        return false;
    }
    if (ms->fail_nth != 0) {
        ms->nrequests++;
        if (ms->nrequests == ms->fail_nth) {
            return false; /* injected: this request "fails in the system" */
        }
    }
    if (ms->morecore(ms->morecore_arg, ms->seg_base, cur, want) != 0) {
        return false;
    }
    added = want - cur;
    hsri_track_close(ms->commit_end, added); /* fresh pages belong to no client */
    /* atomic: the per-thread caches read it without the lock (tcache.c) */
    __atomic_store_n(&ms->commit_end, ms->commit_end + added, __ATOMIC_RELAXED);
    ms->top->size += added;
    /* atomic stores: hsr_mspace_footprint reads these without the lock */
    __atomic_store_n(&ms->footprint, want + ms->tail_slack, __ATOMIC_RELAXED);
    if (ms->footprint > ms->max_footprint) {
        __atomic_store_n(&ms->max_footprint, ms->footprint, __ATOMIC_RELAXED);
    }
    return true;
}

/* ---- allocation ------------------------------------------------------ */

/* Best chunk of a bin for nb: the head of an exact small bin, the smallest
 * fitting chunk of a large one; NULL when none fits. */
static hsri_chunk_t *bin_best_fit(hsr_mspace_t *ms, size_t i, size_t nb) {
    hsri_chunk_t *best = NULL;
    hsri_chunk_t *x = ms->bins[i];
    if (i < HSRI_NSMALL) {
        return x; /* every chunk of a small bin at or above nb's fits */
    }
    while (x != NULL) {
        if (x->size >= nb && (best == NULL || x->size < best->size)) {
            best = x;
            if (x->size == nb) {
                break;
            }
        }
        x = hsri_get_links(x).fd;
    }
    return best;
}

/* An in-use chunk of at least nb bytes (nb a valid chunk size), counted in
 * used_bytes/used_blocks, body still closed; NULL when memory runs out. */
static hsri_chunk_t *alloc_chunk_locked(hsr_mspace_t *ms, size_t nb) {
    size_t i = hsri_bin_index(nb);
    hsri_chunk_t *c = NULL;

    if (ms->bins[i] != NULL) {
        c = bin_best_fit(ms, i, nb);
    }
    if (c == NULL) {
        /* every chunk of a higher bin is larger than nb: take any */
        i = first_nonempty_bin(ms, i + 1);
        if (i < HSRI_NBINS) {
            c = ms->bins[i];
        }
    }
    if (c != NULL) {
        size_t size = c->size;
        bin_remove(ms, c);
        hsri_write_header(ms, c, size, 1, c->prev_inuse);
        hsri_next(c)->prev_inuse = 1;
        ms->used_bytes += size;
        ms->used_blocks++;
        (void)split_tail(ms, c, nb);
        return c;
    }

    /* From the top, which must keep room for its own header. */
    c = ms->top;
    if (c->size < nb || c->size - nb < HSRI_HDR) {
        if (!grow_locked(ms, nb + HSRI_HDR - c->size)) {
            return NULL;
        }
    }
    {
        size_t topsize = c->size;
        hsri_chunk_t *newtop = (hsri_chunk_t *)(void *)((char *)c + nb);
        hsri_write_header(ms, newtop, topsize - nb, 0, 1);
        hsri_write_header(ms, c, nb, 1, c->prev_inuse);
        ms->top = newtop;
        hsri_note_top(ms);
        ms->used_bytes += nb;
        ms->used_blocks++;
    }
    return c;
}

void *hsri_malloc_locked(hsr_mspace_t *ms, size_t n) {
    size_t nb;
    hsri_chunk_t *c;
    if (!hsri_request_to_chunk(n, &nb)) {
        return NULL;
    }
    c = alloc_chunk_locked(ms, nb);
    if (c == NULL) {
        return NULL;
    }
    hsri_track_malloc(hsri_payload(c), c->size - HSRI_HDR, 0);
    return hsri_payload(c);
}

/* ---- ownership checks ------------------------------------------------ */

bool hsri_in_range(const hsr_mspace_t *ms, const void *p) {
    const char *q = (const char *)p;
    return q >= ms->first + HSRI_HDR && q < ms->commit_end;
}

/* Read a header at an address that may be inside closed memory. */
HSRI_NO_ASAN static hsri_chunk_t peek_header(const hsri_chunk_t *c) {
    hsri_chunk_t h;
    const volatile hsri_chunk_t *v = c;
    hsri_track_quiet_begin();
    h.size = v->size;
    h.tag = v->tag;
    h.inuse = v->inuse;
    h.prev_inuse = v->prev_inuse;
    h.cached = v->cached;
    h.reserved = v->reserved;
    hsri_track_quiet_end();
    /* at an interior pointer these are client bytes, maybe never written:
     * the tag check below decides what they are worth */
    hsri_track_judged(&h, sizeof h);
    return h;
}

hsri_chunk_t *hsri_owned_chunk_locked(hsr_mspace_t *ms, const void *p, bool report) {
    hsri_chunk_t *c;
    hsri_chunk_t h;
    if (!hsri_in_range(ms, p) || (uintptr_t)p % HSRI_ALIGN != 0) {
        if (report) {
            hsri_usage_error(HSR_USAGE_FOREIGN_POINTER,
                             "pointer not from this mspace (outside its memory)", p);
        }
        return NULL;
    }
    c = hsri_chunk_of(p);
    h = peek_header(c);
    if (h.tag != hsri_tag(ms, c)) {
        if (report) {
            hsri_usage_error(HSR_USAGE_INTERIOR_POINTER,
                             "interior pointer (not the start of a block)", p);
        }
        return NULL;
    }
    if (!h.inuse || h.cached) {
        if (report) {
            hsri_usage_error(HSR_USAGE_DOUBLE_FREE, "double free (block is not in use)", p);
        }
        return NULL;
    }
    if (h.size < HSRI_MIN_CHUNK || h.size % HSRI_ALIGN != 0 || c >= ms->top ||
        h.size > (size_t)((char *)ms->top - (char *)c)) {
        if (report) {
            hsri_usage_error(HSR_USAGE_CORRUPTION, "block header corrupted", p);
        }
        return NULL;
    }
    return c;
}

size_t hsri_usable_locked(hsr_mspace_t *ms, const void *p) {
    hsri_chunk_t *c = hsri_owned_chunk_locked(ms, p, true);
    return c == NULL ? 0 : c->size - HSRI_HDR;
}

/* ---- free ------------------------------------------------------------ */

void hsri_free_locked(hsr_mspace_t *ms, void *p) {
    hsri_chunk_t *c = hsri_owned_chunk_locked(ms, p, true);
    if (c == NULL) {
        return;
    }
    ms->used_bytes -= c->size;
    ms->used_blocks--;
    hsri_track_free(p, c->size - HSRI_HDR);
    dispose_chunk(ms, c);
}

/* ---- the per-thread caches' side (tcache.c) ------------------------- */

hsri_chunk_t *hsri_alloc_chunk_locked(hsr_mspace_t *ms, size_t nb) {
    return alloc_chunk_locked(ms, nb);
}

void hsri_release_cached_locked(hsr_mspace_t *ms, hsri_chunk_t *c) {
    c->cached = 0;
    ms->used_bytes -= c->size;
    ms->used_blocks--;
    dispose_chunk(ms, c);
}

/* ---- realloc --------------------------------------------------------- */

/* Try to make c (in use, payload open) at least nb bytes without moving. */
static bool resize_in_place(hsr_mspace_t *ms, hsri_chunk_t *c, size_t nb) {
    size_t old = c->size;
    void *p = hsri_payload(c);
    hsri_chunk_t *next = hsri_next(c);

    if (nb <= old) {
        size_t rest = old - nb;
        if (rest >= HSRI_MIN_CHUNK) {
            hsri_track_resize(p, old - HSRI_HDR, nb - HSRI_HDR);
            /* the tail's header is written by split_tail; its body is closed */
            hsri_track_close((char *)c + nb + HSRI_HDR, rest - HSRI_HDR);
            (void)split_tail(ms, c, nb);
        }
        return true;
    }
    if (next == ms->top) {
        size_t need = nb - old;
        size_t topsize;
        hsri_chunk_t *newtop;
        if (next->size < need || next->size - need < HSRI_HDR) {
            if (!grow_locked(ms, need + HSRI_HDR - next->size)) {
                return false;
            }
        }
        topsize = next->size;
        newtop = (hsri_chunk_t *)(void *)((char *)c + nb);
        hsri_track_close(next, HSRI_HDR); /* old top header joins the block */
        hsri_write_header(ms, newtop, topsize - need, 0, 1);
        c->size = nb;
        ms->top = newtop;
        hsri_note_top(ms);
        ms->used_bytes += need;
        hsri_track_resize(p, old - HSRI_HDR, nb - HSRI_HDR);
        return true;
    }
    if (!next->inuse && old + next->size >= nb) {
        size_t total = old + next->size;
        bin_remove(ms, next);
        hsri_track_close(next, HSRI_HDR);
        c->size = total;
        hsri_next(c)->prev_inuse = 1;
        ms->used_bytes += total - old;
        /* announce only nb; split_tail gives the rest back (closed) */
        if (total - nb >= HSRI_MIN_CHUNK) {
            (void)split_tail(ms, c, nb);
        }
        hsri_track_resize(p, old - HSRI_HDR, c->size - HSRI_HDR);
        return true;
    }
    return false;
}

void *hsri_realloc_locked(hsr_mspace_t *ms, void *p, size_t n, bool may_move) {
    size_t nb;
    size_t old_usable;
    hsri_chunk_t *c;
    void *q;

    if (p == NULL) {
        return may_move ? hsri_malloc_locked(ms, n) : NULL;
    }
    c = hsri_owned_chunk_locked(ms, p, true);
    if (c == NULL || !hsri_request_to_chunk(n, &nb)) {
        return NULL;
    }
    if (resize_in_place(ms, c, nb)) {
        return p;
    }
    if (!may_move) {
        return NULL;
    }
    old_usable = c->size - HSRI_HDR;
    q = hsri_malloc_locked(ms, n);
    if (q == NULL) {
        return NULL;
    }
    memcpy(q, p, old_usable < n ? old_usable : n);
    hsri_free_locked(ms, p);
    return q;
}

/* ---- memalign -------------------------------------------------------- */

void *hsri_memalign_locked(hsr_mspace_t *ms, size_t a, size_t n) {
    size_t al = 1;
    size_t nb;
    size_t req;
    hsri_chunk_t *c;
    uintptr_t p;

    while (al < a) { /* round a up to a power of two (dlmalloc's rule) */
        if (al > (size_t)PTRDIFF_MAX / 2) {
            return NULL;
        }
        al *= 2;
    }
    if (al <= HSRI_ALIGN) {
        return hsri_malloc_locked(ms, n);
    }
    if (!hsri_request_to_chunk(n, &nb) || !hsri_add(nb, al, &req) ||
        !hsri_add(req, HSRI_MIN_CHUNK, &req) || req > (size_t)PTRDIFF_MAX) {
        return NULL;
    }
    c = alloc_chunk_locked(ms, req);
    if (c == NULL) {
        return NULL;
    }
    p = (uintptr_t)hsri_payload(c);
    if (p % al != 0) {
        /* Leave a lead of at least HSRI_MIN_CHUNK so it can be a chunk. */
        uintptr_t q = p + HSRI_MIN_CHUNK;
        size_t lead;
        hsri_chunk_t *nc;
        if (q % al != 0) {
            q += al - q % al;
        }
        lead = (size_t)(q - p);
        nc = hsri_chunk_of((void *)q);
        hsri_write_header(ms, nc, c->size - lead, 1, 1);
        c->size = lead;
        ms->used_bytes -= lead;
        dispose_chunk(ms, c); /* the lead is freed (and merged below) */
        c = nc;
    }
    (void)split_tail(ms, c, nb);
    hsri_track_malloc(hsri_payload(c), c->size - HSRI_HDR, 0);
    return hsri_payload(c);
}

/* ---- trim ------------------------------------------------------------ */

int hsri_trim_locked(hsr_mspace_t *ms, size_t pad) {
    size_t page = hsri_glue_page_size();
    size_t keep;
    size_t cur = (size_t)(ms->commit_end - ms->seg_base);
    size_t new_commit;
    size_t released;

    if (!ms->owns_memory || !hsri_add(pad, HSRI_HDR, &keep) || ms->top->size <= keep) {
        return 0;
    }
    new_commit = (size_t)((char *)ms->top - ms->seg_base) + keep; /* < cur */
    if (!hsri_round_up(new_commit, page, &new_commit) || new_commit >= cur) {
        return 0;
    }
    if (ms->morecore(ms->morecore_arg, ms->seg_base, cur, new_commit) != 0) {
        return 0;
    }
    released = cur - new_commit;
    ms->top->size -= released;
    __atomic_store_n(&ms->commit_end, ms->commit_end - released, __ATOMIC_RELAXED);
    __atomic_store_n(&ms->footprint, new_commit + ms->tail_slack, __ATOMIC_RELAXED);
    return 1;
}
