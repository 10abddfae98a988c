/* malloc_check.c — the malloc family's checker: runs a trace against a
 * subject and judges every step against a shadow model.
 *
 * Shadow model, per block id:   pointer, requested size, usable size, the
 * seed of its fill pattern, its alignment request. Live blocks are also kept
 * in an ordered interval set (a treap keyed by address) so that overlap is
 * an O(log n) predecessor/successor test at every allocation.
 *
 * Nothing here calls the process malloc: shadow state lives in the arena. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hs_internal.h"

/* Blocks larger than this are patterned at both ends only: the whole-block
 * fill would make the checker's cost grow with the subject's block size. */
#define FULL_FILL_LIMIT ((size_t)64 << 20)
#define EDGE_FILL ((size_t)1 << 20)
#define ERRNO_SENTINEL 0x7e57

struct blk {
    uintptr_t p;      /* address; 0 when not live */
    uint64_t size;    /* requested size */
    uint64_t usable;  /* usable size as the subject reported it, 0 if unknown */
    uint64_t filled;  /* bytes of pattern written from the start (<= usable) */
    uint64_t seed;    /* pattern seed */
    uint64_t align;   /* alignment requested (aligned family), else 0 */
    uint8_t live;
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    const struct hs_malloc_ops *ops;
    struct blk *b;    /* run.idn blocks: the ids the trace names */
    struct hst_iset set; /* live blocks in address order */
    uint64_t rng;
    bool have_usable;
    size_t min_small_align; /* ALIGN-2: smallest alignment of a small block */
    uint64_t max_slack;
    bool usable_seen;       /* a block's usable size was read */
};

/* ------------------------------------------------------- judgement helpers */

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)

#define skip_once(r, c, why) HST_SKIP_ONCE(r, c, why)

static size_t ext(const struct blk *b)
{
    return b->size ? (size_t)b->size : 1u;
}

/* Extent written with the pattern: everything, or both ends of a huge block. */
static void fill_block(struct blk *b, uint64_t from, uint64_t to)
{
    void *p = (void *)b->p;
    if (to - from <= FULL_FILL_LIMIT || to <= FULL_FILL_LIMIT) {
        hst_fill(p, (size_t)from, (size_t)to, b->seed);
    } else {
        hst_fill(p, (size_t)from, (size_t)(from + EDGE_FILL), b->seed);
        hst_fill(p, (size_t)(to - EDGE_FILL), (size_t)to, b->seed);
    }
}

static size_t verify_block(const struct blk *b, uint64_t to)
{
    return hst_verify_ends((const void *)b->p, to, b->seed, FULL_FILL_LIMIT, EDGE_FILL);
}

/* INTEGRITY-1: a live block still holds its pattern. */
static bool check_contents(struct run *r, uint32_t id, int clause, const char *when)
{
    struct blk *b = &r->b[id];
    size_t off = verify_block(b, b->filled);
    return judge(r, clause, off == SIZE_MAX,
                 "block #%u (%p, %llu bytes) changed at offset %zu %s", id, (void *)b->p,
                 (unsigned long long)b->size, off, when);
}

static size_t floor_pow2(uint64_t n)
{
    size_t a = 1;
    while (a <= n / 2)
        a *= 2;
    return a;
}

static bool is_pow2(uint64_t a)
{
    return a != 0 && (a & (a - 1)) == 0;
}

/* ------------------------------------------------------- block admission */

/* A fresh non-NULL block for id: alignment, disjointness, usable size; then
 * patterned. Returns false when a violation stopped the case. */
static bool admit(struct run *r, uint32_t id, void *p, uint64_t n, uint64_t align, int align_clause)
{
    uintptr_t a = (uintptr_t)p;
    struct blk *b = &r->b[id];
    if (align_clause >= 0 && align > 0 &&
        !judge(r, align_clause, a % align == 0, "%p is not aligned to %llu (request %llu bytes)", p,
               (unsigned long long)align, (unsigned long long)n))
        return false;
    if (align_clause < 0 && n > 0) {
        size_t need = floor_pow2(n);
        size_t maxa = _Alignof(max_align_t);
        if (need > maxa)
            need = maxa;
        if (!judge(r, HSC_MALLOC_ALIGN_1, a % need == 0,
                   "%p for %llu bytes is not aligned to %zu", p, (unsigned long long)n, need))
            return false;
        if (n < maxa) {
            size_t got = a ? (size_t)(a & -a) : maxa;
            if (got < r->min_small_align)
                r->min_small_align = got;
        }
    }
    uint32_t pred, succ;
    hst_iset_neighbours(&r->set, a, &pred, &succ);
    size_t e = n ? (size_t)n : 1u;
    if (pred) {
        const struct blk *q = &r->b[pred - 1];
        if (!judge(r, n ? HSC_MALLOC_DISJOINT_1 : HSC_MALLOC_ZERO_2, q->p + ext(q) <= a,
                   "new block %p (%llu bytes) overlaps live block #%u [%p, +%llu)", p,
                   (unsigned long long)n, pred - 1, (void *)q->p, (unsigned long long)q->size))
            return false;
    }
    if (succ) {
        const struct blk *q = &r->b[succ - 1];
        if (!judge(r, HSC_MALLOC_DISJOINT_1, a + e <= q->p,
                   "new block %p (%llu bytes) overlaps live block #%u [%p, +%llu)", p,
                   (unsigned long long)n, succ - 1, (void *)q->p, (unsigned long long)q->size))
            return false;
    }
    b->p = a;
    b->size = n;
    b->align = align;
    b->usable = 0;
    r->rng = hst_mix(r->rng + id);
    b->seed = r->rng;
    b->live = 1;
    if (r->have_usable) {
        size_t u = r->ops->usable_size(r->run.ctx, p);
        if (!judge(r, HSC_MALLOC_USABLE_1, u >= n, "usable size %zu < requested %llu for %p", u,
                   (unsigned long long)n, p))
            return false;
        b->usable = u;
        r->usable_seen = true;
        if (u - n > r->max_slack)
            r->max_slack = u - n;
        uintptr_t ue = a + (u > e ? u : e);
        if (pred) {
            const struct blk *q = &r->b[pred - 1];
            uint64_t qu = q->usable > ext(q) ? q->usable : ext(q);
            if (!judge(r, HSC_MALLOC_DISJOINT_2, q->p + qu <= a,
                       "usable extents overlap: #%u [%p, +%llu) and new %p", pred - 1,
                       (void *)q->p, (unsigned long long)qu, p))
                return false;
        }
        if (succ) {
            const struct blk *q = &r->b[succ - 1];
            if (!judge(r, HSC_MALLOC_DISJOINT_2, ue <= q->p,
                       "usable extent of new %p (+%zu) reaches live block #%u at %p", p, u,
                       succ - 1, (void *)q->p))
                return false;
        }
    }
    hst_iset_insert(&r->set, id, r->b[id].p);
    b->filled = n;
    fill_block(b, 0, n);
    /* INTEGRITY-2: what was written reads back (cheap edge check here; the
     * whole block is verified when it is freed). */
    size_t probe = n < 256 ? (size_t)n : 256u;
    size_t off = hst_verify(p, 0, probe, b->seed);
    if (off == SIZE_MAX && n > 256)
        off = hst_verify(p, (size_t)n - 256u, (size_t)n, b->seed);
    return judge(r, HSC_MALLOC_INTEGRITY_2, off == SIZE_MAX,
                 "block %p does not read back what was written (offset %zu)", p, off);
}

static void forget(struct run *r, uint32_t id)
{
    hst_iset_remove(&r->set, id);
    r->b[id].live = 0;
    r->b[id].p = 0;
}

/* A NULL result for a request that may legally fail: errno must say ENOMEM. */
static bool null_errno(struct run *r, int e, const char *what, uint64_t n)
{
    return judge(r, HSC_MALLOC_ENOMEM_1, e == ENOMEM, "%s(%llu) returned NULL with errno %d (%s)",
                 what, (unsigned long long)n, e, e ? strerror(e) : "unset");
}

/* A result for a size in (PTRDIFF_MAX, SIZE_MAX]: must be NULL + ENOMEM. */
static bool huge_result(struct run *r, int clause, const void *p, int e, const char *what,
                        uint64_t n)
{
    if (!judge(r, clause, p == NULL, "%s(0x%llx) returned %p instead of NULL", what,
               (unsigned long long)n, p))
        return false;
    return judge(r, clause, e == ENOMEM, "%s(0x%llx) returned NULL with errno %d, not ENOMEM",
                 what, (unsigned long long)n, e);
}

static bool need(struct run *r, const void *fn, int clause, const char *name)
{
    if (fn != NULL)
        return true;
    if (hst_clauses[clause].cls == HST_X) {
        skip_once(r, clause, "not offered by the subject");
        return false;
    }
    judge(r, clause, false, "the subject does not offer %s", name);
    return false;
}

/* ---------------------------------------------------------------- ops */

static void op_malloc_like(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    uint32_t id = op->dst;
    uint64_t n = op->a, align = 0;
    int align_clause = -1, huge_clause = HSC_MALLOC_HUGE_1;
    const char *what = "malloc";
    void *p = NULL;
    if (r->b[id].live) /* a trace that reuses a live id: treat as its free first */
        return;
    switch (op->kind) {
    case HSO_MALLOC:
        errno = 0;
        p = o->malloc(r->run.ctx, (size_t)n);
        break;
    case HSO_MEMALIGN:
        if (!need(r, (const void *)o->memalign, HSC_MALLOC_ALIGN_5, "memalign"))
            return;
        what = "memalign";
        n = op->b;
        huge_clause = HSC_MALLOC_HUGE_5;
        if (is_pow2(op->a)) {
            align = op->a;
            align_clause = HSC_MALLOC_ALIGN_5;
        }
        errno = 0;
        p = o->memalign(r->run.ctx, (size_t)op->a, (size_t)n);
        break;
    case HSO_VALLOC:
        if (!need(r, (const void *)o->valloc, HSC_MALLOC_ALIGN_6, "valloc"))
            return;
        what = "valloc";
        huge_clause = HSC_MALLOC_HUGE_5;
        align = hst_page_size();
        align_clause = HSC_MALLOC_ALIGN_6;
        errno = 0;
        p = o->valloc(r->run.ctx, (size_t)n);
        break;
    case HSO_PVALLOC:
        if (!need(r, (const void *)o->pvalloc, HSC_MALLOC_ALIGN_7, "pvalloc")) {
            skip_once(r, HSC_MALLOC_ALIGN_8, "not offered by the subject");
            return;
        }
        what = "pvalloc";
        huge_clause = HSC_MALLOC_HUGE_5;
        align = hst_page_size();
        align_clause = HSC_MALLOC_ALIGN_7;
        errno = 0;
        p = o->pvalloc(r->run.ctx, (size_t)n);
        break;
    default:
        return;
    }
    int e = errno;
    if (n > PTRDIFF_MAX) {
        if (op->kind == HSO_MEMALIGN && !is_pow2(op->a) && p == NULL && e == EINVAL) {
            /* a bad alignment may be reported before the size: both are failures */
            r->run.sink->checks[huge_clause]++;
            return;
        }
        huge_result(r, huge_clause, p, e, what, n);
        return;
    }
    if (p == NULL) {
        if (n == 0 && op->kind == HSO_MALLOC)
            hst_branch(r->run.sink, HSC_MALLOC_ZERO_1, "malloc(0) returns NULL");
        else if (op->kind == HSO_MALLOC)
            null_errno(r, e, what, n);
        return;
    }
    if (n == 0 && op->kind == HSO_MALLOC)
        hst_branch(r->run.sink, HSC_MALLOC_ZERO_1, "malloc(0) returns a unique pointer");
    if (!admit(r, id, p, n, align, align_clause))
        return;
    if (op->kind == HSO_PVALLOC && n == 0 && r->have_usable)
        hst_branch(r->run.sink, HSC_MALLOC_ALIGN_8,
                   r->b[id].usable >= hst_page_size() ? "pvalloc(0) returns a whole page"
                                                      : "pvalloc(0) returns a block smaller than a page");
    if (op->kind == HSO_PVALLOC && n > 0 && r->have_usable) {
        size_t pg = hst_page_size();
        uint64_t want = n == 0 ? pg : (n + pg - 1) / pg * pg;
        judge(r, HSC_MALLOC_ALIGN_7, r->b[id].usable >= want,
              "pvalloc(%llu) has usable size %llu, less than %llu (whole pages)",
              (unsigned long long)n, (unsigned long long)r->b[id].usable,
              (unsigned long long)want);
    }
}

static void op_calloc(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    uint32_t id = op->dst;
    uint64_t prod;
    if (r->b[id].live || !need(r, (const void *)o->calloc, HSC_MALLOC_CALLOC_1, "calloc"))
        return;
    bool ovf = __builtin_mul_overflow(op->a, op->b, &prod);
    errno = 0;
    void *p = o->calloc(r->run.ctx, (size_t)op->a, (size_t)op->b);
    int e = errno;
    if (ovf) {
        judge(r, HSC_MALLOC_CALLOC_2, p == NULL && e == ENOMEM,
              "calloc(%llu, %llu) overflows but returned %p with errno %d",
              (unsigned long long)op->a, (unsigned long long)op->b, p, e);
        return;
    }
    if (prod > PTRDIFF_MAX) {
        huge_result(r, HSC_MALLOC_HUGE_2, p, e, "calloc", prod);
        return;
    }
    if (prod == 0)
        hst_branch(r->run.sink, HSC_MALLOC_CALLOC_3,
                   p ? "calloc of 0 bytes returns a unique pointer"
                     : "calloc of 0 bytes returns NULL");
    if (p == NULL) {
        if (prod)
            null_errno(r, e, "calloc", prod);
        return;
    }
    /* CALLOC-1 before the pattern goes in. */
    const unsigned char *c = p;
    size_t bad = hst_first_not(p, prod <= FULL_FILL_LIMIT ? (size_t)prod : EDGE_FILL, 0);
    if (!judge(r, HSC_MALLOC_CALLOC_1, bad == SIZE_MAX,
               "calloc(%llu, %llu) = %p: byte %zu is 0x%02x, not zero", (unsigned long long)op->a,
               (unsigned long long)op->b, p, bad, bad == SIZE_MAX ? 0 : c[bad]))
        return;
    admit(r, id, p, prod, 0, -1);
}

static void op_free(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    if (op->dst == HST_NULL_ID) {
        errno = ERRNO_SENTINEL;
        o->free(r->run.ctx, NULL);
        int e = errno;
        judge(r, HSC_MALLOC_FREE_1, e == ERRNO_SENTINEL, "free(NULL) changed errno to %d", e);
        return;
    }
    struct blk *b = &r->b[op->dst];
    if (!b->live)
        return; /* the block was never made (a failed allocation, or minimized away) */
    if (!check_contents(r, op->dst, HSC_MALLOC_INTEGRITY_1, "before free"))
        return;
    void *p = (void *)b->p;
    uint64_t size = b->size, align = b->align;
    forget(r, op->dst);
    errno = ERRNO_SENTINEL;
    if (op->kind == HSO_FREE_SIZED && o->free_sized) {
        o->free_sized(r->run.ctx, p, (size_t)size);
        r->run.sink->checks[HSC_MALLOC_FREE_3]++;
    } else if (op->kind == HSO_FREE_ALIGNED_SIZED && o->free_aligned_sized && align) {
        o->free_aligned_sized(r->run.ctx, p, (size_t)align, (size_t)size);
        r->run.sink->checks[HSC_MALLOC_FREE_3]++;
    } else {
        if (op->kind != HSO_FREE)
            skip_once(r, HSC_MALLOC_FREE_3,
                      align || op->kind == HSO_FREE_SIZED ? "not offered by the subject"
                                                          : "block not from aligned_alloc");
        o->free(r->run.ctx, p);
    }
    int e = errno;
    judge(r, HSC_MALLOC_FREE_2, e == ERRNO_SENTINEL, "free(%p) changed errno from %d to %d", p,
          ERRNO_SENTINEL, e);
}

static void op_realloc(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    bool arr = op->kind == HSO_REALLOCARRAY;
    int keep_clause = arr ? HSC_MALLOC_REALLOCARRAY_2 : HSC_MALLOC_REALLOC_1;
    if (arr && !need(r, (const void *)o->reallocarray, HSC_MALLOC_REALLOCARRAY_1, "reallocarray")) {
        skip_once(r, HSC_MALLOC_REALLOCARRAY_2, "not offered by the subject");
        return;
    }
    if (!arr && !need(r, (const void *)o->realloc, HSC_MALLOC_REALLOC_1, "realloc"))
        return;
    uint64_t n = op->a;
    bool ovf = false;
    if (arr)
        ovf = __builtin_mul_overflow(op->a, op->b, &n);
    struct blk *src = op->src == HST_NULL_ID ? NULL : &r->b[op->src];
    if (src != NULL && !src->live)
        return;
    if (op->dst != op->src && r->b[op->dst].live)
        return;
    if (src != NULL && !check_contents(r, op->src, HSC_MALLOC_INTEGRITY_1, "before realloc"))
        return;
    void *old = src ? (void *)src->p : NULL;
    errno = 0;
    void *p = arr ? o->reallocarray(r->run.ctx, old, (size_t)op->a, (size_t)op->b)
                  : o->realloc(r->run.ctx, old, (size_t)n);
    int e = errno;
    if (ovf || n > PTRDIFF_MAX) {
        int c = ovf ? HSC_MALLOC_REALLOCARRAY_1 : arr ? HSC_MALLOC_HUGE_5 : HSC_MALLOC_HUGE_3;
        if (!judge(r, c, p == NULL && e == ENOMEM,
                   "%s to 0x%llx%s returned %p with errno %d, not NULL with ENOMEM",
                   arr ? "reallocarray" : "realloc", (unsigned long long)n,
                   ovf ? " (overflowing)" : "", p, e))
            return;
        if (src != NULL)
            check_contents(r, op->src, arr ? HSC_MALLOC_REALLOCARRAY_1 : HSC_MALLOC_REALLOC_3,
                           "after a failed realloc");
        return;
    }
    if (src == NULL) {
        /* REALLOC-2: realloc(NULL, n) is malloc(n). */
        if (p == NULL) {
            if (n)
                null_errno(r, e, "realloc(NULL)", n);
            return;
        }
        r->run.sink->checks[HSC_MALLOC_REALLOC_2]++;
        admit(r, op->dst, p, n, 0, -1);
        return;
    }
    uint64_t oldsize = src->size;
    if (n == 0) {
        /* realloc(p, 0), or reallocarray(p, n, 0) which is realloc(p, 0) */
        const char *branch = p != NULL ? "returns a new block (old one freed)"
                             : e == EINVAL ? "frees and returns NULL with errno EINVAL"
                                           : "frees and returns NULL, errno unchanged";
        hst_branch(r->run.sink, HSC_MALLOC_REALLOC_4, "realloc(p, 0) %s", branch);
        forget(r, op->src);
        if (p != NULL)
            admit(r, op->dst, p, 0, 0, -1);
        return;
    }
    if (p == NULL) {
        /* REALLOC-3: failure leaves the old block live and unchanged. */
        if (n)
            null_errno(r, e, "realloc", n);
        check_contents(r, op->src, HSC_MALLOC_REALLOC_3, "after a failed realloc");
        return;
    }
    if (n < oldsize)
        hst_branch(r->run.sink, HSC_MALLOC_REALLOC_5,
                   p == old ? "shrinks in place" : "moves to shrink");
    /* The old block is gone; the new one must keep min(old, n) bytes of it. */
    struct blk saved = *src;
    forget(r, op->src);
    uint64_t keep = oldsize < n ? oldsize : n;
    struct blk view = saved;
    view.p = (uintptr_t)p;
    size_t off = verify_block(&view, keep);
    if (!judge(r, keep_clause, off == SIZE_MAX,
               "realloc(%p, %llu) = %p lost the old contents at offset %zu (kept %llu bytes)", old,
               (unsigned long long)n, p, off, (unsigned long long)keep))
        return;
    if (!admit(r, op->dst, p, n, 0, -1))
        return;
    /* admit() gave the block a new pattern over [0, n): nothing else to keep. */
}

static void op_aligned(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    uint32_t id = op->dst;
    uint64_t a = op->a, n = op->b;
    if (r->b[id].live)
        return;
    if (op->kind == HSO_ALIGNED_ALLOC) {
        if (!need(r, (const void *)o->aligned_alloc, HSC_MALLOC_ALIGN_3, "aligned_alloc"))
            return;
        errno = 0;
        void *p = o->aligned_alloc(r->run.ctx, (size_t)a, (size_t)n);
        int e = errno;
        if (!is_pow2(a)) {
            if (!judge(r, HSC_MALLOC_ALIGNED_ALLOC_1, p == NULL,
                       "aligned_alloc(%llu, %llu) accepted an alignment that is not a power of two "
                       "(returned %p)",
                       (unsigned long long)a, (unsigned long long)n, p)) {
                o->free(r->run.ctx, p);
                return;
            }
            judge(r, HSC_MALLOC_ALIGNED_ALLOC_3, e == EINVAL,
                  "aligned_alloc(%llu, %llu) failed with errno %d, not EINVAL",
                  (unsigned long long)a, (unsigned long long)n, e);
            return;
        }
        if (n > PTRDIFF_MAX) {
            huge_result(r, HSC_MALLOC_HUGE_4, p, e, "aligned_alloc", n);
            return;
        }
        if (n % a != 0)
            hst_branch(r->run.sink, HSC_MALLOC_ALIGNED_ALLOC_2,
                       p ? "accepts a size that is not a multiple of the alignment"
                         : "rejects a size that is not a multiple of the alignment");
        if (p != NULL)
            admit(r, id, p, n, a, HSC_MALLOC_ALIGN_3);
        return;
    }
    /* posix_memalign */
    if (!need(r, (const void *)o->posix_memalign, HSC_MALLOC_ALIGN_4, "posix_memalign"))
        return;
    void *const sentinel = (void *)(uintptr_t)0x5e471e1ull;
    void *out = sentinel;
    errno = ERRNO_SENTINEL;
    int rc = o->posix_memalign(r->run.ctx, &out, (size_t)a, (size_t)n);
    int e = errno;
    bool valid = is_pow2(a) && a % sizeof(void *) == 0;
    if (rc != 0) {
        hst_branch(r->run.sink, HSC_MALLOC_POSIX_MEMALIGN_4,
                   e == ERRNO_SENTINEL ? "failure leaves errno unchanged" : "failure sets errno");
        if (!judge(r, HSC_MALLOC_POSIX_MEMALIGN_2, out == sentinel,
                   "posix_memalign(&p, %llu, %llu) failed (%d) but changed *memptr to %p",
                   (unsigned long long)a, (unsigned long long)n, rc, out))
            return;
    }
    if (!valid) {
        judge(r, HSC_MALLOC_POSIX_MEMALIGN_1, rc == EINVAL,
              "posix_memalign(&p, %llu, %llu) returned %d, not EINVAL", (unsigned long long)a,
              (unsigned long long)n, rc);
        if (rc == 0 && out != NULL)
            o->free(r->run.ctx, out);
        return;
    }
    if (n > PTRDIFF_MAX) {
        judge(r, HSC_MALLOC_HUGE_4, rc == ENOMEM,
              "posix_memalign(&p, %llu, 0x%llx) returned %d, not ENOMEM", (unsigned long long)a,
              (unsigned long long)n, rc);
        if (rc == 0 && out != NULL && out != sentinel)
            o->free(r->run.ctx, out);
        return;
    }
    if (n == 0)
        hst_branch(r->run.sink, HSC_MALLOC_POSIX_MEMALIGN_3,
                   rc != 0   ? "returns an error for size 0"
                   : out ? "returns 0 and a unique pointer for size 0"
                         : "returns 0 and NULL for size 0");
    if (rc == 0 && out != NULL)
        admit(r, id, out, n, a, HSC_MALLOC_ALIGN_4);
}

static void op_usable(struct run *r, const struct hst_op *op)
{
    const struct hs_malloc_ops *o = r->ops;
    if (!need(r, (const void *)o->usable_size, HSC_MALLOC_USABLE_1, "malloc_usable_size"))
        return;
    if (op->dst == HST_NULL_ID) {
        size_t u = o->usable_size(r->run.ctx, NULL);
        judge(r, HSC_MALLOC_USABLE_2, u == 0, "malloc_usable_size(NULL) = %zu, not 0", u);
        return;
    }
    struct blk *b = &r->b[op->dst];
    if (!b->live)
        return;
    size_t u = o->usable_size(r->run.ctx, (void *)b->p);
    judge(r, HSC_MALLOC_USABLE_1, u >= b->size,
          "malloc_usable_size(%p) = %zu, less than the %llu bytes requested", (void *)b->p, u,
          (unsigned long long)b->size);
}

static void op_write_usable(struct run *r, const struct hst_op *op)
{
    if (!need(r, (const void *)r->ops->usable_size, HSC_MALLOC_USABLE_4, "malloc_usable_size"))
        return;
    struct blk *b = &r->b[op->dst];
    if (!b->live)
        return;
    size_t u = r->ops->usable_size(r->run.ctx, (void *)b->p);
    if (u <= b->filled || u > FULL_FILL_LIMIT)
        return;
    fill_block(b, b->filled, u);
    b->filled = u;
    /* the neighbours in address order must not have been touched */
    uint32_t pred, succ;
    hst_iset_neighbours(&r->set, b->p, &pred, &succ);
    if (pred && pred - 1 != op->dst)
        check_contents(r, pred - 1, HSC_MALLOC_USABLE_4, "after a neighbour wrote its usable size");
    if (succ)
        check_contents(r, succ - 1, HSC_MALLOC_USABLE_4, "after a neighbour wrote its usable size");
    check_contents(r, op->dst, HSC_MALLOC_USABLE_4, "after writing its usable size");
}

/* In address order over the live blocks (the treap), not over every id. */
static void verify_tree(struct run *r, uint32_t t, const char *when)
{
    while (t) {
        verify_tree(r, r->set.n[t - 1].left, when);
        /* a damaged block is reported once; the others are still looked at */
        if (!check_contents(r, t - 1, HSC_MALLOC_INTEGRITY_1, when))
            r->b[t - 1].filled = 0;
        t = r->set.n[t - 1].right;
    }
}

static void verify_all(struct run *r, const char *when)
{
    verify_tree(r, r->set.root, when);
}

/* ---------------------------------------------------------------- run */

static int malloc_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    switch (op->kind) {
    case HSO_MALLOC: case HSO_MEMALIGN: case HSO_VALLOC: case HSO_PVALLOC:
        op_malloc_like(r, op);
        break;
    case HSO_CALLOC:
        op_calloc(r, op);
        break;
    case HSO_REALLOC: case HSO_REALLOCARRAY:
        op_realloc(r, op);
        break;
    case HSO_ALIGNED_ALLOC: case HSO_POSIX_MEMALIGN:
        op_aligned(r, op);
        break;
    case HSO_FREE: case HSO_FREE_SIZED: case HSO_FREE_ALIGNED_SIZED:
        op_free(r, op);
        break;
    case HSO_USABLE_SIZE:
        op_usable(r, op);
        break;
    case HSO_WRITE_USABLE:
        op_write_usable(r, op);
        break;
    case HSO_VERIFY:
        verify_all(r, "at a verify step");
        break;
    default:
        hst_scenario_run(r->ops, run->ctx, op, run->pos, run->sink);
        break;
    }
    return 0;
}

/* End of the trace: everything still live must be intact; then it is freed. */
static void malloc_finish(struct hst_run *run)
{
    verify_all((struct run *)run, "at the end of the trace");
}

static void malloc_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    if (r->b[id].live) {
        void *p = (void *)r->b[id].p;
        forget(r, id);
        r->ops->free(run->ctx, p);
    }
}

static const struct hst_run_hooks malloc_hooks = {malloc_step, malloc_finish, malloc_end};

int hst_malloc_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                   struct hst_sink *sink, struct hst_arena *arena)
{
    struct run r;
    memset(&r, 0, sizeof r);
    hst_run_init(&r.run, ctx, cs, sink, arena);
    r.ops = subj->malloc_ops;
    r.rng = 0x243f6a8885a308d3ull;
    r.min_small_align = SIZE_MAX;
    uint32_t nid = r.run.idn ? r.run.idn : 1u;
    r.b = hst_arena_alloc(arena, sizeof(struct blk) * nid);
    r.set.n = hst_arena_alloc(arena, sizeof(struct hst_inode) * nid);
    r.set.rng = 0x452821e638d01377ull;
    if (r.b == NULL || r.set.n == NULL || r.ops == NULL)
        return -1;
    r.have_usable = r.ops->usable_size != NULL;
    if (hst_run_trace(&r.run, &malloc_hooks) != 0)
        return -1;
    if (r.min_small_align != SIZE_MAX)
        hst_branch(sink, HSC_MALLOC_ALIGN_2,
                   r.min_small_align >= _Alignof(max_align_t)
                       ? "small blocks aligned to alignof(max_align_t)"
                       : "small blocks aligned to %zu only",
                   r.min_small_align >= _Alignof(max_align_t) ? (size_t)0 : r.min_small_align);
    if (r.usable_seen)
        hst_figure(sink, HSC_MALLOC_USABLE_3, (double)r.max_slack, "bytes of slack at most");
    return 0;
}
