/* spaces_check.c — the spaces family's checker: runs a trace against a
 * subject's struct hs_spaces_ops and judges every step against a shadow of
 * the live objects and the heap's limits.
 *
 * Grammar (conformance/corpus/spaces/NAME.trace, `family spaces`):
 *
 *   create #h INIT GROWTH CAP      create(initial, growth limit, capacity),
 *                            large threshold 0 (the default, 12 KiB)
 *   create_t4k #h INIT GROWTH CAP  the same with large threshold 4096
 *   destroy #h
 *   alloc #o #h N FLAGS      alloc(N, FLAGS) on #h; the object is #o
 *   free #o                  free(#o) (a zygote object: must stay)
 *   clear #h                 clear_growth_limit
 *   split #h                 zygote_split
 *   verify #h                every object's space and bytes against the shadow
 *   fill #h N FLAGS COUNT    alloc(N, FLAGS) until NULL (at most COUNT)
 *   churn #h SEED COUNT      COUNT seeded allocs (all flags) and frees
 *   fork #h                  fork; the parent rewrites every object of #h,
 *                            the child must still see the bytes of the fork
 *
 * The shadow, per heap: the configuration, the footprint limit
 *
 *     limit = max(initial_size, footprint at create / after a split),
 *             raised to the footprint after every successful GROW alloc
 *
 * and per object: address, request, usable and allocation sizes, the
 * space it must be in, and a fill pattern over its usable bytes. A main-
 * space object moved by zygote_split is no longer read (the ABI gives no
 * new address); every other object's bytes are verified before it is
 * freed, after a split and at the end. Answers of the subject are
 * validated before use; the shadow lives in the arena.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hs_internal.h"

enum spaces_op_kind {
    SO_CREATE = 1,
    SO_DESTROY,
    SO_ALLOC,
    SO_FREE,
    SO_CLEAR,
    SO_SPLIT,
    SO_VERIFY,
    SO_FILL,
    SO_CHURN,
    SO_CREATE_T4K,
    SO_FORK,
};

static const struct hst_opdesc spaces_grammar[] = {
    {"create", SO_CREATE, 1, 3, false, NULL, 0},
    {"create_t4k", SO_CREATE_T4K, 1, 3, false, NULL, 0},
    {"destroy", SO_DESTROY, 1, 0, false, NULL, 0},
    {"alloc", SO_ALLOC, 2, 2, false, NULL, 0},
    {"free", SO_FREE, 1, 0, false, NULL, 0},
    {"clear", SO_CLEAR, 1, 0, false, NULL, 0},
    {"split", SO_SPLIT, 1, 0, false, NULL, 0},
    {"verify", SO_VERIFY, 1, 0, false, NULL, 0},
    {"fill", SO_FILL, 1, 3, false, NULL, 0},
    {"churn", SO_CHURN, 1, 2, false, NULL, 0},
    {"fork", SO_FORK, 1, 0, false, NULL, 0},
};

#define NOBJ (HST_MAX_ID + 1u)
#define AUTO_BASE 40000u
#define CHURN_LIVE 128u
#define MAX_FILL ((uint64_t)4 << 20) /* bytes of an object the shadow fills */

struct sobj {
    char *p;
    uint64_t n, usable, size, seed;
    uint32_t h, kind;
    uint8_t live, moved;
};

struct sheap {
    hs_spaces_t *h;
    struct hs_spaces_config cfg;
    uint64_t limit, thresh;
    uint32_t splits;
    uint8_t live, bad;
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    struct hs_spaces_ops ops;
    struct sheap *hp;
    struct sobj *ob;
    uint32_t *list;
    uint32_t nlist;
    struct hst_iset set;
    uint32_t next_auto;
    uint64_t seq;
};

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)
typedef unsigned long long ull;

static const char *kind_name(uint32_t k)
{
    static const char *const names[] = {"NONE", "MAIN", "MAIN_BACKUP", "NON_MOVING",
                                        "LARGE_OBJECT", "ZYGOTE", "IMAGE"};
    return k < 7 ? names[k] : "?";
}

static struct sheap *heap(struct run *r, uint32_t id)
{
    if (id >= NOBJ)
        return NULL;
    struct sheap *g = &r->hp[id];
    return g->live && !g->bad ? g : NULL;
}

static uint64_t page_up(uint64_t x)
{
    uint64_t ps = hst_page_size();
    return (x + ps - 1) / ps * ps;
}

static void forget(struct run *r, uint32_t id)
{
    if (r->ob[id].live)
        hst_iset_remove(&r->set, id);
    r->ob[id].live = 0;
}

/* Bytes of object id against its pattern (skipped for moved objects). */
static bool bytes_ok(struct run *r, uint32_t id, int c, const char *when)
{
    struct sobj *o = &r->ob[id];
    if (o->moved)
        return true;
    uint64_t m = o->usable < MAX_FILL ? o->usable : MAX_FILL;
    size_t bad = hst_verify(o->p, 0, (size_t)m, o->seed);
    if (!judge(r, c, bad == SIZE_MAX,
               "object #%u (%llu bytes in %s): byte %llu of %llu changed %s", id, (ull)o->n,
               kind_name(o->kind), (ull)bad, (ull)m, when)) {
        r->hp[o->h].bad = 1;
        return false;
    }
    return true;
}

/* The live object whose usable bytes meet [p, p+us), as id + 1, or 0. */
static uint32_t overlap(struct run *r, const void *p, uint64_t us)
{
    uint32_t pred = 0, succ = 0;
    hst_iset_neighbours(&r->set, (uintptr_t)p, &pred, &succ);
    for (int j = 0; j < 2; j++) {
        uint32_t q = j ? succ : pred;
        if (q == 0)
            continue;
        const struct sobj *b = &r->ob[q - 1];
        if (!((uintptr_t)b->p + b->usable <= (uintptr_t)p || (uintptr_t)p + us <= (uintptr_t)b->p))
            return q;
    }
    return 0;
}

static bool verify_heap(struct run *r, uint32_t hid, int c_bytes, int c_kind, const char *when)
{
    struct sheap *g = &r->hp[hid];
    for (uint32_t i = 0; i < r->nlist && !g->bad; i++) {
        uint32_t id = r->list[i];
        struct sobj *o = &r->ob[id];
        if (!o->live || o->h != hid)
            continue;
        uint32_t k = r->ops.space_of(r->run.ctx, g->h, o->p);
        if (!judge(r, c_kind, k == o->kind, "object #%u (%llu bytes) is in space %s, want %s %s",
                   id, (ull)o->n, kind_name(k), kind_name(o->kind), when)) {
            g->bad = 1;
            return false;
        }
        if (!bytes_ok(r, id, c_bytes, when))
            return false;
    }
    return !g->bad;
}

static void op_destroy(struct run *r, uint32_t hid)
{
    struct sheap *g = &r->hp[hid];
    if (!g->live)
        return;
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->nlist; i++) {
        uint32_t id = r->list[i];
        if (r->ob[id].live && r->ob[id].h == hid)
            forget(r, id);
        if (r->ob[id].live)
            r->list[n++] = id;
    }
    r->nlist = n;
    hs_spaces_t *h = g->h;
    memset(g, 0, sizeof *g);
    r->ops.destroy(r->run.ctx, h);
}

static void op_create(struct run *r, uint32_t hid, const struct hst_op *op, uint64_t thresh)
{
    op_destroy(r, hid);
    struct hs_spaces_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.struct_size = sizeof cfg;
    cfg.version = HS_SPACES_CONFIG_VERSION;
    cfg.initial_size = op->a;
    cfg.growth_limit = op->b;
    cfg.capacity = op->c;
    cfg.large_threshold = thresh;
    hs_spaces_t *const sentinel = (hs_spaces_t *)(uintptr_t)0x5e5e5e5e5e5e5e50ull;
    hs_spaces_t *h = sentinel;
    int rc = r->ops.create(r->run.ctx, &cfg, &h);
    bool made = rc == 0 && h != sentinel && h != NULL;
    bool valid = cfg.initial_size <= cfg.growth_limit && cfg.growth_limit <= cfg.capacity;
    if (!valid) {
        judge(r, HSC_SPACES_CREATE_1, rc == -EINVAL && h == sentinel,
              "create(initial %llu, growth_limit %llu, capacity %llu) returned %d%s, want "
              "-EINVAL and nothing made",
              (ull)cfg.initial_size, (ull)cfg.growth_limit, (ull)cfg.capacity, rc,
              h != sentinel ? " and stored a handle" : "");
        if (made)
            r->ops.destroy(r->run.ctx, h);
        return;
    }
    uint64_t ps = hst_page_size();
    bool must = cfg.growth_limit >= (64u << 10) && cfg.capacity <= (64u << 20) && cfg.initial_size % ps == 0 &&
                cfg.growth_limit % ps == 0 && cfg.capacity % ps == 0;
    if (must && !judge(r, HSC_SPACES_CREATE_2, made,
                       "create(initial %llu, growth_limit %llu, capacity %llu) returned %d",
                       (ull)cfg.initial_size, (ull)cfg.growth_limit, (ull)cfg.capacity, rc))
        return;
    if (!made)
        return;
    struct sheap *g = &r->hp[hid];
    g->h = h;
    g->cfg = cfg;
    g->live = 1;
    g->thresh = thresh ? thresh : (uint64_t)12 * 1024;
    uint64_t fp = r->ops.footprint(r->run.ctx, h);
    g->limit = fp > cfg.initial_size ? fp : cfg.initial_size;
    if (must) {
        uint64_t gl = r->ops.growth_limit(r->run.ctx, h);
        if (!judge(r, HSC_SPACES_CREATE_2, gl == cfg.growth_limit,
                   "new heap #%u: growth_limit() is %llu, configured %llu", hid, (ull)gl,
                   (ull)cfg.growth_limit))
            g->bad = 1;
    }
}

/* An alloc; returns true when object id was admitted; *null on NULL. */
static bool do_alloc(struct run *r, uint32_t id, uint32_t hid, uint64_t n, uint32_t flags,
                     bool *null)
{
    struct sheap *g = &r->hp[hid];
    if (r->nlist >= NOBJ)
        return false;
    if (id < NOBJ && r->ob[id].live)
        forget(r, id); /* the name is reused; the old object stays allocated, unnamed */
    uint64_t fp0 = r->ops.footprint(r->run.ctx, g->h);
    uint64_t gl = r->ops.growth_limit(r->run.ctx, g->h);
    bool large = (flags & HS_SPACES_ALLOC_LARGE_OK) && n >= g->thresh;
    uint32_t want = large ? HS_SPACE_LARGE_OBJECT
                    : (flags & HS_SPACES_ALLOC_NON_MOVABLE) ? HS_SPACE_NON_MOVING
                                                            : HS_SPACE_MAIN;
    uint64_t ba = 0x5e5e5e5eull, us = 0x5e5e5e5eull;
    char *p = r->ops.alloc(r->run.ctx, g->h, n, flags, &ba, &us);
    uint64_t fp = r->ops.footprint(r->run.ctx, g->h);
    if (null)
        *null = p == NULL;
    bool grow = (flags & HS_SPACES_ALLOC_GROW) != 0;
    if (!judge(r, HSC_SPACES_GROW_1, fp <= gl,
               "alloc(%llu, flags %#x): footprint %llu -> %llu, past the growth limit %llu",
               (ull)n, flags, (ull)fp0, (ull)fp, (ull)gl)) {
        g->bad = 1;
        return false;
    }
    uint64_t cap = fp0 > g->limit ? fp0 : g->limit;
    if (!grow && !judge(r, HSC_SPACES_LIMIT_1, fp <= cap,
                        "alloc(%llu, flags %#x) without GROW: footprint %llu -> %llu, past the "
                        "footprint limit %llu",
                        (ull)n, flags, (ull)fp0, (ull)fp, (ull)g->limit)) {
        g->bad = 1;
        return false;
    }
    if (p == NULL) {
        if (grow && want == HS_SPACE_MAIN && !judge(r, HSC_SPACES_GROW_2,
                                                    fp0 + n + 8192 > gl,
                                                    "alloc(%llu, GROW) returned NULL with "
                                                    "footprint %llu and growth limit %llu",
                                                    (ull)n, (ull)fp0, (ull)gl))
            g->bad = 1;
        return false;
    }
    if (grow && want == HS_SPACE_MAIN && fp > g->limit)
        g->limit = fp;
    if (!judge(r, HSC_SPACES_SIZE_1, ba >= us && us >= n,
               "alloc(%llu, flags %#x): bytes_allocated %llu, usable %llu", (ull)n, flags,
               (ull)ba, (ull)us)) {
        g->bad = 1;
        return false;
    }
    uint64_t as = r->ops.allocation_size(r->run.ctx, g->h, p);
    if (!judge(r, HSC_SPACES_SIZE_1, as == ba,
               "alloc(%llu, flags %#x): allocation_size %llu, bytes_allocated %llu", (ull)n,
               flags, (ull)as, (ull)ba)) {
        g->bad = 1;
        return false;
    }
    uint32_t k = r->ops.space_of(r->run.ctx, g->h, p);
    if (!judge(r, k == HS_SPACE_ZYGOTE && g->splits ? HSC_SPACES_ZYGOTE_3 : HSC_SPACES_ROUTE_1,
               k == want, "alloc(%llu, flags %#x, large threshold %llu) went to %s, want %s",
               (ull)n, flags, (ull)g->thresh, kind_name(k), kind_name(want))) {
        g->bad = 1;
        return false;
    }
    if (g->splits)
        judge(r, HSC_SPACES_ZYGOTE_3, true, "ok");
    /* disjoint over usable bytes */
    uint32_t q = overlap(r, p, us);
    if (!judge(r, HSC_SPACES_DISJOINT_1, q == 0,
               "alloc(%llu) gave [%p, +%llu), overlapping live object #%u [%p, +%llu)", (ull)n,
               (void *)p, (ull)us, q - 1, q ? (void *)r->ob[q - 1].p : NULL,
               (ull)(q ? r->ob[q - 1].usable : 0))) {
        g->bad = 1;
        return false;
    }
    struct sobj *o = &r->ob[id];
    memset(o, 0, sizeof *o);
    o->p = p;
    o->n = n;
    o->usable = us;
    o->size = ba;
    o->h = hid;
    o->kind = want;
    o->live = 1;
    o->seed = hst_mix(++r->seq ^ ((uint64_t)id << 24));
    hst_fill(p, 0, (size_t)(us < MAX_FILL ? us : MAX_FILL), o->seed);
    hst_iset_insert(&r->set, id, (uintptr_t)p);
    r->list[r->nlist++] = id;
    return true;
}

static void do_free(struct run *r, uint32_t id)
{
    if (id >= NOBJ || !r->ob[id].live || heap(r, r->ob[id].h) == NULL)
        return;
    struct sobj *o = &r->ob[id];
    struct sheap *g = &r->hp[o->h];
    if (!bytes_ok(r, id, HSC_SPACES_DISJOINT_1, "before its free"))
        return;
    int64_t rc = r->ops.free(r->run.ctx, g->h, o->p);
    if (o->kind == HS_SPACE_ZYGOTE) {
        uint32_t k = r->ops.space_of(r->run.ctx, g->h, o->p);
        if (!judge(r, HSC_SPACES_ZYGOTE_2, rc == -EPERM && k == HS_SPACE_ZYGOTE,
                   "free of zygote object #%u returned %lld (want -EPERM), space now %s", id,
                   (long long)rc, kind_name(k)))
            g->bad = 1;
        else
            bytes_ok(r, id, HSC_SPACES_ZYGOTE_2, "after a refused free");
        return;
    }
    if (!judge(r, HSC_SPACES_SIZE_2, rc >= 0 && (uint64_t)rc == o->size,
               "free of #%u (%llu bytes in %s, allocation size %llu) returned %lld", id,
               (ull)o->n, kind_name(o->kind), (ull)o->size, (long long)rc)) {
        g->bad = 1;
        return;
    }
    forget(r, id);
}

static void do_split(struct run *r, uint32_t hid)
{
    struct sheap *g = &r->hp[hid];
    if (!verify_heap(r, hid, HSC_SPACES_DISJOINT_1, HSC_SPACES_ROUTE_1, "before the split"))
        return;
    int rc = r->ops.zygote_split(r->run.ctx, g->h);
    if (g->splits > 0) {
        hst_branch(r->run.sink, HSC_SPACES_ZYGOTE_5, "second split: %s",
                   rc == 0 ? "accepted" : rc == -EPERM ? "-EPERM" : "another error");
        if (rc == 0)
            g->bad = 1; /* the shadow does not model a second split */
        return;
    }
    if (rc != 0) {
        hst_branch(r->run.sink, HSC_SPACES_ZYGOTE_1, "split refused: %d", rc);
        return;
    }
    g->splits++;
    /* the main space's objects move: out of the address set first, then back
     * in at their copies (forward), each copy disjoint from everything else */
    for (uint32_t i = 0; i < r->nlist; i++) {
        struct sobj *o = &r->ob[r->list[i]];
        if (o->live && o->h == hid && o->kind == HS_SPACE_MAIN) {
            o->moved = 1;
            hst_iset_remove(&r->set, r->list[i]);
        }
        if (o->live && o->h == hid &&
            (o->kind == HS_SPACE_MAIN || o->kind == HS_SPACE_NON_MOVING))
            o->kind = HS_SPACE_ZYGOTE;
    }
    for (uint32_t i = 0; i < r->nlist && r->ops.forward != NULL && !g->bad; i++) {
        uint32_t id = r->list[i];
        struct sobj *o = &r->ob[id];
        if (!o->live || o->h != hid || !o->moved)
            continue;
        void *q = r->ops.forward(r->run.ctx, g->h, o->p);
        uint32_t hit = q != NULL ? overlap(r, q, o->usable) : 0;
        if (!judge(r, HSC_SPACES_ZYGOTE_1, q != NULL && hit == 0,
                   "forward(%p) of object #%u (%llu bytes, moved by the split) gave %p%s%u", o->p,
                   id, (ull)o->n, q, hit ? ", overlapping object #" : "", hit ? hit - 1 : 0)) {
            g->bad = 1;
            return;
        }
        o->p = q;
        o->moved = 0;
        hst_iset_insert(&r->set, id, (uintptr_t)q);
    }

    uint64_t fp = r->ops.footprint(r->run.ctx, g->h);
    g->limit = fp > g->cfg.initial_size ? fp : g->cfg.initial_size;
    verify_heap(r, hid, HSC_SPACES_ZYGOTE_4, HSC_SPACES_ZYGOTE_1, "after the zygote split");
}

/* In the fork child: every live object of hid still holds its pattern as of
 * the fork (the shadow the child inherited). Returns the first bad id + 1,
 * or 0. The child judges nothing itself: its answer goes through a pipe. */
static uint32_t child_view(struct run *r, uint32_t hid)
{
    for (uint32_t i = 0; i < r->nlist; i++) {
        const struct sobj *o = &r->ob[r->list[i]];
        if (!o->live || o->h != hid || o->moved)
            continue;
        uint64_t m = o->usable < MAX_FILL ? o->usable : MAX_FILL;
        if (hst_verify(o->p, 0, (size_t)m, o->seed) != SIZE_MAX)
            return r->list[i] + 1;
    }
    return 0;
}

/* fork #h: the pages of a heap are copy-on-write across fork(), as the
 * zygote's are for the apps forked from it: after the fork the parent
 * rewrites every object of the heap (a new pattern), and the child, told
 * only then to look, must see each object as it was at the fork. */
static void do_fork(struct run *r, uint32_t hid)
{
    struct sheap *g = &r->hp[hid];
    int go[2], res[2];
    if (!verify_heap(r, hid, HSC_SPACES_DISJOINT_1, HSC_SPACES_ROUTE_1, "before the fork"))
        return;
    if (pipe(go) != 0)
        return;
    if (pipe(res) != 0) {
        close(go[0]);
        close(go[1]);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        close(res[0]);
        uint32_t bad = read(go[0], &c, 1) == 1 ? child_view(r, hid) : 0;
        _exit(write(res[1], &bad, sizeof bad) == (ssize_t)sizeof bad ? 0 : 2);
    }
    close(go[0]);
    close(res[1]);
    if (pid > 0) {
        for (uint32_t i = 0; i < r->nlist; i++) {
            struct sobj *o = &r->ob[r->list[i]];
            if (!o->live || o->h != hid || o->moved)
                continue;
            o->seed = hst_mix(++r->seq ^ ((uint64_t)r->list[i] << 24) ^ 0x666f726bull);
            hst_fill(o->p, 0, (size_t)(o->usable < MAX_FILL ? o->usable : MAX_FILL), o->seed);
        }
    }
    uint32_t bad = 0;
    bool told = pid > 0 && write(go[1], "x", 1) == 1;
    bool heard = told && read(res[0], &bad, sizeof bad) == (ssize_t)sizeof bad;
    close(go[1]);
    close(res[0]);
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!judge(r, HSC_SPACES_FORK_1, heard && WIFEXITED(st) && WEXITSTATUS(st) == 0,
               "fork of heap #%u: %s", hid,
               pid < 0 ? strerror(errno) : "the child did not answer"))
        return;
    const struct sobj *o = bad ? &r->ob[bad - 1] : NULL;
    if (!judge(r, HSC_SPACES_FORK_1, bad == 0,
               "after fork, the child sees the parent's later writes to object #%u (%llu bytes "
               "in %s): its pages are shared, not copy-on-write",
               bad ? bad - 1 : 0, (ull)(o ? o->n : 0), kind_name(o ? o->kind : 0)))
        g->bad = 1;
}

static void do_clear(struct run *r, uint32_t hid)
{
    struct sheap *g = &r->hp[hid];
    r->ops.clear_growth_limit(r->run.ctx, g->h);
    uint64_t gl = r->ops.growth_limit(r->run.ctx, g->h);
    if (!judge(r, HSC_SPACES_CLEAR_1, gl == page_up(g->cfg.capacity),
               "after clear_growth_limit, growth_limit() is %llu, capacity %llu", (ull)gl,
               (ull)g->cfg.capacity))
        g->bad = 1;
}

static void op_fill(struct run *r, uint32_t hid, uint64_t n, uint32_t flags, uint64_t count)
{
    struct sheap *g = &r->hp[hid];
    bool null = false;
    for (uint64_t i = 0; i < count && !g->bad && !r->run.oom; i++) {
        if (r->next_auto >= NOBJ)
            r->next_auto = AUTO_BASE;
        if (!do_alloc(r, r->next_auto++, hid, n, flags, &null))
            break;
    }
    if (null && !g->bad)
        verify_heap(r, hid, HSC_SPACES_DISJOINT_1, HSC_SPACES_ROUTE_1, "after alloc gave NULL");
}

static void op_churn(struct run *r, uint32_t hid, uint64_t seed, uint64_t count)
{
    struct sheap *g = &r->hp[hid];
    uint32_t ids[CHURN_LIVE];
    uint32_t n = 0;
    uint64_t x = hst_mix(seed ^ 0x737063ull);
    for (uint64_t s = 0; s < count && !g->bad && !r->run.oom; s++) {
        x = hst_mix(x + s);
        uint32_t p = (uint32_t)(x % 100);
        uint64_t y = x >> 8;
        if (n == 0 || (p < 55 && n < CHURN_LIVE)) {
            if (r->next_auto >= NOBJ)
                r->next_auto = AUTO_BASE;
            uint32_t id = r->next_auto++;
            uint32_t flags = (uint32_t)(y % 8);
            uint64_t sz = (y >> 4) % 16 == 0 ? g->thresh + (y >> 8) % 20000 : (y >> 8) % 600 + 1;
            if (do_alloc(r, id, hid, sz, flags, NULL))
                ids[n++] = id;
        } else {
            uint32_t j = (uint32_t)(y % n);
            do_free(r, ids[j]);
            if (!r->ob[ids[j]].live || r->ob[ids[j]].kind == HS_SPACE_ZYGOTE)
                ids[j] = ids[--n];
        }
    }
}

/* ---------------------------------------------------------------- run */

static bool spaces_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, spaces_ops);
}

static int spaces_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    if (op->kind == SO_CREATE || op->kind == SO_CREATE_T4K) {
        if (op->dst < NOBJ)
            op_create(r, op->dst, op, op->kind == SO_CREATE_T4K ? 4096u : 0u);
        return 0;
    }
    if (op->kind == SO_DESTROY) {
        if (op->dst < NOBJ)
            op_destroy(r, op->dst);
        return 0;
    }
    if (op->kind == SO_FREE) {
        do_free(r, op->dst);
        return 0;
    }
    uint32_t hid = op->kind == SO_ALLOC ? op->src : op->dst;
    struct sheap *g = heap(r, hid);
    if (g == NULL)
        return 0;
    uint32_t fl = op->b > UINT32_MAX ? UINT32_MAX : (uint32_t)op->b;
    switch (op->kind) {
    case SO_ALLOC:
        if (op->dst < AUTO_BASE)
            do_alloc(r, op->dst, hid, op->a, fl, NULL);
        break;
    case SO_CLEAR:
        do_clear(r, hid);
        break;
    case SO_SPLIT:
        do_split(r, hid);
        break;
    case SO_FORK:
        do_fork(r, hid);
        break;
    case SO_VERIFY: {
        char local[16];
        uint32_t k0 = r->ops.space_of(run->ctx, g->h, NULL);
        uint32_t k1 = r->ops.space_of(run->ctx, g->h, local);
        if (!judge(r, HSC_SPACES_ROUTE_2, k0 == HS_SPACE_NONE && k1 == HS_SPACE_NONE,
                   "space_of(NULL) is %s, of a stack address %s", kind_name(k0),
                   kind_name(k1)))
            g->bad = 1;
        else
            verify_heap(r, hid, HSC_SPACES_DISJOINT_1, HSC_SPACES_ROUTE_1, "at verify");
        break;
    }
    case SO_FILL:
        op_fill(r, hid, op->a, fl, op->c);
        break;
    case SO_CHURN:
        op_churn(r, hid, op->a, op->b);
        break;
    default:
        break;
    }
    return 0;
}

/* End of the trace: heap id's objects verified a last time, then its destroy. */
static void spaces_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    if (!r->hp[id].live)
        return;
    if (!r->hp[id].bad)
        verify_heap(r, id, HSC_SPACES_DISJOINT_1, HSC_SPACES_ROUTE_1, "at the end");
    if (!run->sink->failed)
        op_destroy(r, id);
}

static const struct hst_run_hooks spaces_hooks = {spaces_step, NULL, spaces_end};

static int spaces_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                      struct hst_sink *sink, struct hst_arena *arena)
{
    struct run *r = hst_run_alloc(sizeof *r, ctx, cs, sink, arena);
    if (r == NULL || !spaces_offered(subj))
        return -1;
    hst_copy_table(&r->ops, sizeof r->ops, subj->spaces_ops);
    r->hp = hst_arena_alloc(arena, sizeof(struct sheap) * NOBJ);
    r->ob = hst_arena_alloc(arena, sizeof(struct sobj) * NOBJ);
    r->list = hst_arena_alloc(arena, sizeof(uint32_t) * NOBJ);
    r->set.n = hst_arena_alloc(arena, sizeof(struct hst_inode) * NOBJ);
    if (!r->hp || !r->ob || !r->list || !r->set.n)
        return -1;
    r->set.rng = 0x9e3779b97f4a7c15ull;
    r->next_auto = AUTO_BASE;
    if (!hst_run_complete(&r->run, HSC_SPACES_CREATE_2, "spaces",
                          r->ops.create && r->ops.destroy && r->ops.alloc && r->ops.free &&
                              r->ops.space_of && r->ops.allocation_size && r->ops.footprint &&
                              r->ops.growth_limit && r->ops.clear_growth_limit &&
                              r->ops.zygote_split))
        return 0;
    return hst_run_trace(&r->run, &spaces_hooks);
}

const struct hst_family hst_spaces_family = {
    "spaces", spaces_grammar, sizeof spaces_grammar / sizeof spaces_grammar[0],
    spaces_run, spaces_offered, HSC_SPACES_SELFCHECK_1,
};
