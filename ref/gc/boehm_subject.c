/*
 * boehm_subject.c — the Boehm-Demers-Weiser collector (Debian's libgc) as
 * the "boehm" subject of the gc family: a third-party, *conservative*
 * collector, so the PRECISE capability is not claimed — a word on a stack
 * or in a scanned segment that looks like a pointer keeps an object alive.
 *
 * How the ABI maps onto libgc:
 *   - objects: GC_MALLOC (zeroed) with the reference layout (gc.h: 16-byte
 *     header, slots, payload), so libgc traces the slots as pointers;
 *   - roots: an array from GC_MALLOC_UNCOLLECTABLE, which libgc scans and
 *     never frees;
 *   - is_live and walk: libgc has no "was this freed?" query: GC_base()
 *     keeps answering for a freed block until it is reused, and
 *     GC_is_heap_ptr() only says "inside the heap". So each object gets a
 *     no-order finalizer that removes it from a tracking set when the
 *     collector finds it unreachable. The set lives in malloc memory, which
 *     libgc does not scan, and stores pointers complemented
 *     (GC_HIDE_POINTER style) so it can never keep an object alive;
 *   - collect: GC_gcollect then GC_invoke_finalizers (finalize-on-demand
 *     mode); returns the objects finalized. libgc then reclaims their
 *     memory at its next collection (finalizable objects survive one);
 *   - max_bytes: the subject's own budget over GC_size of tracked objects
 *     (libgc's heap limit is process-wide); when it would be exceeded, one
 *     collection, then NULL.
 * libgc is process-global: several contexts share one collector.
 */
#include <errno.h>
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/heapspec.h"
#include "ref/gc/gc_impl.h"

const struct hs_subject *hsr_boehm_subject(void);

struct hs_gc_s {
    hsri_gc_objset_t live; /* complemented addresses of tracked objects */
    void **roots;          /* GC_MALLOC_UNCOLLECTABLE: scanned, never freed */
    uint64_t nroots;       /* entries */
    uint64_t cap_roots;    /* capacity */
    uint64_t max_bytes;    /* budget */
    uint64_t bytes;        /* GC_size of tracked objects */
    uint64_t finalized;    /* objects found unreachable so far */
};

struct hs_ctx_s {
    int unused; /* libgc keeps its state itself */
};

static void *hide(const void *p) {
    return (void *)~(uintptr_t)p;
}

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out) {
    if (out == NULL) {
        return -EINVAL;
    }
    if (args != NULL && (args->fail_nth_backing != 0 || args->footprint_limit != 0)) {
        return -ENOTSUP;
    }
    GC_INIT();
    GC_set_finalize_on_demand(1);
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return -ENOMEM;
    }
    *out = c;
    return 0;
}

static void ctx_close(hs_ctx_t *c) {
    free(c);
}

static void on_unreachable(void *obj, void *arg) {
    hs_gc_t *g = arg;
    int64_t i = hsri_objset_find(&g->live, hide(obj));
    if (i >= 0) {
        hsri_objset_remove_at(&g->live, (uint64_t)i);
        g->bytes -= GC_size(obj);
        g->finalized++;
    }
}

static int b_create(hs_ctx_t *c, uint64_t max_bytes, hs_gc_t **out) {
    if (out == NULL || max_bytes == 0) {
        return -EINVAL;
    }
    hs_gc_t *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return -ENOMEM;
    }
    g->max_bytes = max_bytes;
    *out = g;
    return 0;
}

static void b_destroy(hs_ctx_t *c, hs_gc_t *g) {
    if (g == NULL) {
        return;
    }
    for (uint64_t i = 0; i < g->live.cap; i++) {
        if (g->live.keys[i] != NULL) {
            GC_REGISTER_FINALIZER_NO_ORDER(hide(g->live.keys[i]), 0, 0, 0, 0);
        }
    }
    hsri_objset_free(&g->live);
    GC_FREE(g->roots);
    free(g);
}

static uint64_t b_collect_n(hs_gc_t *g) {
    uint64_t before = g->finalized;
    GC_gcollect();
    (void)GC_invoke_finalizers();
    return g->finalized - before;
}

static void *b_alloc(hs_ctx_t *c, hs_gc_t *g, uint32_t nslots, uint64_t payload) {
    if (nslots > HSR_GC_MAX_SLOTS || payload > HSR_GC_MAX_PAYLOAD) {
        return NULL;
    }
    uint64_t size = HSR_GC_HEADER + (uint64_t)nslots * sizeof(void *) + payload;
    if (g->bytes + size > g->max_bytes) {
        (void)b_collect_n(g);
        if (g->bytes + size > g->max_bytes) {
            return NULL;
        }
    }
    uint32_t *p = GC_MALLOC((size_t)size);
    if (p == NULL) {
        return NULL;
    }
    if (hsri_objset_add(&g->live, hide(p)) != 0) {
        return NULL; /* p is unreferenced: libgc takes it back */
    }
    p[0] = HSR_GC_OBJ_MAGIC;
    p[1] = nslots;
    memcpy(p + 2, &payload, sizeof payload);
    GC_REGISTER_FINALIZER_NO_ORDER(p, on_unreachable, g, 0, 0);
    g->bytes += GC_size(p);
    return p;
}

static void *b_payload(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    return hsr_gc_payload(obj);
}

static void b_set_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot, void *target) {
    if (slot < hsr_gc_nslots(obj)) {
        ((void **)((char *)obj + HSR_GC_HEADER))[slot] = target;
    }
}

static void *b_get_ref(hs_ctx_t *c, hs_gc_t *g, void *obj, uint32_t slot) {
    if (slot >= hsr_gc_nslots(obj)) {
        return NULL;
    }
    return ((void **)((char *)obj + HSR_GC_HEADER))[slot];
}

static void b_root_add(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    if (g->nroots == g->cap_roots) {
        uint64_t ncap = g->cap_roots == 0 ? 64 : g->cap_roots * 2;
        void **nr = GC_MALLOC_UNCOLLECTABLE(sizeof *nr * (size_t)ncap);
        if (nr == NULL) {
            return;
        }
        if (g->nroots != 0) {
            memcpy(nr, g->roots, sizeof *nr * (size_t)g->nroots);
        }
        GC_FREE(g->roots);
        g->roots = nr;
        g->cap_roots = ncap;
    }
    g->roots[g->nroots++] = obj;
}

static void b_root_remove(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    for (uint64_t i = g->nroots; i > 0; i--) {
        if (g->roots[i - 1] == obj) {
            g->roots[i - 1] = g->roots[--g->nroots];
            g->roots[g->nroots] = NULL;
            return;
        }
    }
}

static int64_t b_collect(hs_ctx_t *c, hs_gc_t *g) {
    return (int64_t)b_collect_n(g);
}

static int b_is_live(hs_ctx_t *c, hs_gc_t *g, void *obj) {
    return hsri_objset_find(&g->live, hide(obj)) >= 0;
}

static void b_walk(hs_ctx_t *c, hs_gc_t *g, hs_gc_visit_fn fn, void *arg) {
    for (uint64_t i = 0; i < g->live.cap; i++) {
        if (g->live.keys[i] != NULL) {
            fn(hide(g->live.keys[i]), arg);
        }
    }
}

static const struct hs_gc_ops boehm_ops = {
    .struct_size = sizeof(struct hs_gc_ops),
    .version = HS_GC_OPS_VERSION,
    .caps = HS_GC_CAP_WALK | HS_GC_CAP_IS_LIVE, /* conservative: not PRECISE */
    .create = b_create,
    .destroy = b_destroy,
    .alloc = b_alloc,
    .payload = b_payload,
    .set_ref = b_set_ref,
    .get_ref = b_get_ref,
    .root_add = b_root_add,
    .root_remove = b_root_remove,
    .collect = b_collect,
    .is_live = b_is_live,
    .walk = b_walk,
};

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "boehm",
    .version = "libgc (Debian libgc-dev)",
    .description = "Boehm-Demers-Weiser conservative collector; liveness tracked by "
                   "no-order finalizers (ref/gc/boehm_subject.c)",
    .flags = 0,
    .open = ctx_open,
    .close = ctx_close,
    .gc_ops = &boehm_ops,
    .check = NULL,
};

const struct hs_subject *hsr_boehm_subject(void) {
    return &subject;
}
