/* buddy_check.c — the buddy family's checker: runs a trace against a
 * subject's struct hs_buddy_ops and judges every step against a shadow set
 * of live blocks.
 *
 * Grammar (conformance/corpus/buddy/NAME.trace, `family buddy`):
 *
 *   create #b MIN MAX        create(MIN, MAX): offsets [0, 2^MAX)
 *   destroy #b
 *   alloc #k #b SIZE         alloc(SIZE) on #b; the block is #k
 *   alloc_order #k #b ORDER  alloc_order(ORDER) on #b; the block is #k
 *   free #k                  free(#k's offset)
 *   refree #k                free(#k's offset) again after #k was freed
 *   free_at #b OFFSET        free(OFFSET): valid or not, the shadow knows
 *   size_at #b OFFSET        block_size(OFFSET)
 *   free_all #b              frees every live block of #b, in address order
 *   churn #b SEED COUNT      COUNT seeded random allocs, frees, invalid frees
 *                            and block_size queries (at most 48 blocks live)
 *
 * The shadow. Per allocator, the live blocks sorted by offset:
 *
 *     0                                                        2^MAX
 *     [==A==]....[=B=]..............[====C====]................|
 *            gap        gap                      gap
 *
 * A binary buddy that merges every free pair (clause BUDDY-MERGE-1) has as
 * its free blocks exactly the maximal aligned power-of-two blocks inside the
 * gaps: each gap [a, b) splits greedily into blocks of size lowbit(x) (cut
 * down to fit) from x = a. So the shadow knows, after every step,
 *   free_bytes   = 2^MAX - sum of live sizes            (BUDDY-ACCOUNT-1)
 *   largest_free = the largest block of that decomposition (BUDDY-MERGE-1)
 *   an alloc of rounded size s fits iff largest_free >= s (BUDDY-ALLOC-3)
 * and both counters are compared with the subject's after every mutation.
 *
 * After a violation on an allocator its shadow no longer describes it:
 * later operations on it are not judged. Offsets from the subject are
 * validated before they index anything. No process malloc: arena only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hs_internal.h"

enum buddy_op_kind {
    BO_CREATE = 1,
    BO_DESTROY,
    BO_ALLOC,
    BO_ALLOC_ORDER,
    BO_FREE,
    BO_REFREE,
    BO_FREE_AT,
    BO_SIZE_AT,
    BO_FREE_ALL,
    BO_CHURN,
};

static const struct hst_opdesc buddy_ops_grammar[] = {
    {"create", BO_CREATE, 1, 2, false, NULL, 0},
    {"destroy", BO_DESTROY, 1, 0, false, NULL, 0},
    {"alloc", BO_ALLOC, 2, 1, false, NULL, 0},
    {"alloc_order", BO_ALLOC_ORDER, 2, 1, false, NULL, 0},
    {"free", BO_FREE, 1, 0, false, NULL, 0},
    {"refree", BO_REFREE, 1, 0, false, NULL, 0},
    {"free_at", BO_FREE_AT, 1, 1, false, NULL, 0},
    {"size_at", BO_SIZE_AT, 1, 1, false, NULL, 0},
    {"free_all", BO_FREE_ALL, 1, 0, false, NULL, 0},
    {"churn", BO_CHURN, 1, 2, false, NULL, 0},
};

#define SET_CAP 4096u       /* live blocks the shadow holds per allocator */
#define CHURN_LIVE 48u      /* live blocks a churn keeps at most */
#define NO_ID UINT32_MAX

struct sblk {
    uint64_t off, size;
    uint32_t id; /* block id (#k), or NO_ID for a churn block */
};

struct sbuddy {
    hs_buddy_t *h;
    uint32_t min, max;
    uint64_t unit, range; /* 2^min, 2^max */
    uint64_t used;        /* sum of the live sizes */
    struct sblk *set;     /* live blocks by offset */
    uint32_t n;
    uint32_t cap;         /* entries of set */
    uint64_t largest;     /* shadow_largest() of the set, when largest_ok, */
    uint32_t nlargest;    /* and how many gaps have a block that large */
    uint8_t live, bad, largest_ok;
};

struct bid {
    uint32_t b;  /* allocator id */
    uint64_t off;
    uint8_t live;
    uint8_t was; /* freed: b and off name where it was (for refree) */
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    struct hs_buddy_ops ops; /* zero-extended copy of the subject's table */
    struct sbuddy *bd; /* run.idn allocators: the ids the trace names */
    struct bid *bk;    /* run.idn blocks */
};

/* ------------------------------------------------------------ helpers */

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)

typedef unsigned long long ull;

/* Index of the first live block with offset >= off. */
static uint32_t set_lower(const struct sbuddy *g, uint64_t off)
{
    uint32_t lo = 0, hi = g->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->set[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the live block starting at off, or -1. */
static int64_t set_find(const struct sbuddy *g, uint64_t off)
{
    uint32_t i = set_lower(g, off);
    return i < g->n && g->set[i].off == off ? (int64_t)i : -1;
}

/* Largest block of the greedy aligned decomposition of [a, b) (a and b
 * multiples of the unit): the largest aligned power of two inside the gap,
 * since every aligned block inside it lies within one block of the
 * decomposition. With 2^k the top bit of b - a, that is 2^k when an aligned
 * 2^k fits, else 2^(k-1), which always does (b - a >= 2 * 2^(k-1)). O(1):
 * walking the decomposition block by block was a tenth of a buddy fuzz run
 * (the same answer for every gap of up to 2^11 units, and for 2*10^7 sampled
 * gaps of 2^40 bytes, checked when this replaced it). */
HST_NO_COVERAGE static uint64_t gap_largest(uint64_t a, uint64_t b)
{
    if (a >= b)
        return 0;
    uint64_t s = (uint64_t)1 << (63 - __builtin_clzll(b - a));
    uint64_t up = (a + s - 1) & ~(s - 1); /* the first multiple of s from a */
    return up <= b && b - up >= s ? s : s / 2;
}

/* The largest free block a fully merging buddy has now: the largest of its
 * gaps' (gap_largest), with the number of gaps that have it. Kept up to date
 * by the set's changes (largest_split, largest_merge) while they can tell;
 * recounted over all gaps when they cannot (the last gap with the largest
 * block was cut). Recounting after every change was a sixth of a buddy fuzz
 * run: every alloc, free and query is judged against it. */
HST_NO_COVERAGE static uint64_t shadow_largest(struct sbuddy *g)
{
    if (g->largest_ok)
        return g->largest;
    uint64_t best = 0, at = 0;
    uint32_t count = 0;
    for (uint32_t i = 0; i <= g->n; i++) {
        uint64_t end = i < g->n ? g->set[i].off : g->range;
        uint64_t l = gap_largest(at, end);
        if (l > best) {
            best = l;
            count = 0;
        }
        count += l == best;
        if (i < g->n)
            at = g->set[i].off + g->set[i].size;
    }
    g->largest = best;
    g->nlargest = count;
    g->largest_ok = 1;
    return g->largest;
}

/* The gap [a, b) is leaving the count (tell 0) or joining it (tell 1). */
HST_NO_COVERAGE static void largest_tell(struct sbuddy *g, uint64_t a, uint64_t b, int joins)
{
    uint64_t l = gap_largest(a, b);
    if (joins && l > g->largest) {
        g->largest = l;
        g->nlargest = 1;
    } else if (l == g->largest) {
        g->nlargest += joins ? 1u : (uint32_t)-1;
    }
}

/* The bounds of the gap before set entry i (i == n: the last gap). */
static uint64_t gap_start(const struct sbuddy *g, uint32_t i)
{
    return i > 0 ? g->set[i - 1].off + g->set[i - 1].size : 0;
}

static uint64_t gap_end(const struct sbuddy *g, uint32_t i)
{
    return i < g->n ? g->set[i].off : g->range;
}

/* A block [off, end) is about to enter the set at index i: the gap there
 * splits in two, both no larger than it. */
HST_NO_COVERAGE static void largest_split(struct sbuddy *g, uint32_t i, uint64_t off, uint64_t end)
{
    if (!g->largest_ok)
        return;
    uint64_t a = gap_start(g, i), b = gap_end(g, i);
    largest_tell(g, a, b, 0);
    largest_tell(g, a, off, 1);
    largest_tell(g, end, b, 1);
    g->largest_ok = g->nlargest > 0; /* else recounted when asked */
}

/* Set entry i is about to leave the set: its block and the gaps on both
 * sides become one gap, at least as large as either. */
HST_NO_COVERAGE static void largest_merge(struct sbuddy *g, uint32_t i)
{
    if (!g->largest_ok)
        return;
    uint64_t a = gap_start(g, i), b = gap_end(g, i + 1);
    uint64_t off = g->set[i].off, end = off + g->set[i].size;
    largest_tell(g, a, off, 0);
    largest_tell(g, end, b, 0);
    largest_tell(g, a, b, 1);
    g->largest_ok = g->nlargest > 0;
}

/* Size alloc(size) must hand out: a power of two >= unit (size <= range). */
static uint64_t rounded(const struct sbuddy *g, uint64_t size)
{
    uint64_t s = g->unit;
    while (s < size)
        s <<= 1;
    return s;
}

/* Is id one the trace names (so bd[id] and bk[id] exist)? */
static bool named(const struct run *r, uint32_t id)
{
    return id < r->run.idn;
}

static struct sbuddy *usable(struct run *r, uint32_t id)
{
    if (!named(r, id))
        return NULL;
    struct sbuddy *g = &r->bd[id];
    return g->live && !g->bad ? g : NULL;
}

/* largest_free against the shadow (MERGE-1). */
static bool check_largest(struct run *r, uint32_t id, struct sbuddy *g, const char *when)
{
    uint64_t want = g->range - g->used;
    uint64_t lf = r->ops.largest_free(r->run.ctx, g->h);
    uint64_t wl = shadow_largest(g);
    if (!judge(r, HSC_BUDDY_MERGE_1, lf == wl,
               "allocator #%u (orders %u..%u, %u blocks live, %llu bytes free): largest_free() "
               "is %llu, want %llu (the largest aligned block holding no live block) %s",
               id, g->min, g->max, g->n, (ull)want, (ull)lf, (ull)wl, when)) {
        g->bad = 1;
        return false;
    }
    return true;
}

/* After every mutation: free_bytes and largest_free against the shadow. */
static bool check_counters(struct run *r, uint32_t id, struct sbuddy *g, const char *when)
{
    uint64_t fb = r->ops.free_bytes(r->run.ctx, g->h);
    uint64_t want = g->range - g->used;
    if (!judge(r, HSC_BUDDY_ACCOUNT_1, fb == want,
               "allocator #%u (orders %u..%u, %u blocks live): free_bytes() is %llu, want %llu %s",
               id, g->min, g->max, g->n, (ull)fb, (ull)want, when)) {
        g->bad = 1;
        return false;
    }
    return check_largest(r, id, g, when);
}

static void forget_block(struct run *r, uint32_t k)
{
    if (!named(r, k) || !r->bk[k].live)
        return;
    struct sbuddy *g = &r->bd[r->bk[k].b];
    int64_t i = g->live ? set_find(g, r->bk[k].off) : -1;
    if (i >= 0 && g->set[i].id == k)
        g->set[i].id = NO_ID;
    memset(&r->bk[k], 0, sizeof r->bk[k]);
}

/* ------------------------------------------------------------ operations */

static void op_destroy(struct run *r, uint32_t id)
{
    struct sbuddy *g = &r->bd[id];
    if (!g->live)
        return;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->set[i].id != NO_ID)
            memset(&r->bk[g->set[i].id], 0, sizeof r->bk[0]);
    hs_buddy_t *h = g->h;
    struct sblk *set = g->set; /* the arena keeps it; reused by the next create */
    uint32_t cap = g->cap;
    memset(g, 0, sizeof *g);
    g->set = set;
    g->cap = cap;
    r->ops.destroy(r->run.ctx, h);
}

static void op_create(struct run *r, const struct hst_op *op)
{
    uint32_t id = op->dst;
    uint32_t mn = op->a > UINT32_MAX ? UINT32_MAX : (uint32_t)op->a;
    uint32_t mx = op->b > UINT32_MAX ? UINT32_MAX : (uint32_t)op->b;
    op_destroy(r, id);
    hs_buddy_t *const sentinel = (hs_buddy_t *)(uintptr_t)0x5e5e5e5e5e5e5e50ull;
    hs_buddy_t *h = sentinel;
    int rc = r->ops.create(r->run.ctx, mn, mx, &h);
    bool made = rc == 0 && h != sentinel && h != NULL;
    if (mn > mx || mx > 62) {
        judge(r, HSC_BUDDY_CREATE_1, rc == -EINVAL && h == sentinel,
              "create(min_order %u, max_order %u) returned %d%s, want -EINVAL and nothing made",
              mn, mx, rc, h != sentinel ? " and stored a handle" : "");
        if (made)
            r->ops.destroy(r->run.ctx, h);
        return;
    }
    bool must = mx <= 30 && mx - mn <= 12;
    if (must) {
        if (!judge(r, HSC_BUDDY_CREATE_2, made,
                   "create(min_order %u, max_order %u) returned %d, handle %p", mn, mx, rc,
                   (void *)h))
            return;
    } else {
        hst_branch(r->run.sink, HSC_BUDDY_CREATE_3, "orders %s: %s",
                   mx > 30 ? "max_order > 30" : "depth > 12",
                   rc == 0 ? "created" : rc == -ENOMEM ? "-ENOMEM"
                                       : rc == -EINVAL ? "-EINVAL" : "another error");
        if (!made)
            return;
    }
    struct sbuddy *g = &r->bd[id];
    /* An allocator of depth d has at most 2^d live blocks: a set of 2^d + 1
     * entries judges every alloc, the one that must fail included. Sized so,
     * the arena a run dirties stays small, and so does its reset. */
    uint32_t cap = mx - mn >= 12 ? SET_CAP : (1u << (mx - mn)) + 1u;
    if (g->set == NULL || g->cap < cap) {
        g->set = hst_arena_alloc(r->run.arena, sizeof(struct sblk) * cap);
        g->cap = cap;
    }
    if (g->set == NULL) {
        r->run.oom = true;
        r->ops.destroy(r->run.ctx, h);
        return;
    }
    g->h = h;
    g->min = mn;
    g->max = mx;
    g->unit = 1ull << mn;
    g->range = 1ull << mx;
    g->largest_ok = 0;
    g->live = 1;
    if (!must) {
        /* an I clause records, never fails: the counters are ACCOUNT/MERGE's */
        check_counters(r, id, g, "of a new allocator");
        return;
    }
    uint64_t fb = r->ops.free_bytes(r->run.ctx, h), lf = r->ops.largest_free(r->run.ctx, h);
    if (!judge(r, HSC_BUDDY_CREATE_2, fb == g->range && lf == g->range,
               "new allocator #%u (orders %u..%u): free_bytes %llu, largest_free %llu, want %llu "
               "for both",
               id, mn, mx, (ull)fb, (ull)lf, (ull)g->range))
        g->bad = 1;
}

/* An alloc of want bytes (want is the rounded size, 0 for size 0, or
 * UINT64_MAX for "more than the range"); k is the block id or NO_ID. */
static void do_alloc(struct run *r, uint32_t bid_, struct sbuddy *g, uint32_t k, bool by_order,
                     uint64_t arg, uint64_t want)
{
    const char *call = by_order ? "alloc_order" : "alloc";
    if (g->n == g->cap)
        return; /* the shadow is full: not performed */
    /* free_bytes before the call: the shadow's count, which check_counters
     * found equal to the subject's after the last change */
    uint64_t fb0 = g->range - g->used;
    uint64_t off = 0x5e5e5e5e5e5e5e5eull;
    int rc = by_order ? r->ops.alloc_order(r->run.ctx, g->h,
                                           arg > UINT32_MAX ? UINT32_MAX : (uint32_t)arg, &off)
                      : r->ops.alloc(r->run.ctx, g->h, arg, &off);
    if (want == 0 || want == UINT64_MAX) {
        bool ok = want == 0 ? rc == -EINVAL : by_order ? rc < 0 : rc == -ENOMEM;
        uint64_t fb = r->ops.free_bytes(r->run.ctx, g->h);
        if (!judge(r, HSC_BUDDY_ALLOC_2, ok && fb == fb0,
                   "%s(%llu) on allocator #%u (orders %u..%u) returned %d, want %s; free_bytes "
                   "%llu -> %llu",
                   call, (ull)arg, bid_, g->min, g->max, rc,
                   want == 0 ? "-EINVAL" : by_order ? "a negative errno" : "-ENOMEM", (ull)fb0,
                   (ull)fb))
            g->bad = 1;
        else if (rc == 0)
            g->bad = 1; /* a block the shadow does not know */
        return;
    }
    bool fits = shadow_largest(g) >= want;
    if (rc != 0) {
        uint64_t fb = r->ops.free_bytes(r->run.ctx, g->h);
        if (!judge(r, HSC_BUDDY_ALLOC_3, !fits && rc == -ENOMEM && fb == fb0,
                   "%s(%llu) on allocator #%u (orders %u..%u, %llu bytes free, largest aligned "
                   "free block %llu) returned %d, want %s; free_bytes %llu -> %llu",
                   call, (ull)arg, bid_, g->min, g->max, (ull)(g->range - g->used),
                   (ull)shadow_largest(g), rc, fits ? "success" : "-ENOMEM", (ull)fb0, (ull)fb))
            g->bad = 1;
        else /* free_bytes was just judged equal to the shadow's (fb == fb0) */
            check_largest(r, bid_, g, "after a failed alloc");
        return;
    }
    g->bad = 1; /* until the block is admitted */
    if (!judge(r, HSC_BUDDY_ALLOC_1, off < g->range && g->range - off >= want && off % want == 0,
               "%s(%llu) on allocator #%u (orders %u..%u) gave offset %llu: not a multiple of "
               "its size %llu inside [0, %llu)",
               call, (ull)arg, bid_, g->min, g->max, (ull)off, (ull)want, (ull)g->range))
        return;
    int64_t bs = r->ops.block_size(r->run.ctx, g->h, off);
    if (!judge(r, HSC_BUDDY_ALLOC_1, bs >= 0 && (uint64_t)bs == want,
               "%s(%llu) on allocator #%u gave a block at %llu whose block_size is %lld, want the "
               "rounded size %llu",
               call, (ull)arg, bid_, (ull)off, (long long)bs, (ull)want))
        return;
    uint32_t i = set_lower(g, off);
    if (i > 0) {
        const struct sblk *p = &g->set[i - 1];
        if (!judge(r, HSC_BUDDY_DISJOINT_1, p->off + p->size <= off,
                   "%s(%llu) on allocator #%u gave [%llu, +%llu), overlapping live block [%llu, "
                   "+%llu)",
                   call, (ull)arg, bid_, (ull)off, (ull)want, (ull)p->off, (ull)p->size))
            return;
    }
    if (i < g->n) {
        const struct sblk *q = &g->set[i];
        if (!judge(r, HSC_BUDDY_DISJOINT_1, off + want <= q->off,
                   "%s(%llu) on allocator #%u gave [%llu, +%llu), overlapping live block [%llu, "
                   "+%llu)",
                   call, (ull)arg, bid_, (ull)off, (ull)want, (ull)q->off, (ull)q->size))
            return;
    }
    if (!judge(r, HSC_BUDDY_ALLOC_3, fits,
               "%s(%llu) on allocator #%u succeeded although no aligned free block of %llu "
               "bytes exists",
               call, (ull)arg, bid_, (ull)want))
        return;
    g->bad = 0;
    largest_split(g, i, off, off + want);
    memmove(&g->set[i + 1], &g->set[i], sizeof g->set[0] * (g->n - i));
    g->set[i].off = off;
    g->set[i].size = want;
    g->set[i].id = k;
    g->n++;
    g->used += want;
    if (k != NO_ID) {
        r->bk[k].b = bid_;
        r->bk[k].off = off;
        r->bk[k].live = 1;
    }
    check_counters(r, bid_, g, "after an alloc");
}

static void op_alloc(struct run *r, const struct hst_op *op, uint32_t bid_, struct sbuddy *g)
{
    uint32_t k = op->dst;
    forget_block(r, k);
    uint64_t want;
    if (op->kind == BO_ALLOC_ORDER)
        want = op->a > g->max ? UINT64_MAX : op->a <= g->min ? g->unit : 1ull << op->a;
    else
        want = op->a == 0 ? 0 : op->a > g->range ? UINT64_MAX : rounded(g, op->a);
    do_alloc(r, bid_, g, k, op->kind == BO_ALLOC_ORDER, op->a, want);
}

/* free of set entry i (a live block): 0, and the offset no longer a block. */
static void free_entry(struct run *r, uint32_t bid_, struct sbuddy *g, uint32_t i)
{
    struct sblk b = g->set[i];
    int rc = r->ops.free(r->run.ctx, g->h, b.off);
    if (!judge(r, HSC_BUDDY_FREE_1, rc == 0,
               "free(%llu) of a live block of %llu bytes on allocator #%u returned %d, want 0",
               (ull)b.off, (ull)b.size, bid_, rc)) {
        g->bad = 1;
        return;
    }
    if (b.id != NO_ID) {
        r->bk[b.id].live = 0;
        r->bk[b.id].was = 1;
    }
    largest_merge(g, i);
    memmove(&g->set[i], &g->set[i + 1], sizeof g->set[0] * (g->n - i - 1));
    g->n--;
    g->used -= b.size;
    int64_t bs = r->ops.block_size(r->run.ctx, g->h, b.off);
    if (!judge(r, HSC_BUDDY_FREE_1, bs == -EINVAL,
               "after free(%llu) on allocator #%u, block_size(%llu) is %lld, want -EINVAL",
               (ull)b.off, bid_, (ull)b.off, (long long)bs)) {
        g->bad = 1;
        return;
    }
    check_counters(r, bid_, g, "after a free");
}

/* free(off) for any offset: valid ones free, the others must be -EINVAL
 * and change nothing. */
static void free_at(struct run *r, uint32_t bid_, struct sbuddy *g, uint64_t off)
{
    int64_t i = set_find(g, off);
    if (i >= 0) {
        free_entry(r, bid_, g, (uint32_t)i);
        return;
    }
    /* the counters before the call are the shadow's (see do_alloc) */
    uint64_t fb0 = g->range - g->used, lf0 = shadow_largest(g);
    int rc = r->ops.free(r->run.ctx, g->h, off);
    uint64_t fb = r->ops.free_bytes(r->run.ctx, g->h), lf = r->ops.largest_free(r->run.ctx, g->h);
    uint32_t j = set_lower(g, off);
    const char *kind = off >= g->range                      ? "out of range"
                       : off % g->unit != 0                  ? "unaligned"
                       : j > 0 && g->set[j - 1].off + g->set[j - 1].size > off ? "interior"
                                                                             : "free";
    if (!judge(r, HSC_BUDDY_FREE_2, rc == -EINVAL && fb == fb0 && lf == lf0,
               "free(%llu) of an offset that starts no live block (%s) on allocator #%u returned "
               "%d, want -EINVAL; free_bytes %llu -> %llu, largest_free %llu -> %llu",
               (ull)off, kind, bid_, rc, (ull)fb0, (ull)fb, (ull)lf0, (ull)lf))
        g->bad = 1;
    /* else: the counters equal the shadow's, which the call left as it was */
}

static void size_at(struct run *r, uint32_t bid_, struct sbuddy *g, uint64_t off)
{
    int64_t i = set_find(g, off);
    int64_t want = i >= 0 ? (int64_t)g->set[i].size : -EINVAL;
    int64_t bs = r->ops.block_size(r->run.ctx, g->h, off);
    if (!judge(r, HSC_BUDDY_SIZE_1, bs == want,
               "block_size(%llu) on allocator #%u (orders %u..%u) is %lld, want %lld%s",
               (ull)off, bid_, g->min, g->max, (long long)bs, (long long)want,
               i >= 0 ? "" : " (no live block starts there)"))
        g->bad = 1;
}

static void op_churn(struct run *r, const struct hst_op *op, uint32_t bid_, struct sbuddy *g)
{
    uint64_t x = hst_mix(op->a ^ 0x6275646479ull);
    uint32_t depth = g->max - g->min;
    uint32_t span = depth < 10 ? depth : 10;
    for (uint64_t s = 0; s < op->b && !g->bad; s++) {
        x = hst_mix(x + s);
        uint32_t p = (uint32_t)(x % 100);
        uint64_t y = x >> 7;
        if (g->n == 0 || (p < 50 && g->n < CHURN_LIVE)) {
            /* small orders more often: the product of two uniform picks */
            uint32_t o = g->min + (uint32_t)(((y % (span + 1)) * ((y >> 8) % (span + 1))) /
                                             (span ? span : 1));
            uint64_t size = (y >> 16) % (1ull << o) + 1;
            if ((y >> 40) & 1)
                do_alloc(r, bid_, g, NO_ID, true, o, 1ull << o);
            else
                do_alloc(r, bid_, g, NO_ID, false, size, rounded(g, size));
        } else if (p < 88) {
            free_entry(r, bid_, g, (uint32_t)(y % g->n));
        } else if (p < 94) {
            uint64_t off = (y % (2 * (g->range / g->unit) + 2)) * (g->unit / 2 ? g->unit / 2 : 1);
            if (p & 1)
                off = g->set[y % g->n].off + g->unit / 2 + 1; /* interior or unaligned */
            free_at(r, bid_, g, off);
        } else {
            uint64_t off = (p & 1) ? g->set[y % g->n].off : (y % (g->range / g->unit)) * g->unit;
            size_at(r, bid_, g, off);
        }
    }
}

/* ---------------------------------------------------------------- run */

static bool buddy_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, buddy_ops);
}

static int buddy_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    if (op->kind == BO_CREATE) {
        op_create(r, op);
        return 0;
    }
    if (op->kind == BO_DESTROY) {
        if (named(r, op->dst))
            op_destroy(r, op->dst);
        return 0;
    }
    if (op->kind == BO_REFREE) {
        /* only after #k was freed (and its allocator still lives) */
        if (!named(r, op->dst) || !r->bk[op->dst].was)
            return 0;
        struct sbuddy *g = usable(r, r->bk[op->dst].b);
        if (g != NULL)
            free_at(r, r->bk[op->dst].b, g, r->bk[op->dst].off);
        return 0;
    }
    if (op->kind == BO_FREE) {
        /* a block that was never made (a minimized trace) is skipped */
        if (!named(r, op->dst) || !r->bk[op->dst].live)
            return 0;
        uint32_t b = r->bk[op->dst].b;
        struct sbuddy *g = usable(r, b);
        int64_t at = g ? set_find(g, r->bk[op->dst].off) : -1;
        if (at >= 0)
            free_entry(r, b, g, (uint32_t)at);
        return 0;
    }
    uint32_t b = op->kind == BO_ALLOC || op->kind == BO_ALLOC_ORDER ? op->src : op->dst;
    struct sbuddy *g = usable(r, b);
    if (g == NULL)
        return 0;
    switch (op->kind) {
    case BO_ALLOC: case BO_ALLOC_ORDER:
        if (named(r, op->dst))
            op_alloc(r, op, b, g);
        break;
    case BO_FREE_AT:
        free_at(r, b, g, op->a);
        break;
    case BO_SIZE_AT:
        size_at(r, b, g, op->a);
        break;
    case BO_FREE_ALL:
        while (g->n > 0 && !g->bad)
            free_entry(r, b, g, 0);
        break;
    case BO_CHURN:
        op_churn(r, op, b, g);
        break;
    default:
        break;
    }
    return 0;
}

/* End of the trace: free every block of allocator id (judged: the allocator
 * must end as one free block of 2^max_order), then destroy it; not into a
 * broken one. */
static void buddy_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    struct sbuddy *g = usable(r, id);
    while (g != NULL && g->n > 0 && !g->bad)
        free_entry(r, id, g, 0);
    if (r->bd[id].live && !run->sink->failed)
        op_destroy(r, id);
}

static const struct hst_run_hooks buddy_hooks = {buddy_step, NULL, buddy_end};

static int buddy_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                     struct hst_sink *sink, struct hst_arena *arena)
{
    struct run *r = hst_run_alloc(sizeof *r, ctx, cs, sink, arena);
    if (r == NULL || !buddy_offered(subj))
        return -1;
    hst_copy_table(&r->ops, sizeof r->ops, subj->buddy_ops);
    uint32_t n = r->run.idn ? r->run.idn : 1u;
    r->bd = hst_arena_alloc(arena, sizeof(struct sbuddy) * n);
    r->bk = hst_arena_alloc(arena, sizeof(struct bid) * n);
    if (r->bd == NULL || r->bk == NULL)
        return -1;
    if (!hst_run_complete(&r->run, HSC_BUDDY_CREATE_2, "buddy",
                          r->ops.create && r->ops.destroy && r->ops.alloc &&
                              r->ops.alloc_order && r->ops.free && r->ops.block_size &&
                              r->ops.free_bytes && r->ops.largest_free))
        return 0;
    return hst_run_trace(&r->run, &buddy_hooks);
}

const struct hst_family hst_buddy_family = {
    "buddy", buddy_ops_grammar, sizeof buddy_ops_grammar / sizeof buddy_ops_grammar[0],
    buddy_run, buddy_offered, HSC_BUDDY_SELFCHECK_1,
};
