/*
 * gc_mutant.c — the reference collector (//ref/gc:gc, heapspec/gc.h) behind
 * the heapspec gc ABI with ONE planted bug, chosen at compile time by a
 * MUT_<NAME> define (conformance/mutants/gc/BUILD builds one shared object
 * per define). Each bug and the clause that must catch it:
 *
 *   MUT_CREATE    create refuses max_bytes below 1 MiB          GC-CREATE-1
 *   MUT_ALLOC     a new object's first payload byte is 0xAA     GC-ALLOC-1
 *   MUT_REF       get_ref of slot >= 1 answers NULL             GC-REF-1
 *   MUT_KEEP      collect flips a payload byte of every object  GC-KEEP-2
 *   MUT_FREE      collect does nothing and returns 0            GC-FREE-1
 *   MUT_CYCLE     a set_ref closing a 1- or 2-cycle adds a       GC-CYCLE-1
 *                 hidden root (reference-counting leak)
 *   MUT_ROOT      root_remove does nothing                      GC-ROOT-1
 *   MUT_ROOTSET   roots are a set: root_remove drops them all   GC-ROOT-2
 *   MUT_WALK      walk skips the first object                   GC-WALK-1
 *   MUT_EDGE      after a collection, the object at the heap's  GC-EDGE-1
 *                 highest address reads as not live (a lost
 *                 last bit of the live bitmap)
 *   MUT_OOM       alloc fails once the heap holds max/8 bytes,  GC-OOM-1
 *                 without collecting
 *   MUT_SELFCHECK check always reports an inconsistency         GC-SELFCHECK-1
 *
 * The context, its list of collectors and the exported heapspec_subject()
 * (the object's only symbol, ref/subject.lds) are mutant_subject.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/mutants/mutant_subject.h"
#include "heapspec/gc.h"
#include "heapspec/heapspec.h"

struct hs_gc_s {
    struct mut_link link; /* first: the context's list (mutant_subject.h) */
    hsr_gc_t *gc;
    uint64_t max;
    int collected; /* MUT_EDGE: a collection ran */
};
_Static_assert(offsetof(struct hs_gc_s, link) == 0, "mutant_subject.c frees through link");

static int m_create(hs_ctx_t *c, uint64_t max_bytes, hs_gc_t **out)
{
#ifdef MUT_CREATE
    if (max_bytes < ((uint64_t)1 << 20))
        return -ENOMEM;
#endif
    hsr_gc_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_bytes = max_bytes;
    hs_gc_t *g = calloc(1, sizeof *g);
    if (g == NULL)
        return -ENOMEM;
    g->max = max_bytes;
    int err = mut_handle_add(c, g, hsr_gc_create(&cfg, &g->gc));
    if (err == 0)
        *out = g;
    return err;
}

static void m_destroy(hs_ctx_t *c, hs_gc_t *g) { mut_handle_destroy(c, g); }

static void *m_alloc(hs_ctx_t *c, hs_gc_t *g, uint32_t nslots, uint64_t payload)
{
    (void)c;
#ifdef MUT_OOM
    hsr_gc_stats_t st;
    hsr_gc_stats(g->gc, &st);
    if (st.bytes + payload + 16u + 8u * (uint64_t)nslots > g->max / 8)
        return NULL;
#endif
    void *p = hsr_gc_alloc(g->gc, nslots, payload);
#ifdef MUT_ALLOC
    if (p != NULL && payload > 0)
        ((unsigned char *)hsr_gc_payload(p))[0] = 0xAA;
#endif
    return p;
}

static void *m_payload(hs_ctx_t *c, hs_gc_t *g, void *obj)
{
    (void)c;
    (void)g;
    return hsr_gc_payload(obj);
}

static void m_set_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot, void *target)
{
    (void)c;
#ifdef MUT_CYCLE
    if (target != NULL) {
        int closes = target == obj;
        for (uint32_t s = 0; s < hsr_gc_nslots(target) && !closes; s++)
            closes = hsr_gc_get_ref(g->gc, target, s) == obj;
        if (closes)
            (void)hsr_gc_root_add(g->gc, obj); /* never removed: the cycle leaks */
    }
#endif
    hsr_gc_set_ref(g->gc, obj, slot, target);
}

static void *m_get_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot)
{
    (void)c;
#ifdef MUT_REF
    if (slot >= 1)
        return NULL;
#endif
    return hsr_gc_get_ref(g->gc, obj, slot);
}

static void m_root_add(hs_ctx_t *c, hs_gc_t *g, void *obj)
{
    (void)c;
    (void)hsr_gc_root_add(g->gc, obj);
}

static void m_root_remove(hs_ctx_t *c, hs_gc_t *g, void *obj)
{
    (void)c;
#ifdef MUT_ROOT
    (void)g;
    (void)obj;
#elif defined(MUT_ROOTSET)
    while (hsr_gc_root_remove(g->gc, obj) == 0) {
    }
#else
    (void)hsr_gc_root_remove(g->gc, obj);
#endif
}

#ifdef MUT_KEEP
static void flip(void *obj, void *arg)
{
    (void)arg;
    if (hsr_gc_payload_size(obj) > 0)
        ((unsigned char *)hsr_gc_payload(obj))[0] ^= 0x5a;
}
#endif

static int64_t m_collect(hs_ctx_t *c, hs_gc_t *g)
{
    (void)c;
#ifdef MUT_FREE
    (void)g;
    return 0;
#else
    int64_t n = hsr_gc_collect(g->gc);
#ifdef MUT_KEEP
    hsr_gc_walk(g->gc, flip, NULL);
#endif
    g->collected = 1;
    return n;
#endif
}

#ifdef MUT_EDGE
static void highest(void *obj, void *arg)
{
    void **hi = arg;
    if ((uintptr_t)obj > (uintptr_t)*hi)
        *hi = obj;
}
#endif

static int m_is_live(hs_ctx_t *c, hs_gc_t *g, void *obj)
{
    (void)c;
#ifdef MUT_EDGE
    if (g->collected) {
        void *hi = NULL;
        hsr_gc_walk(g->gc, highest, &hi);
        if (obj == hi)
            return 0;
    }
#endif
    return hsr_gc_is_live(g->gc, obj);
}

struct skip_first {
    hs_gc_visit_fn fn;
    void *arg;
    int seen;
};

static void skip_first_fn(void *obj, void *arg)
{
    struct skip_first *s = arg;
    if (s->seen++ == 0)
        return;
    s->fn(obj, s->arg);
}

static void m_walk(hs_ctx_t *c, hs_gc_t *g, hs_gc_visit_fn fn, void *arg)
{
    (void)c;
#ifdef MUT_WALK
    struct skip_first s = {fn, arg, 0};
    hsr_gc_walk(g->gc, skip_first_fn, &s);
#else
    (void)skip_first_fn;
    hsr_gc_walk(g->gc, fn, arg);
#endif
}

static void m_release(void *handle)
{
    hs_gc_t *g = handle;
    hsr_gc_destroy(g->gc);
}

static int m_check_one(const void *handle, char *buf, size_t len)
{
    const hs_gc_t *g = handle;
    return hsr_gc_check(g->gc, 0, buf, len) != 0 ? -1 : 0;
}

static int m_check(hs_ctx_t *c, char *buf, size_t len)
{
#ifdef MUT_SELFCHECK
    (void)c;
    snprintf(buf, len, "mut-gc-selfcheck: planted inconsistency");
    return -1;
#else
    return mut_ctx_check(c, buf, len);
#endif
}

static const struct hs_gc_ops m_ops = {
    .struct_size = sizeof(struct hs_gc_ops),
    .version = HS_GC_OPS_VERSION,
    .caps = HS_GC_CAP_PRECISE | HS_GC_CAP_WALK | HS_GC_CAP_IS_LIVE,
    .create = m_create,
    .destroy = m_destroy,
    .alloc = m_alloc,
    .payload = m_payload,
    .set_ref = m_set_ref,
    .get_ref = m_get_ref,
    .root_add = m_root_add,
    .root_remove = m_root_remove,
    .collect = m_collect,
    .is_live = m_is_live,
    .walk = m_walk,
};

static const struct hs_subject m_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "mut-gc",
    .version = "0",
    .description = "a deliberately broken gc (conformance/mutants/gc)",
    .flags = 0,
    .open = mut_ctx_open,
    .close = mut_ctx_close,
    .gc_ops = &m_ops,
    .check = m_check,
};

const struct mut_family mut_family = {
    .subject = &m_subject,
    .refuse_fault_args = true,
    .release = m_release,
    .check = m_check_one,
};
