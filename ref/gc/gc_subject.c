/*
 * gc_subject.c — ref/gc as the "ref-gc" conformance subject (gc family of
 * spec/include/heapspec/heapspec.h). Caps: PRECISE (every unreachable
 * object is freed by a full collection), WALK, IS_LIVE.
 *
 * Context (one per open()): the HS_OPEN_* flags and the collectors made
 * through it. The fault axes (fail_nth_backing, footprint_limit) are not
 * offered: open() answers -ENOTSUP for them (max_bytes of create is the
 * collector's own limit). Under HS_OPEN_CHECKED every mutating call is
 * followed by hsr_gc_check, and every collect by the reachability check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/heapspec.h"
#include "ref/subject/subject_ctx.h"

struct hs_gc_s {
    struct hsri_subject_node node; /* first: the context's list (nothing charged) */
    hsr_gc_t *gc;                  /* the reference collector */
};

static void g_destroy(hs_ctx_t *c, hs_gc_t *g);

/* What the context runs for check() (how 0) and, under HS_OPEN_CHECKED,
 * after a mutation (how: the hsr_gc_check flags). */
static bool g_checker(const struct hsri_subject_node *n, uint32_t how, char *why, size_t len) {
    const hs_gc_t *g = (const void *)n;
    char w[HSRI_SUBJECT_WHY_MAX - 16]; /* leaves room for the prefix */
    if (hsr_gc_check(g->gc, how, w, sizeof w) == 0) {
        return true;
    }
    snprintf(why, len, "ref-gc: %s", w);
    return false;
}

/* What the context's close() runs on each collector left open. */
static void g_drop(hs_ctx_t *c, struct hsri_subject_node *n) {
    g_destroy(c, (hs_gc_t *)(void *)n);
}

static const struct hsri_subject_kind gc_kind = {
    .walk = g_checker,
    .destroy = g_drop,
    .faults = false, /* max_bytes of create is the collector's own limit */
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out) {
    return hsri_subject_open(&gc_kind, args, out);
}

static void after(hs_ctx_t *c, const hs_gc_t *g, uint32_t flags) {
    hsri_subject_after(c, &g->node, flags);
}

static int g_create(hs_ctx_t *c, uint64_t max_bytes, hs_gc_t **out) {
    if (out == NULL) {
        return -EINVAL;
    }
    hsr_gc_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_bytes = max_bytes;
    hs_gc_t *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return -ENOMEM;
    }
    int err = hsr_gc_create(&cfg, &g->gc);
    if (err != 0) {
        free(g);
        return err;
    }
    hsri_subject_link(c, &g->node, 0);
    after(c, g, 0);
    *out = g;
    return 0;
}

static void g_destroy(hs_ctx_t *c, hs_gc_t *g) {
    if (g == NULL) {
        return;
    }
    hsri_subject_unlink(c, &g->node);
    hsr_gc_destroy(g->gc);
    free(g);
}

static void *g_alloc(hs_ctx_t *c, hs_gc_t *g, uint32_t nslots, uint64_t payload) {
    void *p = hsr_gc_alloc(g->gc, nslots, payload);
    after(c, g, 0);
    return p;
}

static void *g_payload(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    return hsr_gc_payload(obj);
}

static void g_set_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot, void *target) {
    hsr_gc_set_ref(g->gc, obj, slot, target);
    after(c, g, 0);
}

static void *g_get_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot) {
    return hsr_gc_get_ref(g->gc, obj, slot);
}

static void g_root_add(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    (void)hsr_gc_root_add(g->gc, obj);
    after(c, g, 0);
}

static void g_root_remove(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    (void)hsr_gc_root_remove(g->gc, obj);
    after(c, g, 0);
}

static int64_t g_collect(hs_ctx_t *c, hs_gc_t *g) {
    int64_t n = hsr_gc_collect(g->gc);
    after(c, g, HSR_GC_CHECK_REACHABLE);
    return n;
}

static int g_is_live(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    return hsr_gc_is_live(g->gc, obj);
}

static void g_walk(hs_ctx_t *c, hs_gc_t *g, hs_gc_visit_fn fn, void *arg) {
    hsr_gc_walk(g->gc, fn, arg);
}

static const struct hs_gc_ops gc_ops = {
    .struct_size = sizeof(struct hs_gc_ops),
    .version = HS_GC_OPS_VERSION,
    .caps = HS_GC_CAP_PRECISE | HS_GC_CAP_WALK | HS_GC_CAP_IS_LIVE,
    .create = g_create,
    .destroy = g_destroy,
    .alloc = g_alloc,
    .payload = g_payload,
    .set_ref = g_set_ref,
    .get_ref = g_get_ref,
    .root_add = g_root_add,
    .root_remove = g_root_remove,
    .collect = g_collect,
    .is_live = g_is_live,
    .walk = g_walk,
};

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-gc",
    .version = "0.1",
    .description = "heapspec reference Dalvik-style mark-sweep: heap bitmaps per space, "
                   "bounded mark stack with rescan recovery, bulk-free sweep (ref/gc)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = ctx_open,
    .close = hsri_subject_close,
    .gc_ops = &gc_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_gc_subject(void) {
    return &subject;
}
