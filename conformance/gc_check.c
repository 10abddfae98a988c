/* gc_check.c — the gc family's checker: runs a trace against a subject's
 * struct hs_gc_ops and judges every step against a shadow object graph.
 *
 * Grammar (conformance/corpus/gc/NAME.trace, `family gc`):
 *
 *   create #g MAX            create(MAX): heap #g
 *   destroy #g
 *   alloc #o #g NSLOTS PAY   alloc(NSLOTS, PAY) on #g; the object is #o
 *   set #o #t SLOT           set_ref(#o, SLOT, #t) (#t may be `null`)
 *   get #o SLOT              get_ref(#o, SLOT)
 *   root #o / unroot #o      root_add / root_remove
 *   collect #g               a full collection, then every judgement below
 *   walk #g                  the heap walk against the shadow
 *   exhaust #g PAY COUNT     a rooted chain of objects with PAY payload
 *                            bytes until alloc returns NULL (at most COUNT),
 *                            then drop it, collect, and alloc again
 *   churn #g SEED COUNT      COUNT seeded random allocs, links, roots,
 *                            unroots and collections (<= 256 objects)
 *
 * The shadow. Per object: its heap, address, slots (target ids), root
 * count, payload seed and a state:
 *
 *     ALIVE --collect, unreachable, PRECISE--> GONE (must be freed)
 *     ALIVE --collect, unreachable, conservative--> MAYBE (may be freed)
 *     ALIVE --alloc returns its address (it was garbage)--> GONE
 *
 * Reachability is computed by the checker from the roots through the
 * slots. After a collection every reachable object must be live with its
 * payload pattern and slots intact (KEEP); on a PRECISE subject every
 * unreachable one must be freed (FREE / CYCLE / ROOT by why it is
 * garbage), and the walk must be exactly the reachable set (WALK).
 *
 * Objects live in two ordered sets: by object address (identity, reuse
 * of a garbage address) and by payload extent (overlap). Everything the
 * subject returns is validated before it is dereferenced; the shadow lives
 * in the arena. After a violation on a heap, it is no longer judged.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hs_internal.h"

enum gc_op_kind {
    GO_CREATE = 1,
    GO_DESTROY,
    GO_ALLOC,
    GO_SET,
    GO_GET,
    GO_ROOT,
    GO_UNROOT,
    GO_COLLECT,
    GO_WALK,
    GO_EXHAUST,
    GO_CHURN,
};

static const struct hst_opdesc gc_grammar[] = {
    {"create", GO_CREATE, 1, 1, false, NULL, 0},
    {"destroy", GO_DESTROY, 1, 0, false, NULL, 0},
    {"alloc", GO_ALLOC, 2, 2, false, NULL, 0},
    {"set", GO_SET, 2, 1, false, NULL, 0},
    {"get", GO_GET, 1, 1, false, NULL, 0},
    {"root", GO_ROOT, 1, 0, false, NULL, 0},
    {"unroot", GO_UNROOT, 1, 0, false, NULL, 0},
    {"collect", GO_COLLECT, 1, 0, false, NULL, 0},
    {"walk", GO_WALK, 1, 0, false, NULL, 0},
    {"exhaust", GO_EXHAUST, 1, 2, false, NULL, 0},
    {"churn", GO_CHURN, 1, 2, false, NULL, 0},
};

#define NOBJ (HST_MAX_ID + 1u)
#define NO_ID UINT32_MAX
#define MAX_SLOTS 4096u        /* objects with more slots are not made */
#define MAX_PAY (1u << 20)     /* payload bytes the shadow fills */
#define AUTO_BASE 40000u       /* ids of exhaust / churn objects: [AUTO_BASE, NOBJ) */
#define CHURN_LIVE 256u

enum { S_NONE = 0, S_ALIVE, S_MAYBE, S_GONE };

struct gobj {
    void *p;          /* object address */
    char *pay;        /* payload address */
    uint32_t *slot;   /* target ids (NO_ID: NULL) */
    uint64_t payload; /* payload bytes */
    uint64_t seed;    /* fill pattern */
    uint32_t g;       /* heap id */
    uint32_t nslots;
    uint32_t roots;   /* root multiset count */
    uint32_t stamp;   /* walk visit stamp */
    uint32_t lpass;   /* list compaction pass that last kept it */
    uint8_t state;
    uint8_t reach;    /* reachable at the last computation */
    uint8_t was_reached;
};

struct gheap {
    hs_gc_t *h;
    uint64_t max;
    uint8_t live, bad, fresh; /* fresh: collected, nothing allocated since */
};

struct run {
    struct hst_run run; /* first: the state every family's run shares */
    struct hs_gc_ops ops; /* zero-extended copy */
    struct gheap *hp;     /* NOBJ heaps */
    struct gobj *ob;      /* NOBJ objects */
    uint32_t *list;       /* ids of objects ALIVE (compacted lazily) */
    uint32_t nlist;
    uint32_t *stack;      /* marking */
    struct hst_iset by_obj, by_pay;
    uint32_t stamp, next_auto;
    uint32_t list_pass; /* compactions of `list` (keeps each id once) */
    uint64_t seq;
    bool precise, has_live, has_walk, oom_fig;
};

#define judge(r, c, ok, ...) HST_JUDGE(r, c, ok, __VA_ARGS__)
typedef unsigned long long ull;

/* ------------------------------------------------------------ helpers */

static struct gheap *heap(struct run *r, uint32_t id)
{
    if (id >= NOBJ)
        return NULL;
    struct gheap *g = &r->hp[id];
    return g->live && !g->bad ? g : NULL;
}

/* An object that is ALIVE on a usable heap, or NULL. */
static struct gobj *obj(struct run *r, uint32_t id)
{
    if (id >= NOBJ || r->ob[id].state != S_ALIVE || heap(r, r->ob[id].g) == NULL)
        return NULL;
    return &r->ob[id];
}

static uint64_t obj_bytes(const struct gobj *o)
{
    return 16u + 8u * (uint64_t)o->nslots + o->payload;
}

/* The set id of an object's payload extent (payload 0: its address). */
static uintptr_t pay_key(const struct gobj *o)
{
    return o->payload ? (uintptr_t)o->pay : (uintptr_t)o->p;
}

static void forget(struct run *r, uint32_t id, uint8_t state)
{
    struct gobj *o = &r->ob[id];
    if (o->state == S_ALIVE) {
        hst_iset_remove(&r->by_obj, id);
        hst_iset_remove(&r->by_pay, id);
    }
    o->state = state;
    o->roots = 0;
}

/* Marks reach over every ALIVE object; returns bytes reachable on heap g. */
static uint64_t compute_reach(struct run *r, uint32_t g)
{
    uint32_t sp = 0, n = 0;
    /* keep each ALIVE id once: a name destroyed with its heap and used again
     * is appended again while its old entry is still in the list */
    uint32_t pass = ++r->list_pass;
    for (uint32_t i = 0; i < r->nlist; i++) {
        uint32_t id = r->list[i];
        if (r->ob[id].state == S_ALIVE && r->ob[id].lpass != pass) {
            r->ob[id].lpass = pass;
            r->list[n++] = id;
        }
    }
    r->nlist = n;
    for (uint32_t i = 0; i < n; i++) {
        struct gobj *o = &r->ob[r->list[i]];
        o->reach = o->roots > 0;
        if (o->reach)
            r->stack[sp++] = r->list[i];
    }
    uint64_t bytes = 0;
    while (sp > 0) {
        struct gobj *o = &r->ob[r->stack[--sp]];
        o->was_reached = 1;
        if (o->g == g)
            bytes += obj_bytes(o);
        for (uint32_t s = 0; s < o->nslots; s++) {
            uint32_t t = o->slot[s];
            if (t != NO_ID && r->ob[t].state == S_ALIVE && !r->ob[t].reach) {
                r->ob[t].reach = 1;
                r->stack[sp++] = t;
            }
        }
    }
    return bytes;
}

/* Is garbage object id on a cycle (reachable from itself through garbage)? */
static bool on_cycle(struct run *r, uint32_t id)
{
    uint32_t sp = 0;
    r->stamp++;
    r->stack[sp++] = id;
    while (sp > 0) {
        struct gobj *o = &r->ob[r->stack[--sp]];
        for (uint32_t s = 0; s < o->nslots; s++) {
            uint32_t t = o->slot[s];
            if (t == id)
                return true;
            if (t != NO_ID && r->ob[t].state == S_ALIVE && !r->ob[t].reach &&
                r->ob[t].stamp != r->stamp) {
                r->ob[t].stamp = r->stamp;
                r->stack[sp++] = t;
            }
        }
    }
    return false;
}

/* Payload pattern and slots of a live object; c judges. */
static bool intact(struct run *r, uint32_t id, int c, const char *when)
{
    struct gobj *o = &r->ob[id];
    struct gheap *g = &r->hp[o->g];
    if (r->has_live && !judge(r, c == HSC_GC_KEEP_2 ? HSC_GC_KEEP_1 : c,
                              r->ops.is_live(r->run.ctx, g->h, o->p) == 1,
                              "reachable object #%u (%u slots, %llu bytes payload) is not live %s",
                              id, o->nslots, (ull)o->payload, when))
        return false;
    void *pay = o->payload ? r->ops.payload(r->run.ctx, g->h, o->p) : NULL;
    if (o->payload && !judge(r, c, pay == o->pay,
                             "payload(#%u) moved from %p to %p %s", id, (void *)o->pay, pay, when))
        return false;
    size_t bad = o->payload ? hst_verify(o->pay, 0, (size_t)o->payload, o->seed) : SIZE_MAX;
    if (!judge(r, c, bad == SIZE_MAX,
               "reachable object #%u: payload byte %llu of %llu changed %s", id, (ull)bad,
               (ull)o->payload, when))
        return false;
    for (uint32_t s = 0; s < o->nslots; s++) {
        uint32_t t = o->slot[s];
        void *want = t == NO_ID ? NULL : r->ob[t].p;
        void *got = r->ops.get_ref(r->run.ctx, g->h, o->p, s);
        if (!judge(r, c, got == want, "reachable object #%u: slot %u holds %p, want %p (#%d) %s",
                   id, s, got, want, t == NO_ID ? -1 : (int)t, when))
            return false;
    }
    return true;
}

static bool is_end(const uint32_t *ends, uint32_t id)
{
    return ends != NULL && (id == ends[0] || id == ends[1]);
}

/* Every reachable object of heap gid intact (after compute_reach), but the
 * ones in ends (NULL: none), which a collection judges under EDGE. */
static bool intact_but(struct run *r, uint32_t gid, int c, const char *when, const uint32_t *ends)
{
    for (uint32_t i = 0; i < r->nlist; i++) {
        uint32_t id = r->list[i];
        if (r->ob[id].state == S_ALIVE && r->ob[id].reach && r->ob[id].g == gid &&
            !is_end(ends, id) && !intact(r, id, c, when)) {
            r->hp[gid].bad = 1;
            return false;
        }
    }
    return true;
}

static bool all_intact(struct run *r, uint32_t gid, int c, const char *when)
{
    return intact_but(r, gid, c, when, NULL);
}

/* ------------------------------------------------------------ walk */

struct walkst {
    struct run *r;
    uint32_t gid;
    uint32_t unknown, twice, maybe;
    void *first_bad;
};

static void visit(void *p, void *arg)
{
    struct walkst *w = arg;
    struct run *r = w->r;
    uint32_t pred = 0, succ = 0;
    hst_iset_neighbours(&r->by_obj, (uintptr_t)p, &pred, &succ);
    if (pred == 0 || r->ob[pred - 1].p != p || r->ob[pred - 1].g != w->gid) {
        /* not ALIVE: a MAYBE object of a conservative collector is fine */
        w->unknown++;
        if (w->first_bad == NULL)
            w->first_bad = p;
        return;
    }
    struct gobj *o = &r->ob[pred - 1];
    if (o->stamp == r->stamp) {
        w->twice++;
        if (w->first_bad == NULL)
            w->first_bad = p;
    }
    o->stamp = r->stamp;
}

/* The walk judged against the shadow (compute_reach done). */
static void judge_walk(struct run *r, uint32_t gid)
{
    struct gheap *g = &r->hp[gid];
    if (!r->has_walk) {
        HST_SKIP_ONCE(r, HSC_GC_WALK_1, "no HS_GC_CAP_WALK");
        return;
    }
    struct walkst w = {r, gid, 0, 0, 0, NULL};
    r->stamp++;
    r->ops.walk(r->run.ctx, g->h, visit, &w);
    uint32_t missing = 0, extra = 0, first = NO_ID;
    for (uint32_t i = 0; i < r->nlist; i++) {
        struct gobj *o = &r->ob[r->list[i]];
        if (o->state != S_ALIVE || o->g != gid)
            continue;
        bool seen = o->stamp == r->stamp;
        if (o->reach && !seen) {
            missing++;
            first = first == NO_ID ? r->list[i] : first;
        }
        if (!o->reach && seen && r->precise && g->fresh) {
            extra++;
            first = first == NO_ID ? r->list[i] : first;
        }
    }
    /* unknown addresses: objects freed (GONE) or never made; a
     * conservative collector's MAYBE objects are not in by_obj either */
    uint32_t unknown = r->precise ? w.unknown : 0;
    if (!judge(r, HSC_GC_WALK_1, missing == 0 && extra == 0 && w.twice == 0 && unknown == 0,
               "walk of heap #%u: %u reachable objects not visited, %u garbage objects visited "
               "right after a collection, %u visited twice, %u unknown addresses (first: #%d, %p)",
               gid, missing, extra, w.twice, unknown, first == NO_ID ? -1 : (int)first,
               w.first_bad))
        g->bad = 1;
}

/* ------------------------------------------------------------ ops */

static void op_destroy(struct run *r, uint32_t gid)
{
    struct gheap *g = &r->hp[gid];
    if (!g->live)
        return;
    for (uint32_t i = 0; i < r->nlist; i++)
        if (r->ob[r->list[i]].g == gid && r->ob[r->list[i]].state != S_NONE)
            forget(r, r->list[i], S_GONE);
    hs_gc_t *h = g->h;
    memset(g, 0, sizeof *g);
    r->ops.destroy(r->run.ctx, h);
}

static void op_create(struct run *r, uint32_t gid, uint64_t max)
{
    op_destroy(r, gid);
    hs_gc_t *const sentinel = (hs_gc_t *)(uintptr_t)0x5e5e5e5e5e5e5e50ull;
    hs_gc_t *h = sentinel;
    int rc = r->ops.create(r->run.ctx, max, &h);
    bool made = rc == 0 && h != sentinel && h != NULL;
    if (max == 0) {
        hst_branch(r->run.sink, HSC_GC_CREATE_2, "create(0): %s",
                   made ? "accepted" : rc == -EINVAL ? "-EINVAL" : "another error");
        if (made)
            r->ops.destroy(r->run.ctx, h);
        return;
    }
    bool must = max >= (64u << 10) && max <= (256u << 20);
    if (must && !judge(r, HSC_GC_CREATE_1, made, "create(%llu) returned %d, handle %p",
                       (ull)max, rc, (void *)h))
        return;
    if (!made)
        return;
    struct gheap *g = &r->hp[gid];
    g->h = h;
    g->max = max;
    g->live = 1;
    g->fresh = 1;
}

/* Admits a new object of heap gid at p, or judges why not. */
static bool admit(struct run *r, uint32_t id, uint32_t gid, void *p, uint32_t ns, uint64_t pay)
{
    struct gheap *g = &r->hp[gid];
    /* an address of a shadow object: fine only if that one was garbage */
    uint32_t pred = 0, succ = 0;
    hst_iset_neighbours(&r->by_obj, (uintptr_t)p, &pred, &succ);
    if (pred != 0 && r->ob[pred - 1].p == p) {
        uint32_t old = pred - 1;
        compute_reach(r, gid);
        if (!judge(r, HSC_GC_ALLOC_2, !r->ob[old].reach,
                   "alloc(%u, %llu) returned %p, the address of reachable object #%u", ns,
                   (ull)pay, p, old)) {
            g->bad = 1;
            return false;
        }
        forget(r, old, S_GONE);
    }
    char *pp = NULL;
    if (pay > 0) {
        pp = r->ops.payload(r->run.ctx, g->h, p);
        if (!judge(r, HSC_GC_ALLOC_1, pp != NULL, "payload() of a new object of %llu bytes is NULL",
                   (ull)pay)) {
            g->bad = 1;
            return false;
        }
    }
    struct gobj tmp = {0};
    tmp.p = p;
    tmp.pay = pp;
    tmp.payload = pay;
    uintptr_t key = pay_key(&tmp), end = key + (pay ? pay : 1);
    hst_iset_neighbours(&r->by_pay, key, &pred, &succ);
    for (int k = 0; k < 2; k++) {
        uint32_t o = k == 0 ? pred : succ;
        if (o == 0)
            continue;
        struct gobj *b = &r->ob[o - 1];
        uintptr_t bk = pay_key(b), be = bk + (b->payload ? b->payload : 1);
        if (bk < end && key < be) {
            compute_reach(r, gid);
            if (!b->reach && b->g == gid) {
                forget(r, o - 1, S_GONE); /* garbage reused */
                hst_iset_neighbours(&r->by_pay, key, &pred, &succ);
                k = -1;
                continue;
            }
            judge(r, HSC_GC_ALLOC_2, false,
                  "alloc(%u, %llu): payload [%p, +%llu) overlaps that of live object #%u [%p, +%llu)",
                  ns, (ull)pay, (void *)key, (ull)pay, o - 1, (void *)bk, (ull)b->payload);
            g->bad = 1;
            return false;
        }
    }
    /* zeroed (a word at a time: the byte loop was a third of a gc fuzz run)
     * and NULL slots */
    size_t nz = pay > 0 ? hst_first_not(pp, (size_t)pay, 0) : SIZE_MAX;
    if (!judge(r, HSC_GC_ALLOC_1, nz == SIZE_MAX, "new object (%u slots, %llu bytes): payload "
               "byte %llu is not zero", ns, (ull)pay, (ull)nz)) {
        g->bad = 1;
        return false;
    }
    for (uint32_t s = 0; s < ns; s++) {
        void *t = r->ops.get_ref(r->run.ctx, g->h, p, s);
        if (!judge(r, HSC_GC_ALLOC_1, t == NULL, "new object (%u slots): slot %u is %p, not NULL",
                   ns, s, t)) {
            g->bad = 1;
            return false;
        }
    }
    struct gobj *o = &r->ob[id];
    uint32_t *slots = NULL;
    memset(o, 0, sizeof *o);
    if (ns > 0) {
        slots = hst_arena_alloc(r->run.arena, sizeof(uint32_t) * ns);
        if (slots == NULL) {
            r->run.oom = true;
            return false;
        }
        for (uint32_t s = 0; s < ns; s++)
            slots[s] = NO_ID;
    }
    o->slot = ns ? slots : NULL;
    o->p = p;
    o->pay = pp;
    o->payload = pay;
    o->nslots = ns;
    o->g = gid;
    o->seed = hst_mix(++r->seq ^ ((uint64_t)id << 20));
    o->state = S_ALIVE;
    hst_fill(pp, 0, (size_t)pay, o->seed);
    hst_iset_insert(&r->by_obj, id, (uintptr_t)p);
    hst_iset_insert(&r->by_pay, id, key);
    r->list[r->nlist++] = id;
    g->fresh = 0;
    return judge(r, HSC_GC_ALLOC_2, true, "admitted");
}

/* Bytes of the objects of heap gid the collector still holds (is_live): the
 * ALIVE ones and the MAYBE ones (unreachable, not yet known to be freed by a
 * conservative collector), as long as their name was not used again. */
static uint64_t held_bytes(struct run *r, uint32_t gid)
{
    uint64_t bytes = 0;
    for (uint32_t id = 0; id < NOBJ; id++) {
        struct gobj *o = &r->ob[id];
        if ((o->state == S_ALIVE || o->state == S_MAYBE) && o->g == gid &&
            r->ops.is_live(r->run.ctx, r->hp[gid].h, o->p) == 1)
            bytes += obj_bytes(o);
    }
    return bytes;
}

/* What heap gid may count against its max_bytes when alloc fails (OOM-1,
 * OOM-2): the reachable bytes; on a conservative collector, which may keep
 * unreachable objects (a stale word that looks like a pointer), what it
 * still holds as is_live says. *what names it, for messages. */
static uint64_t counted_bytes(struct run *r, uint32_t gid, const char **what)
{
    uint64_t reach = compute_reach(r, gid);
    *what = "reachable";
    if (r->precise || !r->has_live)
        return reach;
    *what = "held (is_live; a conservative collector)";
    return held_bytes(r, gid);
}

/* alloc; returns true when an object #id was admitted. *null set on NULL. */
static bool do_alloc(struct run *r, uint32_t id, uint32_t gid, uint32_t ns, uint64_t pay,
                     bool *null)
{
    struct gheap *g = &r->hp[gid];
    if (ns > MAX_SLOTS || pay > MAX_PAY || r->nlist >= NOBJ)
        return false;
    if (id < NOBJ && r->ob[id].state == S_ALIVE)
        return false; /* a trace that allocates under a live name: skipped, as in the
                         malloc checker (the old object would leave the shadow's sight) */
    void *p = r->ops.alloc(r->run.ctx, g->h, ns, pay);
    if (null)
        *null = p == NULL;
    if (p == NULL) {
        const char *what;
        uint64_t held = counted_bytes(r, gid, &what);
        uint64_t need = held + 16u + 8u * (uint64_t)ns + pay;
        if (!judge(r, HSC_GC_OOM_1, need > g->max / 4,
                   "alloc(%u, %llu) returned NULL on heap #%u of max_bytes %llu with only %llu "
                   "bytes %s",
                   ns, (ull)pay, gid, (ull)g->max, (ull)held, what))
            g->bad = 1;
        return false;
    }
    return admit(r, id, gid, p, ns, pay);
}

/* An object about to be handed to the subject again. An allocation may have
 * run a collection of its own (the dvmMalloc path): an unreachable object the
 * shadow still lists may be gone, and passing it on would be the checker's
 * misuse. With is_live the checker asks first: gone and unreachable is the
 * collector's right (the object leaves the shadow); gone and reachable is a
 * KEEP-1 violation. Returns the object, or NULL when it is not there. */
static struct gobj *present(struct run *r, uint32_t id)
{
    struct gobj *o = obj(r, id);
    if (o == NULL || !r->has_live)
        return o;
    struct gheap *g = &r->hp[o->g];
    if (r->ops.is_live(r->run.ctx, g->h, o->p) == 1)
        return o;
    compute_reach(r, o->g);
    if (!judge(r, HSC_GC_KEEP_1, !o->reach,
               "reachable object #%u was freed by a collection inside an allocation", id))
        g->bad = 1;
    forget(r, id, S_GONE);
    return NULL;
}

static void do_set(struct run *r, uint32_t id, uint32_t slot, uint32_t t)
{
    struct gobj *o = present(r, id);
    if (o == NULL || slot >= o->nslots)
        return;
    struct gobj *to = t == NO_ID ? NULL : present(r, t);
    if (t != NO_ID && (to == NULL || to->g != o->g))
        return;
    struct gheap *g = &r->hp[o->g];
    r->ops.set_ref(r->run.ctx, g->h, o->p, slot, to ? to->p : NULL);
    o->slot[slot] = t;
    void *got = r->ops.get_ref(r->run.ctx, g->h, o->p, slot);
    if (!judge(r, HSC_GC_REF_1, got == (to ? to->p : NULL),
               "set_ref(#%u, %u, %p) then get_ref gives %p", id, slot, to ? to->p : NULL, got))
        g->bad = 1;
    g->fresh = 0;
}

/* The ALIVE objects of heap gid at its lowest and highest address (NO_ID
 * when it has none); after compute_reach. */
static void heap_ends(struct run *r, uint32_t gid, uint32_t *lo, uint32_t *hi)
{
    *lo = *hi = NO_ID;
    for (uint32_t i = 0; i < r->nlist; i++) {
        uint32_t id = r->list[i];
        const struct gobj *o = &r->ob[id];
        if (o->state != S_ALIVE || o->g != gid)
            continue;
        if (*lo == NO_ID || (uintptr_t)o->p < (uintptr_t)r->ob[*lo].p)
            *lo = id;
        if (*hi == NO_ID || (uintptr_t)o->p > (uintptr_t)r->ob[*hi].p)
            *hi = id;
    }
}

/* EDGE-1/2: the two end objects of heap gid after a collection, judged
 * after every other object, so that a bug at the ends alone (an off-by-one
 * in a bitmap's index arithmetic) is told apart from one everywhere.
 * reachable: the reachable ends (EDGE-1); else the unreachable ones, which
 * leave the shadow (EDGE-2 on a precise collector with is_live). */
static bool ends_ok(struct run *r, uint32_t gid, const uint32_t ends[2], bool reachable)
{
    static const char *const where[2] = {"lowest", "highest"};
    struct gheap *g = &r->hp[gid];
    for (int k = 0; k < 2; k++) {
        uint32_t id = ends[k];
        if (id == NO_ID || (k == 1 && id == ends[0]) || r->ob[id].state != S_ALIVE)
            continue;
        struct gobj *o = &r->ob[id];
        if ((o->reach != 0) != reachable)
            continue;
        char when[96];
        snprintf(when, sizeof when, "after a collection (the object at the %s address of heap #%u)",
                 where[k], gid);
        if (reachable) {
            if (!intact(r, id, HSC_GC_EDGE_1, when)) {
                g->bad = 1;
                return false;
            }
            continue;
        }
        if (!r->precise) {
            forget(r, id, S_MAYBE);
            continue;
        }
        if (r->has_live && !judge(r, HSC_GC_EDGE_2, r->ops.is_live(r->run.ctx, g->h, o->p) == 0,
                                  "unreachable object #%u is still live %s", id, when)) {
            g->bad = 1;
            return false;
        }
        forget(r, id, S_GONE);
    }
    return true;
}

static void do_collect(struct run *r, uint32_t gid)
{
    struct gheap *g = &r->hp[gid];
    compute_reach(r, gid);
    uint32_t ends[2];
    heap_ends(r, gid, &ends[0], &ends[1]);
    /* garbage still live before the collection (what collect must free) */
    uint64_t want = 0;
    bool countable = r->precise && r->has_live;
    for (uint32_t i = 0; i < r->nlist && countable; i++) {
        struct gobj *o = &r->ob[r->list[i]];
        if (o->state == S_ALIVE && o->g == gid && !o->reach &&
            r->ops.is_live(r->run.ctx, g->h, o->p) == 1)
            want++;
    }
    int64_t n = r->ops.collect(r->run.ctx, g->h);
    if (!judge(r, HSC_GC_COLLECT_1, n >= 0, "collect() on heap #%u returned %lld", gid,
               (long long)n)) {
        g->bad = 1;
        return;
    }
    g->fresh = 1;
    if (!intact_but(r, gid, HSC_GC_KEEP_2, "after a collection", ends) ||
        !ends_ok(r, gid, ends, true))
        return;
    if (!r->precise) {
        HST_SKIP_ONCE(r, HSC_GC_EDGE_2, "not HS_GC_CAP_PRECISE (a conservative collector)");
        HST_SKIP_ONCE(r, HSC_GC_FREE_1, "not HS_GC_CAP_PRECISE (a conservative collector)");
        HST_SKIP_ONCE(r, HSC_GC_FREE_2, "not HS_GC_CAP_PRECISE (a conservative collector)");
        HST_SKIP_ONCE(r, HSC_GC_CYCLE_1, "not HS_GC_CAP_PRECISE (a conservative collector)");
        HST_SKIP_ONCE(r, HSC_GC_ROOT_1, "not HS_GC_CAP_PRECISE (a conservative collector)");
    } else if (!r->has_live && !r->has_walk) {
        HST_SKIP_ONCE(r, HSC_GC_FREE_1, "neither HS_GC_CAP_IS_LIVE nor WALK: freeing unseen");
    }
    if (r->precise && !r->has_live) {
        HST_SKIP_ONCE(r, HSC_GC_FREE_2, "no HS_GC_CAP_IS_LIVE");
        HST_SKIP_ONCE(r, HSC_GC_EDGE_2, "no HS_GC_CAP_IS_LIVE");
    }
    if (g->bad)
        return;
    for (uint32_t i = 0; i < r->nlist; i++) {
        uint32_t id = r->list[i];
        struct gobj *o = &r->ob[id];
        if (o->state != S_ALIVE || o->g != gid || o->reach || is_end(ends, id))
            continue;
        if (!r->precise) {
            forget(r, id, S_MAYBE);
            continue;
        }
        if (r->has_live) {
            int c = on_cycle(r, id) ? HSC_GC_CYCLE_1
                                    : o->was_reached ? HSC_GC_ROOT_1 : HSC_GC_FREE_1;
            if (!judge(r, c, r->ops.is_live(r->run.ctx, g->h, o->p) == 0,
                       "unreachable object #%u (%u slots, %llu bytes%s) is still live after a "
                       "full collection of heap #%u",
                       id, o->nslots, (ull)o->payload,
                       c == HSC_GC_CYCLE_1 ? ", on a cycle"
                       : c == HSC_GC_ROOT_1 ? ", reachable before" : "", gid)) {
                g->bad = 1;
                return;
            }
        }
        forget(r, id, S_GONE);
    }
    if (!ends_ok(r, gid, ends, false))
        return;
    if (countable && !judge(r, HSC_GC_FREE_2, (uint64_t)n == want,
                            "collect() on heap #%u returned %lld, but %llu unreachable objects "
                            "were live before it",
                            gid, (long long)n, (ull)want)) {
        g->bad = 1;
        return;
    }
    if (r->has_walk)
        judge_walk(r, gid);
}

static void do_root(struct run *r, uint32_t id, bool add)
{
    struct gobj *o = present(r, id);
    if (o == NULL || (!add && o->roots == 0))
        return;
    struct gheap *g = &r->hp[o->g];
    if (add) {
        r->ops.root_add(r->run.ctx, g->h, o->p);
        o->roots++;
    } else {
        r->ops.root_remove(r->run.ctx, g->h, o->p);
        o->roots--;
        if (o->roots > 0) {
            /* still a root: the next collection must keep it (ROOT-2) */
            int64_t n = r->ops.collect(r->run.ctx, g->h);
            (void)n;
            if (r->has_live &&
                !judge(r, HSC_GC_ROOT_2, r->ops.is_live(r->run.ctx, g->h, o->p) == 1,
                       "object #%u added as a root %u+1 times, removed once, was freed by a "
                       "collection", id, o->roots))
                g->bad = 1;
            else if (!intact(r, id, HSC_GC_ROOT_2, "after one of its two roots was removed"))
                g->bad = 1;
            else
                do_collect(r, o->g); /* the shadow learns what that collection freed */
            return;
        }
    }
    g->fresh = 0;
}

/* exhaust: a rooted chain until NULL, then drop it and alloc again. */
static void op_exhaust(struct run *r, uint32_t gid, uint64_t pay, uint64_t count)
{
    struct gheap *g = &r->hp[gid];
    uint32_t head = NO_ID, prev = NO_ID;
    bool null = false;
    uint64_t made = 0;
    for (uint64_t i = 0; i < count && !g->bad && !r->run.oom; i++) {
        if (r->next_auto >= NOBJ)
            r->next_auto = AUTO_BASE;
        uint32_t id = r->next_auto++;
        if (!do_alloc(r, id, gid, 1, pay, &null))
            break;
        made++;
        if (prev == NO_ID) {
            head = id;
            do_root(r, id, true);
        } else {
            do_set(r, prev, 0, id);
        }
        prev = id;
    }
    if (g->bad || r->run.oom || !null) {
        if (!null && !g->bad)
            hst_branch(r->run.sink, HSC_GC_OOM_2, "no NULL within %llu allocs", (ull)count);
        return;
    }
    uint64_t bytes = compute_reach(r, gid);
    if (!r->oom_fig) {
        r->oom_fig = true;
        hst_figure(r->run.sink, HSC_GC_OOM_3, g->max ? (double)bytes / (double)g->max : 0.0,
                   "fraction");
    }
    if (!all_intact(r, gid, HSC_GC_OOM_2, "after alloc returned NULL"))
        return;
    /* still works: the chain made unreachable, a collection, a new object */
    if (head != NO_ID)
        do_root(r, head, false);
    do_collect(r, gid);
    if (g->bad)
        return;
    /* success is owed only where OOM-1 owes it: the counted bytes plus the
     * request within a quarter of the heap (a request larger than that may be
     * refused forever, e.g. on a heap smaller than one object) */
    const char *what;
    if (counted_bytes(r, gid, &what) + 16u + 8u + pay > g->max / 4)
        return;
    if (r->next_auto >= NOBJ)
        r->next_auto = AUTO_BASE;
    uint32_t id = r->next_auto++;
    bool again = false;
    bool ok = do_alloc(r, id, gid, 1, pay, &again);
    if (!g->bad && !judge(r, HSC_GC_OOM_2, ok,
                          "after a NULL, the %llu chained objects made unreachable and a "
                          "collection, alloc(1, %llu) on heap #%u %s",
                          (ull)made, (ull)pay, gid, again ? "still returns NULL" : "failed"))
        g->bad = 1;
}

static void op_churn(struct run *r, uint32_t gid, uint64_t seed, uint64_t count)
{
    struct gheap *g = &r->hp[gid];
    uint32_t ids[CHURN_LIVE];
    uint32_t n = 0;
    uint64_t x = hst_mix(seed ^ 0x6763ull);
    for (uint64_t s = 0; s < count && !g->bad && !r->run.oom; s++) {
        x = hst_mix(x + s);
        uint32_t p = (uint32_t)(x % 100);
        uint64_t y = x >> 8;
        /* drop names of objects no longer ALIVE */
        for (uint32_t i = 0; i < n;)
            if (r->ob[ids[i]].state != S_ALIVE)
                ids[i] = ids[--n];
            else
                i++;
        if (n < 4 || (p < 35 && n < CHURN_LIVE)) {
            if (r->next_auto >= NOBJ)
                r->next_auto = AUTO_BASE;
            uint32_t id = r->next_auto++;
            uint32_t ns = (uint32_t)(y % 5);
            uint64_t pay = (y >> 8) % 200;
            if (do_alloc(r, id, gid, ns, pay, NULL)) {
                ids[n++] = id;
                do_root(r, id, true); /* kept until a later unroot */
            }
        } else if (p < 70) {
            struct gobj *o = &r->ob[ids[y % n]];
            uint32_t t = ids[(y >> 12) % n];
            if (o->nslots > 0)
                do_set(r, ids[y % n], (uint32_t)((y >> 24) % o->nslots), (y >> 30) % 8 ? t : NO_ID);
        } else if (p < 90) {
            uint32_t id = ids[y % n];
            if (r->ob[id].roots > 0)
                do_root(r, id, false);
        } else if (p < 96) {
            do_root(r, ids[y % n], true);
        } else {
            do_collect(r, gid);
        }
    }
}

/* ---------------------------------------------------------------- run */

static bool gc_offered(const struct hs_subject *s)
{
    return HST_OFFERS(s, gc_ops);
}

static int gc_step(struct hst_run *run, const struct hst_op *op)
{
    struct run *r = (struct run *)run;
    switch (op->kind) {
    case GO_CREATE:
        if (op->dst < NOBJ)
            op_create(r, op->dst, op->a);
        break;
    case GO_DESTROY:
        if (op->dst < NOBJ)
            op_destroy(r, op->dst);
        break;
    case GO_ALLOC:
        if (op->dst < AUTO_BASE && heap(r, op->src) != NULL)
            do_alloc(r, op->dst, op->src, op->a > UINT32_MAX ? UINT32_MAX : (uint32_t)op->a,
                     op->b, NULL);
        break;
    case GO_SET:
        do_set(r, op->dst, op->a > UINT32_MAX ? UINT32_MAX : (uint32_t)op->a, op->src);
        break;
    case GO_GET: {
        struct gobj *ob = present(r, op->dst); /* an alloc may have collected it */
        if (ob != NULL && op->a < ob->nslots) {
            uint32_t t = ob->slot[op->a];
            void *got = r->ops.get_ref(run->ctx, r->hp[ob->g].h, ob->p, (uint32_t)op->a);
            void *want = t == NO_ID ? NULL : r->ob[t].p;
            if (!judge(r, HSC_GC_REF_1, got == want, "get_ref(#%u, %llu) is %p, want %p",
                       op->dst, (ull)op->a, got, want))
                r->hp[ob->g].bad = 1;
        }
        break;
    }
    case GO_ROOT:
    case GO_UNROOT:
        do_root(r, op->dst, op->kind == GO_ROOT);
        break;
    case GO_COLLECT:
        if (heap(r, op->dst) != NULL)
            do_collect(r, op->dst);
        break;
    case GO_WALK:
        if (heap(r, op->dst) != NULL) {
            compute_reach(r, op->dst);
            judge_walk(r, op->dst);
        }
        break;
    case GO_EXHAUST:
        if (heap(r, op->dst) != NULL)
            op_exhaust(r, op->dst, op->a, op->b);
        break;
    case GO_CHURN:
        if (heap(r, op->dst) != NULL)
            op_churn(r, op->dst, op->a, op->b);
        break;
    default:
        break;
    }
    return 0;
}

/* End of the trace: a last collection of heap id (judged), then its destroy. */
static void gc_end(struct hst_run *run, uint32_t id)
{
    struct run *r = (struct run *)run;
    if (!r->hp[id].live)
        return;
    if (!r->hp[id].bad)
        do_collect(r, id);
    if (!run->sink->failed)
        op_destroy(r, id);
}

static const struct hst_run_hooks gc_hooks = {gc_step, NULL, gc_end};

static int gc_run(const struct hs_subject *subj, hs_ctx_t *ctx, const struct hst_case *cs,
                  struct hst_sink *sink, struct hst_arena *arena)
{
    struct run *r = hst_run_alloc(sizeof *r, ctx, cs, sink, arena);
    if (r == NULL || !gc_offered(subj))
        return -1;
    hst_copy_table(&r->ops, sizeof r->ops, subj->gc_ops);
    r->hp = hst_arena_alloc(arena, sizeof(struct gheap) * NOBJ);
    r->ob = hst_arena_alloc(arena, sizeof(struct gobj) * NOBJ);
    r->list = hst_arena_alloc(arena, sizeof(uint32_t) * NOBJ);
    r->stack = hst_arena_alloc(arena, sizeof(uint32_t) * NOBJ);
    r->by_obj.n = hst_arena_alloc(arena, sizeof(struct hst_inode) * NOBJ);
    r->by_pay.n = hst_arena_alloc(arena, sizeof(struct hst_inode) * NOBJ);
    if (!r->hp || !r->ob || !r->list || !r->stack || !r->by_obj.n || !r->by_pay.n)
        return -1;
    r->by_obj.rng = 0x9e3779b97f4a7c15ull;
    r->by_pay.rng = 0x2545f4914f6cdd1dull;
    r->next_auto = AUTO_BASE;
    r->precise = (r->ops.caps & HS_GC_CAP_PRECISE) != 0;
    r->has_live = (r->ops.caps & HS_GC_CAP_IS_LIVE) != 0 && r->ops.is_live != NULL;
    r->has_walk = (r->ops.caps & HS_GC_CAP_WALK) != 0 && r->ops.walk != NULL;
    if (!hst_run_complete(&r->run, HSC_GC_CREATE_1, "gc",
                          r->ops.create && r->ops.destroy && r->ops.alloc && r->ops.payload &&
                              r->ops.set_ref && r->ops.get_ref && r->ops.root_add &&
                              r->ops.root_remove && r->ops.collect))
        return 0;
    return hst_run_trace(&r->run, &gc_hooks);
}

const struct hst_family hst_gc_family = {
    "gc", gc_grammar, sizeof gc_grammar / sizeof gc_grammar[0],
    gc_run, gc_offered, HSC_GC_SELFCHECK_1,
};
