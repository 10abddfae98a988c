/*
 * gc_check.c — hsr_gc_check, the collector's whole-heap walker (gc.h).
 *
 * It trusts nothing of the collector's own bookkeeping that it can
 * recompute: the spaces heap's walk (mspace inspect_all, the LOS runs) is
 * the ground truth the bitmaps and the LOS set are compared with, and the
 * reachability check runs its own traversal with private visited bitmaps
 * and an unbounded stack, independent of the mark machinery.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"
#include "ref/gc/gc_impl.h"
#include "ref/glue/attrs.h"

struct walk_ctx {
    const hsr_gc_t *g;
    uint64_t cont;    /* continuous allocations seen */
    uint64_t los;     /* LOS allocations seen */
    uint64_t bytes;   /* their allocation sizes */
    char why[160];    /* first problem */
};

HSRI_WALKER static void object_fn(void *p, uint64_t usable, uint32_t kind, void *arg) {
    struct walk_ctx *w = arg;
    const uint32_t *hdr = p;
    if (w->why[0] != 0) {
        return;
    }
    if (kind == HSR_SPACE_LARGE_OBJECT) {
        w->los++;
        if (hsri_objset_find(&w->g->los, p) < 0) {
            snprintf(w->why, sizeof w->why, "LOS object %p missing from the live set", p);
            return;
        }
    } else {
        w->cont++;
        hsri_gc_space_bm_t *b = hsri_gc_bm_of(w->g, p);
        if (b == NULL || b->kind != kind || !hsr_gc_bitmap_test(&b->live, (uintptr_t)p)) {
            snprintf(w->why, sizeof w->why, "object %p: live bit clear or wrong bitmap", p);
            return;
        }
    }
    w->bytes += hsr_spaces_allocation_size(w->g->heap, p);
    if (usable < HSR_GC_HEADER || hdr[0] != HSR_GC_OBJ_MAGIC ||
        hsr_gc_object_size(p) > usable) {
        snprintf(w->why, sizeof w->why, "object %p: bad header or larger than its block", p);
        return;
    }
    void *const *slot = (void *const *)((const char *)p + HSR_GC_HEADER);
    for (uint32_t i = 0; i < hsr_gc_nslots(p); i++) {
        if (slot[i] != NULL && !hsr_gc_is_live(w->g, slot[i])) {
            snprintf(w->why, sizeof w->why, "object %p slot %u: %p is not a live object", p,
                     i, slot[i]);
            return;
        }
    }
}

/* ---- reachability, independent of the marker ---- */

struct reach {
    const hsr_gc_t *g;
    hsr_gc_bitmap_t seen[HSRI_GC_MAX_BITMAPS];
    hsri_gc_objset_t seen_los;
    void **stack;
    uint64_t sp, cap;
    uint64_t visited; /* non-zygote objects reached */
    int oom;
};

HSRI_WALKER static void reach_push(struct reach *r, void *p) {
    const hsr_gc_t *g = r->g;
    int fresh;
    int zygote = 0;
    if (p == NULL || r->oom) {
        return;
    }
    hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, p);
    if (b != NULL) {
        fresh = !hsr_gc_bitmap_set(&r->seen[b - g->bm], (uintptr_t)p);
        zygote = b->kind == HSR_SPACE_ZYGOTE;
    } else {
        fresh = hsri_objset_find(&r->seen_los, p) < 0;
        if (fresh && hsri_objset_add(&r->seen_los, p) != 0) {
            r->oom = 1;
            return;
        }
    }
    if (!fresh) {
        return;
    }
    if (!zygote) {
        r->visited++;
    }
    if (r->sp == r->cap) {
        uint64_t ncap = r->cap == 0 ? 1024 : r->cap * 2;
        void **ns = realloc(r->stack, sizeof *ns * (size_t)ncap);
        if (ns == NULL) {
            r->oom = 1;
            return;
        }
        r->stack = ns;
        r->cap = ncap;
    }
    r->stack[r->sp++] = p;
}

HSRI_WALKER static void reach_zygote_fn(uintptr_t addr, void *arg) {
    reach_push(arg, (void *)addr);
}

/* 0: every live non-zygote object is reachable; -1 otherwise (why). */
HSRI_WALKER static int check_reachable(const hsr_gc_t *g, char *why, size_t len) {
    struct reach r;
    memset(&r, 0, sizeof r);
    r.g = g;
    for (uint32_t i = 0; i < g->nbm; i++) {
        if (hsr_gc_bitmap_init(&r.seen[i], g->bm[i].live.base, g->bm[i].live.capacity) != 0) {
            r.oom = 1;
        }
    }
    for (uint64_t i = 0; i < g->nroots; i++) {
        reach_push(&r, g->roots[i]);
    }
    for (uint32_t i = 0; i < g->nbm && !r.oom; i++) {
        if (g->bm[i].kind == HSR_SPACE_ZYGOTE) {
            hsr_gc_bitmap_walk(&g->bm[i].live, reach_zygote_fn, &r);
        }
    }
    while (r.sp > 0 && !r.oom) {
        void *p = r.stack[--r.sp];
        void **slot = (void **)((char *)p + HSR_GC_HEADER);
        for (uint32_t i = 0; i < hsr_gc_nslots(p); i++) {
            reach_push(&r, slot[i]);
        }
    }
    uint64_t live = g->los.n;
    for (uint32_t i = 0; i < g->nbm; i++) {
        if (g->bm[i].kind != HSR_SPACE_ZYGOTE) {
            live += hsr_gc_bitmap_count(&g->bm[i].live);
        }
    }
    int rc = 0;
    if (r.oom) {
        snprintf(why, len, "reachability check: out of memory");
        rc = -1;
    } else if (r.visited != live) {
        snprintf(why, len, "%llu live objects but %llu reachable: garbage survived",
                 (unsigned long long)live, (unsigned long long)r.visited);
        rc = -1;
    }
    for (uint32_t i = 0; i < g->nbm; i++) {
        hsr_gc_bitmap_fini(&r.seen[i]);
    }
    hsri_objset_free(&r.seen_los);
    free(r.stack);
    return rc;
}

HSRI_WALKER int hsr_gc_check(const hsr_gc_t *g, uint32_t flags, char *msg, size_t len) {
    char buf[160];
    if (msg == NULL) {
        len = 0;
    }
    if (g == NULL || g->magic != HSRI_GC_MAGIC) {
        snprintf(msg, len, "not a live collector");
        return -1;
    }
    if (hsr_spaces_check(g->heap, buf, sizeof buf) != 0) {
        snprintf(msg, len, "spaces: %s", buf);
        return -1;
    }
    /* Bitmaps cover exactly the continuous spaces, one pair each. */
    hsr_space_info_t info[6];
    size_t ns = hsr_spaces_list(g->heap, info, 6);
    uint32_t want = 0;
    for (size_t i = 0; i < ns && i < 6; i++) {
        if (!info[i].continuous || info[i].kind == HSR_SPACE_IMAGE) {
            continue;
        }
        want++;
        hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, info[i].begin);
        if (b == NULL || b->kind != info[i].kind || b->live.base != (uintptr_t)info[i].begin ||
            b->live.capacity != info[i].capacity || b->mark.base != b->live.base ||
            b->mark.capacity != b->live.capacity) {
            snprintf(msg, len, "the bitmaps of space kind %u do not cover it exactly",
                     info[i].kind);
            return -1;
        }
        if (hsr_gc_bitmap_check(&b->live, buf, sizeof buf) != 0 ||
            hsr_gc_bitmap_check(&b->mark, buf, sizeof buf) != 0) {
            snprintf(msg, len, "%s", buf);
            return -1;
        }
    }
    if (want != g->nbm) {
        snprintf(msg, len, "%u bitmap pairs for %u continuous spaces", g->nbm, want);
        return -1;
    }
    /* The heap walk matches the live bitmaps and the LOS set. */
    struct walk_ctx w;
    memset(&w, 0, sizeof w);
    w.g = g;
    hsr_spaces_walk(g->heap, object_fn, &w);
    if (w.why[0] != 0) {
        snprintf(msg, len, "%s", w.why);
        return -1;
    }
    uint64_t bits = 0;
    for (uint32_t i = 0; i < g->nbm; i++) {
        bits += hsr_gc_bitmap_count(&g->bm[i].live);
    }
    if (bits != w.cont || g->los.n != w.los) {
        snprintf(msg, len, "live bits %llu vs %llu objects, LOS set %llu vs %llu",
                 (unsigned long long)bits, (unsigned long long)w.cont,
                 (unsigned long long)g->los.n, (unsigned long long)w.los);
        return -1;
    }
    if (g->objects != w.cont + w.los || g->bytes != w.bytes) {
        snprintf(msg, len, "counters: %llu objects / %llu bytes, walk %llu / %llu",
                 (unsigned long long)g->objects, (unsigned long long)g->bytes,
                 (unsigned long long)(w.cont + w.los), (unsigned long long)w.bytes);
        return -1;
    }
    for (uint64_t i = 0; i < g->nroots; i++) {
        if (!hsr_gc_is_live(g, g->roots[i])) {
            snprintf(msg, len, "root %p is not a live object", g->roots[i]);
            return -1;
        }
    }
    if (g->sp != 0) {
        snprintf(msg, len, "mark stack not empty outside a collection");
        return -1;
    }
    if ((flags & HSR_GC_CHECK_REACHABLE) != 0 && check_reachable(g, buf, sizeof buf) != 0) {
        snprintf(msg, len, "%s", buf);
        return -1;
    }
    return 0;
}
