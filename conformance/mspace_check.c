/* mspace_check.c — the mspace family's checker: runs a trace against a
 * subject's struct hs_mspace_ops and judges every step against a shadow
 * model (clauses: spec/clauses/mspace.def; grammar: the table below).
 *
 * One id space names both mspaces and blocks:
 *
 *   create #s CAP LOCKED            create_with_base #s CAP LOCKED
 *   destroy #s                      malloc #b #s N      calloc #b #s N M
 *   memalign #b #s A N              realloc #dst #src N (src a block)
 *   realloc_in_place #b N           free #b             free_null #s
 *   usable_size #b                  bulk_free #s LO HI  trim #s PAD
 *   footprint #s                    set_footprint_limit #s L
 *   inspect #s                      mallinfo #s         verify
 *
 * Shadow model, per id:
 *
 *   mspace  handle, base mapping (create_with_base: the engine maps
 *           GUARD | base .. base+cap | GUARD and fills both guards with a
 *           canary), last footprint / max_footprint seen, the enforced
 *           limit, live blocks and their usable bytes, the largest size
 *           served without a limit, the size last refused under a limit.
 *   block   pointer, requested and usable size, fill-pattern seed, mspace.
 *
 * Live blocks of every mspace are kept in one treap keyed by address, so
 * overlap is a predecessor/successor test at every allocation. After each
 * operation on an mspace, post() reads footprint and max_footprint and
 * judges FOOT-1/2, LIMIT-4 and (with a base) BASE-3.
 *
 * Nothing here calls the process malloc: shadow state lives in the arena;
 * base memory for create_with_base is mapped with mmap. Values coming back
 * from the subject are checked before they are used: a pointer is patterned
 * only after its usable size and (with a base) its range passed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "hs_internal.h"

enum {
    MSO_CREATE,
    MSO_CREATE_WITH_BASE,
    MSO_DESTROY,
    MSO_MALLOC,
    MSO_CALLOC,
    MSO_MEMALIGN,
    MSO_REALLOC,
    MSO_REALLOC_IN_PLACE,
    MSO_FREE,
    MSO_FREE_NULL,
    MSO_USABLE_SIZE,
    MSO_BULK_FREE,
    MSO_TRIM,
    MSO_FOOTPRINT,
    MSO_SET_LIMIT,
    MSO_INSPECT,
    MSO_MALLINFO,
    MSO_VERIFY,
};

static const struct hst_opdesc mspace_grammar[] = {
    {"create", MSO_CREATE, 1, 2, false, NULL, 0},
    {"create_with_base", MSO_CREATE_WITH_BASE, 1, 2, false, NULL, 0},
    {"destroy", MSO_DESTROY, 1, 0, false, NULL, 0},
    {"malloc", MSO_MALLOC, 2, 1, false, NULL, 0},
    {"calloc", MSO_CALLOC, 2, 2, false, NULL, 0},
    {"memalign", MSO_MEMALIGN, 2, 2, false, NULL, 0},
    {"realloc", MSO_REALLOC, 2, 1, false, NULL, 0},
    {"realloc_in_place", MSO_REALLOC_IN_PLACE, 1, 1, false, NULL, 0},
    {"free", MSO_FREE, 1, 0, false, NULL, 0},
    {"free_null", MSO_FREE_NULL, 1, 0, false, NULL, 0},
    {"usable_size", MSO_USABLE_SIZE, 1, 0, false, NULL, 0},
    {"bulk_free", MSO_BULK_FREE, 1, 2, false, NULL, 0},
    {"trim", MSO_TRIM, 1, 1, false, NULL, 0},
    {"footprint", MSO_FOOTPRINT, 1, 0, false, NULL, 0},
    {"set_footprint_limit", MSO_SET_LIMIT, 1, 1, false, NULL, 0},
    {"inspect", MSO_INSPECT, 1, 0, false, NULL, 0},
    {"mallinfo", MSO_MALLINFO, 1, 0, false, NULL, 0},
    {"verify", MSO_VERIFY, 0, 0, false, NULL, 0},
};

#define GUARD ((size_t)4096)          /* canary bytes on each side of a base */
#define CANARY 0xc5u
#define MAX_BASE ((size_t)256 << 20)  /* largest create_with_base capacity mapped */
#define FULL_FILL_LIMIT ((size_t)16 << 20)
#define EDGE_FILL ((size_t)1 << 20)
#define MAX_REGIONS ((size_t)1 << 17) /* inspect_all regions collected at once */
#define FAULT3_MAX ((uint64_t)16 << 20)

enum obj_kind { OBJ_NONE = 0, OBJ_SPACE = 1, OBJ_BLOCK = 2 };

struct obj {
    uint8_t kind;
    /* block */
    uintptr_t p;
    uint64_t size, usable, filled, seed;
    uint32_t space;             /* id of its mspace */
    /* mspace */
    hs_mspace_t *ms;
    unsigned char *map;         /* whole mapping (with-base), else NULL */
    size_t maplen, cap;
    uint64_t fp, maxfp;         /* last values read */
    uint64_t limit;             /* enforced limit, SIZE_MAX when none */
    uint64_t live, live_usable, live_bytes;
    uint64_t max_served;        /* largest malloc/calloc served with no limit */
    uint64_t refused;           /* size refused under a limit (0: none) */
};

struct region {
    uintptr_t start, end;
    uint64_t used;
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    const struct hs_subject *subj;
    struct hs_mspace_ops ops;
    struct obj *o;              /* HST_MAX_ID + 1 */
    struct hst_iset set; /* live blocks of every mspace, in address order */
    uint64_t rng;
    uint64_t skipped[(HSC_COUNT + 63) / 64];
    struct region *reg;         /* MAX_REGIONS scratch */
    size_t nreg;
    bool reg_overflow;
    uint32_t *ids;              /* HST_MAX_ID + 1 scratch */
    void **arr;                 /* bulk_free scratch, 2 * (HST_MAX_ID + 1) */
    uint64_t peak_fp, peak_live, live_all;
    bool zero_seen;
    uint64_t opened_limit; /* footprint limit the subject was opened with (fault axis), 0: none */
};

/* ------------------------------------------------------------ judging */

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)

#define skip_once(r, c, why) HST_SKIP_ONCE(r, c, why)

/* An X clause needs capability bit cap (and function fn): SKIP otherwise. */
static bool has(struct run *r, uint64_t cap, const void *fn, int clause)
{
    if ((r->ops.caps & cap) && fn != NULL)
        return true;
    skip_once(r, clause, "capability not offered by the subject");
    return false;
}

static bool is_pow2(uint64_t a)
{
    return a != 0 && (a & (a - 1)) == 0;
}

static uint64_t floor_pow2(uint64_t n)
{
    uint64_t a = 1;
    while (a <= n / 2)
        a *= 2;
    return a;
}

static uint64_t ceil_pow2(uint64_t n)
{
    uint64_t a = 1;
    while (a < n && a < (1ull << 62))
        a *= 2;
    return a;
}

/* ------------------------------------------------------------ lookups */

static struct obj *space_of(struct run *r, uint32_t id)
{
    if (id == HST_NULL_ID || id > HST_MAX_ID || r->o[id].kind != OBJ_SPACE)
        return NULL;
    return &r->o[id];
}

static struct obj *block_of(struct run *r, uint32_t id)
{
    if (id == HST_NULL_ID || id > HST_MAX_ID || r->o[id].kind != OBJ_BLOCK)
        return NULL;
    return &r->o[id];
}

static bool id_free(struct run *r, uint32_t id)
{
    return id != HST_NULL_ID && id <= HST_MAX_ID && r->o[id].kind == OBJ_NONE;
}

/* ------------------------------------------------------------ patterns */

static uint64_t fill_extent(const struct obj *b)
{
    return b->usable > b->size ? b->usable : b->size;
}

static void fill_block(struct obj *b, uint64_t from, uint64_t to)
{
    void *p = (void *)b->p;
    if (to <= FULL_FILL_LIMIT) {
        hst_fill(p, (size_t)from, (size_t)to, b->seed);
    } else {
        if (from < EDGE_FILL)
            hst_fill(p, (size_t)from, EDGE_FILL, b->seed);
        hst_fill(p, (size_t)(to - EDGE_FILL), (size_t)to, b->seed);
    }
}

static size_t verify_range(const struct obj *b, uintptr_t at, uint64_t to)
{
    return hst_verify_ends((const void *)at, to, b->seed, FULL_FILL_LIMIT, EDGE_FILL);
}

static bool check_contents(struct run *r, uint32_t id, int clause, const char *when)
{
    struct obj *b = &r->o[id];
    size_t off = verify_range(b, b->p, b->filled);
    return judge(r, clause, off == SIZE_MAX, "block #%u (%p, %llu bytes) changed at offset %zu %s",
                 id, (void *)b->p, (unsigned long long)b->size, off, when);
}

/* Verifies every live block (of space sid, or of all when sid is HST_NULL_ID). */
static bool verify_tree(struct run *r, uint32_t t, uint32_t sid, int clause, const char *when)
{
    bool ok = true;
    while (t) {
        if (!verify_tree(r, r->set.n[t - 1].left, sid, clause, when))
            ok = false;
        struct obj *b = &r->o[t - 1];
        if ((sid == HST_NULL_ID || b->space == sid) && b->filled &&
            !check_contents(r, t - 1, clause, when)) {
            b->filled = 0; /* reported once */
            ok = false;
        }
        t = r->set.n[t - 1].right;
    }
    return ok;
}

/* ------------------------------------------------------------ mspaces */

static bool guards_intact(const struct obj *s)
{
    if (s->map == NULL)
        return true;
    size_t tail = s->maplen - GUARD - s->cap;
    return hst_first_not(s->map, GUARD, CANARY) == SIZE_MAX &&
           hst_first_not(s->map + GUARD + s->cap, tail, CANARY) == SIZE_MAX;
}

/* After an operation on s: footprint figures, limit, guards. */
static void post(struct run *r, struct obj *s, uint32_t sid)
{
    uint64_t fp = r->ops.footprint(r->run.ctx, s->ms);
    uint64_t mfp = r->ops.max_footprint(r->run.ctx, s->ms);
    judge(r, HSC_MSPACE_FOOT_1, mfp >= fp && mfp >= s->maxfp,
          "mspace #%u: footprint %llu, max_footprint %llu (was %llu)", sid,
          (unsigned long long)fp, (unsigned long long)mfp, (unsigned long long)s->maxfp);
    judge(r, HSC_MSPACE_FOOT_2, fp >= s->live_usable,
          "mspace #%u: footprint %llu is below the %llu usable bytes of its %llu live blocks", sid,
          (unsigned long long)fp, (unsigned long long)s->live_usable,
          (unsigned long long)s->live);
    if (s->limit != SIZE_MAX && fp > s->fp)
        judge(r, HSC_MSPACE_LIMIT_4, fp <= s->limit,
              "mspace #%u: footprint grew from %llu to %llu, above the limit %llu", sid,
              (unsigned long long)s->fp, (unsigned long long)fp, (unsigned long long)s->limit);
    if (s->map != NULL)
        judge(r, HSC_MSPACE_BASE_3, guards_intact(s),
              "mspace #%u wrote outside [base, base+%zu)", sid, s->cap);
    s->fp = fp;
    s->maxfp = mfp > s->maxfp ? mfp : s->maxfp;
    if (fp > r->peak_fp)
        r->peak_fp = fp;
}

static void op_create(struct run *r, const struct hst_op *op)
{
    if (!id_free(r, op->dst))
        return;
    struct obj *s = &r->o[op->dst];
    bool with_base = op->kind == MSO_CREATE_WITH_BASE;
    int locked = op->b != 0;
    hs_mspace_t *ms;
    if (locked && !(r->ops.caps & HS_MSPACE_CAP_LOCKED))
        locked = 0;
    if (with_base) {
        if (!has(r, HS_MSPACE_CAP_WITH_BASE, (const void *)r->ops.create_with_base,
                 HSC_MSPACE_BASE_1) || op->a > MAX_BASE)
            return;
        size_t pg = hst_page_size();
        size_t cap = (size_t)op->a;
        size_t len = GUARD + (cap + pg - 1) / pg * pg + GUARD;
        /* Every byte of it is written with the canary just below (a with-base
         * mspace must not take its memory for zero): MAP_POPULATE makes the
         * pages in one call instead of one fault each, which were half of a
         * fuzz run of this checker. */
        void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (m == MAP_FAILED)
            return;
        memset(m, CANARY, len);
        ms = r->ops.create_with_base(r->run.ctx, (unsigned char *)m + GUARD, cap, locked);
        if (cap < 64) {
            judge(r, HSC_MSPACE_BASE_1, ms == NULL,
                  "create_with_base(%zu bytes) accepted a capacity too small for bookkeeping", cap);
            if (ms != NULL)
                r->ops.destroy(r->run.ctx, ms);
            munmap(m, len);
            return;
        }
        if (ms == NULL) {
            munmap(m, len);
            return;
        }
        s->map = m;
        s->maplen = len;
        s->cap = cap;
    } else {
        if (!has(r, HS_MSPACE_CAP_OWN_MEMORY, (const void *)r->ops.create, HSC_MSPACE_FAULT_3))
            return;
        ms = r->ops.create(r->run.ctx, (size_t)op->a, locked);
        if (ms == NULL)
            return;
    }
    s->kind = OBJ_SPACE;
    s->ms = ms;
    s->limit = SIZE_MAX;
    s->fp = s->maxfp = 0;
    s->live = s->live_usable = s->live_bytes = s->max_served = s->refused = 0;
    if ((r->ops.caps & HS_MSPACE_CAP_FOOTPRINT_LIMIT) && r->ops.footprint_limit != NULL) {
        uint64_t l = r->ops.footprint_limit(r->run.ctx, ms);
        if (r->opened_limit != 0) {
            /* the run's fault axis set the limit, not the trace; what the mspace
             * holds at birth (a caller's base) is not growth */
            s->limit = l;
            s->fp = r->ops.footprint(r->run.ctx, ms);
        }
        else
            judge(r, HSC_MSPACE_LIMIT_1, l == SIZE_MAX,
                  "footprint_limit of a fresh mspace is %llu, not SIZE_MAX",
                  (unsigned long long)l);
    }
    post(r, s, op->dst);
}

/* Every block of space sid leaves the shadow (destroy, end of case). */
static void drop_blocks(struct run *r, uint32_t t, uint32_t sid)
{
    while (t) {
        drop_blocks(r, r->set.n[t - 1].left, sid);
        uint32_t next = r->set.n[t - 1].right;
        if (r->o[t - 1].space == sid)
            r->o[t - 1].kind = OBJ_NONE; /* unlinked below */
        t = next;
    }
}

static void rebuild_treap(struct run *r)
{
    r->set.root = 0;
    for (uint32_t id = 0; id < r->run.idn; id++)
        if (r->o[id].kind == OBJ_BLOCK)
            hst_iset_insert(&r->set, id, r->o[id].p);
}

static void op_destroy(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    verify_tree(r, r->set.root, op->dst, HSC_MSPACE_INTEGRITY_1, "before destroy");
    post(r, s, op->dst);
    uint64_t maxfp = s->maxfp, fp = s->fp;
    size_t got = r->ops.destroy(r->run.ctx, s->ms);
    judge(r, HSC_MSPACE_DESTROY_1, got <= maxfp,
          "destroy of mspace #%u returned %zu bytes, more than its max_footprint %llu", op->dst,
          got, (unsigned long long)maxfp);
    if (s->map == NULL)
        hst_branch(r->run.sink, HSC_MSPACE_DESTROY_2,
                   got == fp ? "destroy returns the whole footprint"
                             : "destroy returns less than the footprint");
    if (s->live) {
        drop_blocks(r, r->set.root, op->dst);
        rebuild_treap(r);
        r->live_all -= s->live_bytes;
    }
    if (s->map != NULL) {
        unsigned char vec[1];
        size_t pg = hst_page_size();
        bool mapped = mincore(s->map + GUARD, pg, vec) == 0;
        if (judge(r, HSC_MSPACE_BASE_4, mapped,
                  "destroy of with-base mspace #%u unmapped the base", op->dst)) {
            /* still writable: write and read back one byte of every page */
            volatile unsigned char *b = s->map + GUARD;
            bool ok = true;
            for (size_t k = 0; k < s->cap; k += pg) {
                b[k] = 0x5a;
                ok = ok && b[k] == 0x5a;
            }
            judge(r, HSC_MSPACE_BASE_4, ok, "the base of mspace #%u is not writable after destroy",
                  op->dst);
            judge(r, HSC_MSPACE_BASE_3, guards_intact(s),
                  "destroy of mspace #%u wrote outside [base, base+%zu)", op->dst, s->cap);
            munmap(s->map, s->maplen);
        }
    }
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ blocks */

/* A fresh non-NULL block p of n bytes for id in space sid: alignment,
 * range (with a base), usable size, disjointness; then patterned. */
static bool admit(struct run *r, uint32_t id, uint32_t sid, void *p, uint64_t n, uint64_t align,
                  int align_clause)
{
    struct obj *s = &r->o[sid];
    uintptr_t a = (uintptr_t)p;
    if (align_clause >= 0 &&
        !judge(r, align_clause, a % align == 0, "%p (%llu bytes) is not aligned to %llu", p,
               (unsigned long long)n, (unsigned long long)align))
        return false;
    size_t u = r->ops.usable_size(r->run.ctx, s->ms, p);
    if (!judge(r, HSC_MSPACE_USABLE_1, u >= n && u - n <= ((uint64_t)1 << 40),
               "usable size %zu for %p, requested %llu bytes", u, p, (unsigned long long)n))
        return false;
    if (s->map != NULL) {
        uintptr_t lo = (uintptr_t)(s->map + GUARD), hi = lo + s->cap;
        if (!judge(r, HSC_MSPACE_BASE_2, a >= lo && a <= hi && u <= hi - a,
                   "block %p (+%zu usable) of mspace #%u is outside its base [%p, +%zu)", p, u,
                   sid, (void *)lo, s->cap))
            return false;
    }
    uint64_t e = u > n ? u : n;
    if (e == 0)
        e = 1;
    uint32_t pred, succ;
    hst_iset_neighbours(&r->set, a, &pred, &succ);
    if (pred) {
        const struct obj *q = &r->o[pred - 1];
        if (!judge(r, HSC_MSPACE_DISJOINT_1, q->p + (q->size ? q->size : 1) <= a,
                   "new block %p (%llu bytes) overlaps live block #%u [%p, +%llu)", p,
                   (unsigned long long)n, pred - 1, (void *)q->p, (unsigned long long)q->size))
            return false;
        if (!judge(r, HSC_MSPACE_DISJOINT_2, q->p + fill_extent(q) <= a,
                   "usable extent of live block #%u [%p, +%llu) reaches new block %p", pred - 1,
                   (void *)q->p, (unsigned long long)fill_extent(q), p))
            return false;
    }
    if (succ) {
        const struct obj *q = &r->o[succ - 1];
        if (!judge(r, HSC_MSPACE_DISJOINT_1, a + (n ? n : 1) <= q->p,
                   "new block %p (%llu bytes) overlaps live block #%u at %p", p,
                   (unsigned long long)n, succ - 1, (void *)q->p))
            return false;
        if (!judge(r, HSC_MSPACE_DISJOINT_2, a + e <= q->p,
                   "usable extent of new block %p (+%llu) reaches live block #%u at %p", p,
                   (unsigned long long)e, succ - 1, (void *)q->p))
            return false;
    }
    struct obj *b = &r->o[id];
    b->kind = OBJ_BLOCK;
    b->p = a;
    b->size = n;
    b->usable = u;
    b->space = sid;
    r->rng = hst_mix(r->rng + id);
    b->seed = r->rng;
    hst_iset_insert(&r->set, id, r->o[id].p);
    s->live++;
    s->live_usable += u;
    s->live_bytes += n;
    r->live_all += n;
    if (r->live_all > r->peak_live)
        r->peak_live = r->live_all;
    b->filled = u;
    fill_block(b, 0, u);
    size_t probe = u < 256 ? u : 256u;
    size_t off = hst_verify(p, 0, probe, b->seed);
    if (off == SIZE_MAX && u > 256)
        off = hst_verify(p, u - 256u, u, b->seed);
    return judge(r, HSC_MSPACE_INTEGRITY_2, off == SIZE_MAX,
                 "block %p does not read back what was written (offset %zu)", p, off);
}

static void forget(struct run *r, uint32_t id)
{
    struct obj *b = &r->o[id];
    struct obj *s = &r->o[b->space];
    hst_iset_remove(&r->set, id);
    s->live--;
    s->live_usable -= b->usable;
    s->live_bytes -= b->size;
    r->live_all -= b->size;
    memset(b, 0, sizeof *b);
}

/* FAULT-2: after a refused request the subject's walker passes and every
 * live block of the mspace is intact. */
static void after_refusal(struct run *r, uint32_t sid)
{
    verify_tree(r, r->set.root, sid, HSC_MSPACE_FAULT_2, "after a refused request");
    if (HS_HAS_FIELD(r->subj, struct hs_subject, check) && r->subj->check != NULL) {
        char msg[256] = "";
        int rc = r->subj->check(r->run.ctx, msg, sizeof msg);
        msg[sizeof msg - 1] = '\0';
        judge(r, HSC_MSPACE_FAULT_2, rc == 0, "the subject's walker fails after a refused request: %s",
              msg);
    }
}

/* A NULL answer for an ordinary request of n bytes from s. */
static void on_null(struct run *r, struct obj *s, uint32_t sid, uint64_t n, bool plain)
{
    if (s->limit != SIZE_MAX) {
        if (n > s->refused)
            s->refused = n;
        after_refusal(r, sid);
        return;
    }
    if (plain && s->live == 0 && s->max_served && n <= s->max_served)
        judge(r, HSC_MSPACE_FREE_2, false,
              "mspace #%u has no live block but refused %llu bytes (it served %llu before)", sid,
              (unsigned long long)n, (unsigned long long)s->max_served);
    if (plain && s->refused && n <= s->refused && s->map == NULL && n <= FAULT3_MAX)
        judge(r, HSC_MSPACE_FAULT_3, false,
              "mspace #%u refused %llu bytes after its limit was raised back to SIZE_MAX", sid,
              (unsigned long long)n);
}

/* FAULT-1: under a limit at or below the footprint, more than the
 * footprint cannot be served. */
static bool must_refuse(const struct obj *s, uint64_t n)
{
    return s->limit != SIZE_MAX && s->limit <= s->fp && n > s->fp;
}

static void op_alloc(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->src);
    if (s == NULL || !id_free(r, op->dst))
        return;
    uint32_t sid = op->src;
    uint64_t n = op->a, align = 0;
    int align_clause = -1;
    bool ovf = false, plain = true;
    void *p;
    uint64_t fp0 = s->fp;
    if (op->kind == MSO_MALLOC) {
        p = r->ops.malloc(r->run.ctx, s->ms, (size_t)n);
    } else if (op->kind == MSO_CALLOC) {
        ovf = __builtin_mul_overflow(op->a, op->b, &n);
        p = r->ops.calloc(r->run.ctx, s->ms, (size_t)op->a, (size_t)op->b);
    } else {
        n = op->b;
        plain = false;
        align = ceil_pow2(op->a);
        align_clause = is_pow2(op->a) ? HSC_MSPACE_ALIGN_2 : HSC_MSPACE_ALIGN_3;
        p = r->ops.memalign(r->run.ctx, s->ms, (size_t)op->a, (size_t)op->b);
    }
    if (ovf) {
        judge(r, HSC_MSPACE_CALLOC_2, p == NULL,
              "calloc(%llu, %llu) overflows size_t but returned %p", (unsigned long long)op->a,
              (unsigned long long)op->b, p);
        post(r, s, sid);
        return;
    }
    if (n > PTRDIFF_MAX || (align > 1 && n > PTRDIFF_MAX - align)) {
        judge(r, HSC_MSPACE_HUGE_1, p == NULL, "a request of 0x%llx bytes returned %p",
              (unsigned long long)n, p);
        post(r, s, sid);
        if (p == NULL)
            judge(r, HSC_MSPACE_HUGE_1, s->fp == fp0,
                  "a refused huge request changed the footprint from %llu to %llu",
                  (unsigned long long)fp0, (unsigned long long)s->fp);
        return;
    }
    bool refuse = must_refuse(s, n);
    if (refuse && !judge(r, HSC_MSPACE_FAULT_1, p == NULL,
                         "mspace #%u served %llu bytes under limit %llu with footprint %llu", sid,
                         (unsigned long long)n, (unsigned long long)s->limit,
                         (unsigned long long)s->fp)) {
        post(r, s, sid);
        return;
    }
    if (n == 0 && op->kind == MSO_MALLOC && !r->zero_seen) {
        r->zero_seen = true;
        hst_branch(r->run.sink, HSC_MSPACE_USABLE_2,
                   p ? "malloc(0) returns a minimum block" : "malloc(0) returns NULL");
    }
    if (p == NULL) {
        post(r, s, sid);
        on_null(r, s, sid, n, plain);
        return;
    }
    if (op->kind == MSO_CALLOC) {
        const unsigned char *c = p;
        size_t bad = hst_first_not(p, n <= FULL_FILL_LIMIT ? (size_t)n : EDGE_FILL, 0);
        if (!judge(r, HSC_MSPACE_CALLOC_1, bad == SIZE_MAX,
                   "calloc(%llu, %llu) = %p: byte %zu is 0x%02x, not zero",
                   (unsigned long long)op->a, (unsigned long long)op->b, p, bad,
                   bad == SIZE_MAX ? 0 : c[bad])) {
            post(r, s, sid);
            return;
        }
    }
    if (align_clause < 0 && n > 0) {
        uint64_t want = floor_pow2(n);
        if (want > _Alignof(max_align_t))
            want = _Alignof(max_align_t);
        align = want;
        align_clause = HSC_MSPACE_ALIGN_1;
    }
    if (plain && s->limit == SIZE_MAX) {
        if (s->live == 0 && s->max_served && n <= s->max_served)
            r->run.sink->checks[HSC_MSPACE_FREE_2]++;
        if (s->refused && n <= s->refused && s->map == NULL && n <= FAULT3_MAX)
            r->run.sink->checks[HSC_MSPACE_FAULT_3]++;
    }
    if (admit(r, op->dst, sid, p, n, align, align_clause) && plain && s->limit == SIZE_MAX &&
        n > s->max_served)
        s->max_served = n;
    post(r, s, sid);
}

static void op_free(struct run *r, const struct hst_op *op)
{
    struct obj *b = block_of(r, op->dst);
    if (b == NULL)
        return;
    uint32_t sid = b->space;
    struct obj *s = &r->o[sid];
    if (b->filled && !check_contents(r, op->dst, HSC_MSPACE_INTEGRITY_1, "before free"))
        return;
    void *p = (void *)b->p;
    forget(r, op->dst);
    r->ops.free(r->run.ctx, s->ms, p);
    post(r, s, sid);
}

static void op_free_null(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    uint64_t fp0 = s->fp;
    r->ops.free(r->run.ctx, s->ms, NULL);
    post(r, s, op->dst);
    judge(r, HSC_MSPACE_FREE_1, s->fp == fp0, "free(NULL) changed the footprint from %llu to %llu",
          (unsigned long long)fp0, (unsigned long long)s->fp);
}

static void op_realloc(struct run *r, const struct hst_op *op)
{
    struct obj *src = block_of(r, op->src);
    if (src == NULL || (op->dst != op->src && !id_free(r, op->dst)))
        return;
    uint32_t sid = src->space;
    struct obj *s = &r->o[sid];
    uint64_t n = op->a;
    if (src->filled && !check_contents(r, op->src, HSC_MSPACE_INTEGRITY_1, "before realloc"))
        return;
    void *old = (void *)src->p;
    uint64_t fp0 = s->fp;
    bool refuse = must_refuse(s, n);
    void *p = r->ops.realloc(r->run.ctx, s->ms, old, (size_t)n);
    if (refuse && p == NULL)
        r->run.sink->checks[HSC_MSPACE_FAULT_1]++;
    if (p == NULL) {
        post(r, s, sid);
        if (n > PTRDIFF_MAX)
            judge(r, HSC_MSPACE_HUGE_1, s->fp == fp0,
                  "a refused huge realloc changed the footprint from %llu to %llu",
                  (unsigned long long)fp0, (unsigned long long)s->fp);
        check_contents(r, op->src, HSC_MSPACE_REALLOC_2, "after a failed realloc");
        if (n <= PTRDIFF_MAX)
            on_null(r, s, sid, n, false);
        return;
    }
    if (!judge(r, HSC_MSPACE_HUGE_1, n <= PTRDIFF_MAX, "realloc to 0x%llx bytes returned %p",
               (unsigned long long)n, p) ||
        (refuse && !judge(r, HSC_MSPACE_FAULT_1, false,
                          "mspace #%u served a realloc to %llu bytes under limit %llu with "
                          "footprint %llu",
                          sid, (unsigned long long)n, (unsigned long long)s->limit,
                          (unsigned long long)s->fp))) {
        post(r, s, sid);
        return;
    }
    struct obj saved = *src;
    forget(r, op->src);
    uint64_t keep = saved.size < n ? saved.size : n;
    size_t off = verify_range(&saved, (uintptr_t)p, keep);
    if (judge(r, HSC_MSPACE_REALLOC_1, off == SIZE_MAX,
              "realloc(%p, %llu) = %p lost the old contents at offset %zu (kept %llu bytes)", old,
              (unsigned long long)n, p, off, (unsigned long long)keep)) {
        uint64_t want = floor_pow2(n ? n : 1);
        if (want > _Alignof(max_align_t))
            want = _Alignof(max_align_t);
        admit(r, op->dst, sid, p, n, want, HSC_MSPACE_ALIGN_1);
    }
    post(r, s, sid);
}

static void op_in_place(struct run *r, const struct hst_op *op)
{
    struct obj *b = block_of(r, op->dst);
    if (b == NULL || !has(r, HS_MSPACE_CAP_REALLOC_IN_PLACE, (const void *)r->ops.realloc_in_place,
                          HSC_MSPACE_INPLACE_1)) {
        if (b != NULL)
            skip_once(r, HSC_MSPACE_INPLACE_2, "capability not offered by the subject");
        return;
    }
    uint32_t sid = b->space, id = op->dst;
    struct obj *s = &r->o[sid];
    uint64_t n = op->a;
    void *old = (void *)b->p;
    void *p = r->ops.realloc_in_place(r->run.ctx, s->ms, old, (size_t)n);
    if (!judge(r, HSC_MSPACE_INPLACE_1, p == NULL || p == old,
               "realloc_in_place(%p, %llu) returned another pointer %p", old,
               (unsigned long long)n, p)) {
        post(r, s, sid);
        return;
    }
    size_t u = r->ops.usable_size(r->run.ctx, s->ms, old);
    if (p == NULL) {
        judge(r, HSC_MSPACE_INPLACE_2, u == b->usable,
              "a refused realloc_in_place(%p, %llu) changed the usable size from %llu to %zu", old,
              (unsigned long long)n, (unsigned long long)b->usable, u);
        check_contents(r, id, HSC_MSPACE_INPLACE_2, "after a refused realloc_in_place");
        post(r, s, sid);
        return;
    }
    if (!judge(r, HSC_MSPACE_INPLACE_2, u >= n, "realloc_in_place(%p, %llu) left usable size %zu",
               old, (unsigned long long)n, u)) {
        post(r, s, sid);
        return;
    }
    uint64_t keep = b->size < n ? b->size : n;
    if (keep > b->filled)
        keep = b->filled;
    size_t off = verify_range(b, b->p, keep);
    if (!judge(r, HSC_MSPACE_INPLACE_2, off == SIZE_MAX,
               "realloc_in_place(%p, %llu) lost contents at offset %zu", old,
               (unsigned long long)n, off)) {
        post(r, s, sid);
        return;
    }
    /* the block keeps its id with the new sizes; its pattern is redone */
    forget(r, id);
    admit(r, id, sid, p, n, 0, -1);
    post(r, s, sid);
}

static void op_usable(struct run *r, const struct hst_op *op)
{
    struct obj *b = block_of(r, op->dst);
    if (b == NULL)
        return;
    size_t u = r->ops.usable_size(r->run.ctx, r->o[b->space].ms, (void *)b->p);
    judge(r, HSC_MSPACE_USABLE_1, u >= b->size, "usable_size(%p) = %zu, less than %llu requested",
          (void *)b->p, u, (unsigned long long)b->size);
}

/* bulk_free #s LO HI: the live blocks with ids in [LO, HI], of any mspace,
 * with a NULL entry after each; those of #s must go, the others stay. */
static void op_bulk(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    if (!has(r, HS_MSPACE_CAP_BULK_FREE, (const void *)r->ops.bulk_free, HSC_MSPACE_BULK_1)) {
        skip_once(r, HSC_MSPACE_BULK_2, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_BULK_3, "capability not offered by the subject");
        return;
    }
    uint32_t sid = op->dst;
    uint64_t lo = op->a, hi = op->b > HST_MAX_ID ? HST_MAX_ID : op->b;
    size_t n = 0, nids = 0, foreign = 0;
    for (uint64_t id = lo; id <= hi; id++) {
        struct obj *b = block_of(r, (uint32_t)id);
        if (b == NULL)
            continue;
        if (b->filled && !check_contents(r, (uint32_t)id, HSC_MSPACE_INTEGRITY_1, "before bulk_free"))
            return;
        r->ids[nids++] = (uint32_t)id;
        r->arr[n++] = (void *)b->p;
        r->arr[n++] = NULL;
        if (b->space != sid)
            foreign++;
    }
    size_t got = r->ops.bulk_free(r->run.ctx, s->ms, r->arr, n);
    bool ok1 = true, ok3 = true;
    for (size_t k = 0; k < nids; k++) {
        uint32_t id = r->ids[k];
        struct obj *b = &r->o[id];
        void *e = r->arr[2 * k], *z = r->arr[2 * k + 1];
        if (z != NULL && ok3)
            ok3 = judge(r, HSC_MSPACE_BULK_3, false, "bulk_free changed a NULL entry to %p", z);
        if (b->space == sid) {
            if (ok1)
                ok1 = judge(r, HSC_MSPACE_BULK_1, e == NULL,
                            "bulk_free left entry %zu (block #%u of mspace #%u) as %p", 2 * k, id,
                            sid, e);
            forget(r, id);
        } else {
            if (ok3)
                ok3 = judge(r, HSC_MSPACE_BULK_3, e == (void *)b->p,
                            "bulk_free on mspace #%u changed the entry of block #%u of mspace #%u "
                            "to %p",
                            sid, id, b->space, e) &&
                      (!b->filled ||
                       check_contents(r, id, HSC_MSPACE_BULK_3, "after bulk_free of another mspace"));
        }
    }
    judge(r, HSC_MSPACE_BULK_2, got == foreign,
          "bulk_free of %zu entries (%zu of another mspace) returned %zu", nids, foreign, got);
    post(r, s, sid);
}

static void op_trim(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL || !has(r, HS_MSPACE_CAP_TRIM, (const void *)r->ops.trim, HSC_MSPACE_TRIM_1))
        return;
    post(r, s, op->dst);
    uint64_t fp0 = s->fp;
    int rc = r->ops.trim(r->run.ctx, s->ms, (size_t)op->a);
    post(r, s, op->dst);
    judge(r, HSC_MSPACE_TRIM_1, (rc == 1) == (s->fp < fp0) && (rc == 0 || rc == 1),
          "trim(%llu) returned %d; the footprint went from %llu to %llu",
          (unsigned long long)op->a, rc, (unsigned long long)fp0, (unsigned long long)s->fp);
    verify_tree(r, r->set.root, op->dst, HSC_MSPACE_INTEGRITY_1, "after trim");
}

static void op_set_limit(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    if (!has(r, HS_MSPACE_CAP_FOOTPRINT_LIMIT, (const void *)r->ops.set_footprint_limit,
             HSC_MSPACE_LIMIT_2) ||
        r->ops.footprint_limit == NULL) {
        skip_once(r, HSC_MSPACE_LIMIT_1, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_LIMIT_3, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_LIMIT_4, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_FAULT_1, "capability not offered by the subject");
        return;
    }
    post(r, s, op->dst);
    uint64_t fp0 = s->fp, want = op->a, pg = hst_page_size();
    size_t got = r->ops.set_footprint_limit(r->run.ctx, s->ms, (size_t)want);
    uint64_t expect = want == SIZE_MAX ? SIZE_MAX
                      : want > SIZE_MAX - pg ? SIZE_MAX
                                             : (want + pg - 1) / pg * pg;
    bool ok = want == SIZE_MAX ? got == SIZE_MAX
              : want > SIZE_MAX - pg ? got >= want
                                     : got == expect;
    judge(r, HSC_MSPACE_LIMIT_2, ok, "set_footprint_limit(%llu) returned %zu, expected %llu",
          (unsigned long long)want, got, (unsigned long long)expect);
    size_t l = r->ops.footprint_limit(r->run.ctx, s->ms);
    judge(r, HSC_MSPACE_LIMIT_1, l == got,
          "footprint_limit is %zu after set_footprint_limit returned %zu", l, got);
    s->limit = got;
    post(r, s, op->dst);
    judge(r, HSC_MSPACE_LIMIT_3, s->fp == fp0,
          "set_footprint_limit(%llu) changed the footprint from %llu to %llu",
          (unsigned long long)want, (unsigned long long)fp0, (unsigned long long)s->fp);
}

static void op_footprint(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    post(r, s, op->dst);
    if ((r->ops.caps & HS_MSPACE_CAP_FOOTPRINT_LIMIT) && r->ops.footprint_limit != NULL) {
        size_t l = r->ops.footprint_limit(r->run.ctx, s->ms);
        judge(r, HSC_MSPACE_LIMIT_1, l == s->limit, "footprint_limit is %zu, last set %llu", l,
              (unsigned long long)s->limit);
    }
}

/* ------------------------------------------------------------ inspect */

static void collect(void *start, void *end, size_t used, void *arg)
{
    struct run *r = arg;
    if (r->nreg >= MAX_REGIONS) {
        r->reg_overflow = true;
        return;
    }
    r->reg[r->nreg].start = (uintptr_t)start;
    r->reg[r->nreg].end = (uintptr_t)end;
    r->reg[r->nreg].used = used;
    r->nreg++;
}

/* Shell sort (no process malloc, unlike qsort); usually already sorted. */
static void sort_regions(struct region *a, size_t n)
{
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = a[i - 1].start <= a[i].start;
    if (sorted)
        return;
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++) {
            struct region t = a[i];
            size_t j = i;
            for (; j >= gap && a[j - gap].start > t.start; j -= gap)
                a[j] = a[j - gap];
            a[j] = t;
        }
}

static void list_blocks(struct run *r, uint32_t t, uint32_t sid, size_t *n)
{
    while (t) {
        list_blocks(r, r->set.n[t - 1].left, sid, n);
        if (r->o[t - 1].space == sid)
            r->ids[(*n)++] = t - 1;
        t = r->set.n[t - 1].right;
    }
}

static void op_inspect(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL)
        return;
    if (!has(r, HS_MSPACE_CAP_INSPECT, (const void *)r->ops.inspect_all, HSC_MSPACE_INSPECT_1)) {
        skip_once(r, HSC_MSPACE_INSPECT_2, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_INSPECT_3, "capability not offered by the subject");
        skip_once(r, HSC_MSPACE_INSPECT_4, "capability not offered by the subject");
        return;
    }
    uint32_t sid = op->dst;
    r->nreg = 0;
    r->reg_overflow = false;
    r->ops.inspect_all(r->run.ctx, s->ms, collect, r);
    if (r->reg_overflow)
        return; /* more regions than the engine collects: judged nothing */
    sort_regions(r->reg, r->nreg);
    uint64_t total = 0;
    for (size_t i = 0; i < r->nreg; i++) {
        const struct region *g = &r->reg[i];
        if (!judge(r, HSC_MSPACE_INSPECT_1, g->start < g->end,
                   "region %zu [%p, %p) is empty or reversed", i, (void *)g->start, (void *)g->end))
            return;
        if (i > 0 && !judge(r, HSC_MSPACE_INSPECT_1, r->reg[i - 1].end <= g->start,
                            "regions [%p, %p) and [%p, %p) overlap", (void *)r->reg[i - 1].start,
                            (void *)r->reg[i - 1].end, (void *)g->start, (void *)g->end))
            return;
        total += g->end - g->start;
        if (s->map != NULL) {
            uintptr_t lo = (uintptr_t)(s->map + GUARD), hi = lo + s->cap;
            if (!judge(r, HSC_MSPACE_INSPECT_4, g->start >= lo && g->end <= hi,
                       "region [%p, %p) is outside the base [%p, +%zu)", (void *)g->start,
                       (void *)g->end, (void *)lo, s->cap))
                return;
        }
    }
    post(r, s, sid);
    judge(r, HSC_MSPACE_INSPECT_4, total <= s->fp,
          "regions of mspace #%u cover %llu bytes, more than its footprint %llu", sid,
          (unsigned long long)total, (unsigned long long)s->fp);
    /* Walk blocks (address order) against regions (address order). */
    size_t nb = 0;
    list_blocks(r, r->set.root, sid, &nb);
    size_t i = 0, used_regions = 0;
    for (size_t k = 0; k < r->nreg; k++)
        used_regions += r->reg[k].used != 0;
    for (size_t k = 0; k < nb; k++) {
        const struct obj *b = &r->o[r->ids[k]];
        uintptr_t bs = b->p, be = b->p + (b->size ? b->size : 1);
        while (i < r->nreg && r->reg[i].end <= bs)
            i++;
        if (!judge(r, HSC_MSPACE_INSPECT_2, i < r->nreg && r->reg[i].start <= bs,
                   "live block #%u at %p is in no region", r->ids[k], (void *)bs))
            return;
        const struct region *g = &r->reg[i];
        if (!judge(r, HSC_MSPACE_INSPECT_3, g->used != 0,
                   "live block #%u at %p is inside region [%p, %p) reported free", r->ids[k],
                   (void *)bs, (void *)g->start, (void *)g->end))
            return;
        if (!judge(r, HSC_MSPACE_INSPECT_2, be <= g->end && g->used >= b->size,
                   "live block #%u [%p, +%llu) is not within region [%p, %p) of used_bytes %llu",
                   r->ids[k], (void *)bs, (unsigned long long)b->size, (void *)g->start,
                   (void *)g->end, (unsigned long long)g->used))
            return;
        if (k + 1 < nb &&
            !judge(r, HSC_MSPACE_INSPECT_2, r->o[r->ids[k + 1]].p >= g->end,
                   "region [%p, %p) holds two live blocks (#%u and #%u)", (void *)g->start,
                   (void *)g->end, r->ids[k], r->ids[k + 1]))
            return;
    }
    judge(r, HSC_MSPACE_INSPECT_2, used_regions == nb,
          "mspace #%u reports %zu regions in use for %zu live blocks", sid, used_regions, nb);
}

static void op_mallinfo(struct run *r, const struct hst_op *op)
{
    struct obj *s = space_of(r, op->dst);
    if (s == NULL ||
        !has(r, HS_MSPACE_CAP_MALLINFO, (const void *)r->ops.mallinfo, HSC_MSPACE_MALLINFO_1))
        return;
    struct hs_mallinfo mi;
    memset(&mi, 0, sizeof mi);
    mi.struct_size = sizeof mi;
    mi.version = HS_MALLINFO_VERSION;
    int rc = r->ops.mallinfo(r->run.ctx, s->ms, &mi);
    post(r, s, op->dst);
    judge(r, HSC_MSPACE_MALLINFO_1,
          rc == 0 && mi.arena == s->fp && mi.max_footprint == s->maxfp &&
              mi.used_bytes >= s->live_bytes && mi.used_bytes <= mi.arena &&
              mi.free_bytes <= mi.arena - mi.used_bytes && mi.top_bytes <= mi.free_bytes,
          "mallinfo of mspace #%u: rc %d, arena %llu (footprint %llu), max_footprint %llu (%llu), "
          "used %llu (live %llu), free %llu, top %llu",
          op->dst, rc, (unsigned long long)mi.arena, (unsigned long long)s->fp,
          (unsigned long long)mi.max_footprint, (unsigned long long)s->maxfp,
          (unsigned long long)mi.used_bytes, (unsigned long long)s->live_bytes,
          (unsigned long long)mi.free_bytes, (unsigned long long)mi.top_bytes);
}

/* ------------------------------------------------------------ run */

static bool mspace_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, mspace_ops);
}

static int mspace_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    switch (op->kind) {
    case MSO_CREATE: case MSO_CREATE_WITH_BASE: op_create(r, op); break;
    case MSO_DESTROY: op_destroy(r, op); break;
    case MSO_MALLOC: case MSO_CALLOC: case MSO_MEMALIGN: op_alloc(r, op); break;
    case MSO_REALLOC: op_realloc(r, op); break;
    case MSO_REALLOC_IN_PLACE: op_in_place(r, op); break;
    case MSO_FREE: op_free(r, op); break;
    case MSO_FREE_NULL: op_free_null(r, op); break;
    case MSO_USABLE_SIZE: op_usable(r, op); break;
    case MSO_BULK_FREE: op_bulk(r, op); break;
    case MSO_TRIM: op_trim(r, op); break;
    case MSO_FOOTPRINT: op_footprint(r, op); break;
    case MSO_SET_LIMIT: op_set_limit(r, op); break;
    case MSO_INSPECT: op_inspect(r, op); break;
    case MSO_MALLINFO: op_mallinfo(r, op); break;
    case MSO_VERIFY: verify_tree(r, r->set.root, HST_NULL_ID, HSC_MSPACE_INTEGRITY_1,
                                 "at a verify step"); break;
    default: break;
    }
    return 0;
}

static void mspace_finish(struct hst_run *run)
{
    struct run *r = (struct run *)run;
    verify_tree(r, r->set.root, HST_NULL_ID, HSC_MSPACE_INTEGRITY_1, "at the end of the trace");
}

/* No end hook: mspace_run ends the with-base mspaces itself, as their guards
 * are looked at even in a subject already found broken. */
static const struct hst_run_hooks mspace_hooks = {mspace_step, mspace_finish, NULL};

static int mspace_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                      struct hst_sink *sink, struct hst_arena *arena)
{
    struct run *r = hst_run_alloc(sizeof *r, ctx, cs, sink, arena);
    if (r == NULL || !mspace_offered(subj))
        return -1;
    r->subj = subj;
    const struct hs_mspace_ops *src = subj->mspace_ops;
    hst_copy_table(&r->ops, sizeof r->ops, src); /* fields past its struct_size stay NULL */
    r->opened_limit = cs->footprint_limit;
    r->rng = 0x13198a2e03707344ull;
    r->o = hst_arena_alloc(arena, sizeof(struct obj) * (HST_MAX_ID + 1u));
    r->reg = hst_arena_alloc(arena, sizeof(struct region) * MAX_REGIONS);
    r->ids = hst_arena_alloc(arena, sizeof(uint32_t) * (HST_MAX_ID + 1u));
    r->arr = hst_arena_alloc(arena, sizeof(void *) * 2u * (HST_MAX_ID + 1u));
    r->set.n = hst_arena_alloc(arena, sizeof(struct hst_inode) * (HST_MAX_ID + 1u));
    r->set.rng = 0x3707344a4093822full;
    if (r->set.n == NULL || r->o == NULL || r->reg == NULL || r->ids == NULL || r->arr == NULL)
        return -1;
    /* The core functions are required: without them nothing can be judged. */
    const void *core[] = {(const void *)r->ops.destroy, (const void *)r->ops.malloc,
                          (const void *)r->ops.free, (const void *)r->ops.calloc,
                          (const void *)r->ops.realloc, (const void *)r->ops.memalign,
                          (const void *)r->ops.usable_size, (const void *)r->ops.footprint,
                          (const void *)r->ops.max_footprint};
    for (size_t k = 0; k < sizeof core / sizeof core[0]; k++)
        if (core[k] == NULL) {
            hst_judge(sink, cs->nclauses ? cs->clauses[0] : HSC_MSPACE_SELFCHECK_1, 1, false,
                      "the subject's mspace table lacks a core function (slot %zu)", k);
            return 0;
        }
    if (hst_run_trace(&r->run, &mspace_hooks) != 0)
        return -1;
    /* The mspaces the subject owns stay for its own walker (selfcheck) and
     * close(). The with-base ones are destroyed here, judged as a destroy op
     * (BASE-3/4, DESTROY-1), and their base memory unmapped: the checker's
     * mapping must not outlive the run (a fuzzer runs many in one process).
     * Into a subject already found broken, only the guards are looked at. */
    for (uint32_t id = 0; id < r->run.idn; id++) {
        if (r->o[id].kind != OBJ_SPACE || r->o[id].map == NULL)
            continue;
        if (sink->failed) {
            judge(r, HSC_MSPACE_BASE_3, guards_intact(&r->o[id]),
                  "mspace #%u wrote outside [base, base+%zu)", id, r->o[id].cap);
            continue;
        }
        struct hst_op end = {.kind = MSO_DESTROY, .dst = id, .src = HST_NULL_ID};
        op_destroy(r, &end);
    }
    if (r->peak_live >= 4096)
        hst_figure(sink, HSC_MSPACE_FOOT_3, (double)r->peak_fp / (double)r->peak_live,
                   "peak footprint / peak live bytes");
    return 0;
}

const struct hst_family hst_mspace_family = {
    "mspace", mspace_grammar, sizeof mspace_grammar / sizeof mspace_grammar[0], mspace_run,
    mspace_offered, HSC_MSPACE_SELFCHECK_1,
};
