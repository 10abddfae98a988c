/*
 * gc.c — the Dalvik-style mark-sweep collector (gc.h has the manual and
 * the numbered steps of a collection and of the allocation path).
 *
 * Costs: marking O(live objects + their slots) plus, per overflow recovery
 * pass, O(marked objects + bitmap words); sweeping O(bitmap words up to the
 * highest object + garbage); the LOS sweep O(set capacity) per batch of 256.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"
#include "ref/gc/gc_impl.h"
#include "ref/glue/glue.h"

/* ---- objects ----------------------------------------------------------- */

typedef struct hsri_obj_s {
    uint32_t magic;   /* HSR_GC_OBJ_MAGIC */
    uint32_t nslots;  /* reference slots */
    uint64_t payload; /* data bytes */
    void *slot[];     /* nslots, then the payload */
} hsri_obj_t;

uint32_t hsr_gc_nslots(const void *obj) {
    return ((const hsri_obj_t *)obj)->nslots;
}

uint64_t hsr_gc_payload_size(const void *obj) {
    return ((const hsri_obj_t *)obj)->payload;
}

void *hsr_gc_payload(void *obj) {
    hsri_obj_t *o = obj;
    return (char *)obj + HSR_GC_HEADER + (size_t)o->nslots * sizeof(void *);
}

uint64_t hsr_gc_object_size(const void *obj) {
    const hsri_obj_t *o = obj;
    return HSR_GC_HEADER + (uint64_t)o->nslots * sizeof(void *) + o->payload;
}

/* ---- bitmaps per space --------------------------------------------------- */

hsri_gc_space_bm_t *hsri_gc_bm_of(const hsr_gc_t *g, const void *p) {
    for (uint32_t i = 0; i < g->nbm; i++) {
        if (hsr_gc_bitmap_covers(&g->bm[i].live, (uintptr_t)p)) {
            return (hsri_gc_space_bm_t *)&g->bm[i];
        }
    }
    return NULL;
}

static void free_bitmaps(hsr_gc_t *g) {
    for (uint32_t i = 0; i < g->nbm; i++) {
        hsr_gc_bitmap_fini(&g->bm[i].live);
        hsr_gc_bitmap_fini(&g->bm[i].mark);
    }
    g->nbm = 0;
}

static void set_live_fn(void *p, uint64_t usable, uint32_t kind, void *arg) {
    hsr_gc_t *g = arg;
    (void)usable;
    if (kind == HSR_SPACE_LARGE_OBJECT) {
        return; /* the LOS set is kept across rebuilds */
    }
    hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, p);
    if (b != NULL) {
        (void)hsr_gc_bitmap_set(&b->live, (uintptr_t)p);
    }
}

/* (Re)makes one bitmap pair per continuous space of the heap and fills the
 * live bitmaps from a walk of the spaces. 0 or -ENOMEM (no bitmaps then). */
static int build_bitmaps(hsr_gc_t *g) {
    hsr_space_info_t info[6];
    size_t n = hsr_spaces_list(g->heap, info, 6);
    free_bitmaps(g);
    for (size_t i = 0; i < n && i < 6; i++) {
        if (!info[i].continuous || info[i].kind == HSR_SPACE_IMAGE) {
            continue;
        }
        hsri_gc_space_bm_t *b = &g->bm[g->nbm];
        b->kind = info[i].kind;
        if (hsr_gc_bitmap_init(&b->live, (uintptr_t)info[i].begin, info[i].capacity) != 0) {
            free_bitmaps(g);
            return -ENOMEM;
        }
        if (hsr_gc_bitmap_init(&b->mark, (uintptr_t)info[i].begin, info[i].capacity) != 0) {
            hsr_gc_bitmap_fini(&b->live);
            free_bitmaps(g);
            return -ENOMEM;
        }
        g->nbm++;
    }
    hsr_spaces_walk(g->heap, set_live_fn, g);
    return 0;
}

/* ---- debug walker hook --------------------------------------------------- */

static void after_mutation(const hsr_gc_t *g, uint32_t flags) {
#if HSR_DEBUG >= 3
    char why[200];
    if (hsr_gc_check(g, flags, why, sizeof why) != 0) {
        (void)hsri_gc_report_misuse(why, g);
    }
#else
    (void)g;
    (void)flags;
#endif
}

static int gc_ok(const hsr_gc_t *g) {
    if (g == NULL || g->magic != HSRI_GC_MAGIC) {
        (void)hsri_gc_report_misuse("not a live collector", g);
        return 0;
    }
    return 1;
}

/* ---- life cycle ------------------------------------------------------------ */

int hsr_gc_create(const hsr_gc_config_t *cfg_in, hsr_gc_t **out) {
    if (cfg_in == NULL || out == NULL) {
        return -EINVAL;
    }
    hsr_gc_config_t cfg = *cfg_in;
    if (cfg.max_bytes == 0 || cfg.max_bytes > HSR_GC_MAX_PAYLOAD ||
        cfg.initial_bytes > cfg.max_bytes || cfg.los_kind > HSR_LOS_MAP) {
        return -EINVAL;
    }
    uint64_t page = (uint64_t)hsri_glue_page_size();
    uint64_t cap = (cfg.max_bytes + page - 1) / page * page;
    /* the mspace's own state must fit below the growth limit */
    if (cap < 64 * 1024) {
        cap = 64 * 1024;
    }
    if (cfg.initial_bytes == 0) {
        cfg.initial_bytes = cap < ((uint64_t)1 << 20) ? cap : ((uint64_t)1 << 20);
    }
    if (cfg.mark_stack_entries == 0) {
        cfg.mark_stack_entries = 4096;
    }
    hsr_gc_t *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return -ENOMEM;
    }
    g->cfg = cfg;
    g->stack = malloc(sizeof(void *) * cfg.mark_stack_entries);
    hsr_spaces_config_t sc;
    memset(&sc, 0, sizeof sc);
    sc.initial_size = cfg.initial_bytes;
    sc.growth_limit = cap;
    sc.capacity = cap;
    sc.large_threshold = cfg.large_threshold;
    sc.non_moving_capacity = cap; /* the zygote split copies the main space here */
    sc.los_capacity = cap;
    sc.los_kind = cfg.los_kind;
    int err = g->stack == NULL ? -ENOMEM : hsr_spaces_create(&sc, &g->heap);
    if (err == 0) {
        err = build_bitmaps(g);
        if (err != 0) {
            hsr_spaces_destroy(g->heap);
        }
    }
    if (err != 0) {
        free(g->stack);
        free(g);
        return err;
    }
    g->magic = HSRI_GC_MAGIC;
    after_mutation(g, 0);
    *out = g;
    return 0;
}

void hsr_gc_destroy(hsr_gc_t *g) {
    if (g == NULL || !gc_ok(g)) {
        return;
    }
    g->magic = 0;
    free_bitmaps(g);
    hsri_objset_free(&g->los);
    hsr_spaces_destroy(g->heap);
    free(g->roots);
    free(g->stack);
    free(g);
}

/* ---- allocation -------------------------------------------------------------- */

/* One attempt within max_bytes; registers the object in its bitmap/set. */
static void *try_alloc(hsr_gc_t *g, uint64_t size, uint32_t grow) {
    uint64_t ba = 0;
    if (g->bytes > g->cfg.max_bytes || size > g->cfg.max_bytes - g->bytes) {
        return NULL;
    }
    void *p = hsr_spaces_alloc(g->heap, size, HSR_SPACES_ALLOC_LARGE_OK | grow, &ba, NULL);
    if (p == NULL) {
        return NULL;
    }
    if (ba > g->cfg.max_bytes - g->bytes) {
        (void)hsr_spaces_free(g->heap, p);
        return NULL;
    }
    hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, p);
    if (b != NULL) {
        (void)hsr_gc_bitmap_set(&b->live, (uintptr_t)p);
    } else if (hsri_objset_add(&g->los, p) != 0) {
        (void)hsr_spaces_free(g->heap, p);
        return NULL;
    }
    g->objects++;
    g->bytes += ba;
    return p;
}

void *hsr_gc_alloc(hsr_gc_t *g, uint32_t nslots, uint64_t payload) {
    if (!gc_ok(g) || nslots > HSR_GC_MAX_SLOTS || payload > HSR_GC_MAX_PAYLOAD) {
        return NULL;
    }
    uint64_t size = HSR_GC_HEADER + (uint64_t)nslots * sizeof(void *) + payload;
    /* dvmMalloc: try, collect, grow, collect again, give up. */
    void *p = try_alloc(g, size, 0);
    if (p == NULL) {
        (void)hsr_gc_collect(g);
        p = try_alloc(g, size, 0);
    }
    if (p == NULL) {
        p = try_alloc(g, size, HSR_SPACES_ALLOC_GROW);
    }
    if (p == NULL) {
        (void)hsr_gc_collect(g);
        p = try_alloc(g, size, HSR_SPACES_ALLOC_GROW);
    }
    if (p == NULL) {
        return NULL;
    }
    memset(p, 0, (size_t)size);
    hsri_obj_t *o = p;
    o->magic = HSR_GC_OBJ_MAGIC;
    o->nslots = nslots;
    o->payload = payload;
    after_mutation(g, 0);
    return p;
}

/* ---- references and roots ---------------------------------------------------- */

void hsr_gc_set_ref(hsr_gc_t *g, void *obj, uint32_t slot, void *target) {
    hsri_obj_t *o = obj;
    if (!gc_ok(g)) {
        return;
    }
    if (!hsr_gc_is_live(g, obj) || slot >= o->nslots) {
        (void)hsri_gc_report_misuse("set_ref: not a live object or slot out of range", obj);
        return;
    }
    if (target != NULL && !hsr_gc_is_live(g, target)) {
        (void)hsri_gc_report_misuse("set_ref: target is not a live object", target);
        return;
    }
    o->slot[slot] = target;
    after_mutation(g, 0);
}

void *hsr_gc_get_ref(hsr_gc_t *g, void *obj, uint32_t slot) {
    hsri_obj_t *o = obj;
    if (!gc_ok(g)) {
        return NULL;
    }
    if (!hsr_gc_is_live(g, obj) || slot >= o->nslots) {
        (void)hsri_gc_report_misuse("get_ref: not a live object or slot out of range", obj);
        return NULL;
    }
    return o->slot[slot];
}

int hsr_gc_root_add(hsr_gc_t *g, void *obj) {
    if (!gc_ok(g)) {
        return -EINVAL;
    }
    if (!hsr_gc_is_live(g, obj)) {
        return hsri_gc_report_misuse("root_add: not a live object", obj);
    }
    if (g->nroots == g->cap_roots) {
        uint64_t ncap = g->cap_roots == 0 ? 64 : g->cap_roots * 2;
        void **nr = realloc(g->roots, sizeof *nr * (size_t)ncap);
        if (nr == NULL) {
            return -ENOMEM;
        }
        g->roots = nr;
        g->cap_roots = ncap;
    }
    g->roots[g->nroots++] = obj;
    after_mutation(g, 0);
    return 0;
}

int hsr_gc_root_remove(hsr_gc_t *g, void *obj) {
    if (!gc_ok(g)) {
        return -EINVAL;
    }
    for (uint64_t i = g->nroots; i > 0; i--) {
        if (g->roots[i - 1] == obj) {
            g->roots[i - 1] = g->roots[--g->nroots];
            after_mutation(g, 0);
            return 0;
        }
    }
    return -ENOENT;
}

/* ---- marking -------------------------------------------------------------------- */

/* Marks obj; pushes it when newly marked (or flags overflow). */
static void mark_object(hsr_gc_t *g, void *obj) {
    hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, obj);
    if (b != NULL) {
        if (hsr_gc_bitmap_set(&b->mark, (uintptr_t)obj)) {
            return; /* already marked */
        }
    } else {
        int64_t i = hsri_objset_find(&g->los, obj);
        if (i < 0) {
            (void)hsri_gc_report_misuse("mark: a reference to no object", obj);
            return;
        }
        if (g->los.marks[i]) {
            return;
        }
        g->los.marks[i] = 1;
    }
    g->stats.marked_objects++;
    if (g->sp < g->cfg.mark_stack_entries) {
        g->stack[g->sp++] = obj;
    } else {
        g->overflow = 1; /* marked, not yet scanned: the rescan finds it */
    }
}

static void scan_object(hsr_gc_t *g, void *obj) {
    hsri_obj_t *o = obj;
    for (uint32_t i = 0; i < o->nslots; i++) {
        if (o->slot[i] != NULL) {
            mark_object(g, o->slot[i]);
        }
    }
}

static void drain(hsr_gc_t *g) {
    while (g->sp > 0) {
        scan_object(g, g->stack[--g->sp]);
    }
}

static void rescan_fn(uintptr_t addr, void *arg) {
    hsr_gc_t *g = arg;
    scan_object(g, (void *)addr);
    drain(g);
}

static void mark_zygote_fn(uintptr_t addr, void *arg) {
    hsr_gc_t *g = arg;
    mark_object(g, (void *)addr);
    drain(g);
}

static void mark_phase(hsr_gc_t *g) {
    for (uint32_t i = 0; i < g->nbm; i++) {
        hsr_gc_bitmap_zero(&g->bm[i].mark);
    }
    if (g->los.cap != 0) {
        memset(g->los.marks, 0, (size_t)g->los.cap);
    }
    g->sp = 0;
    g->overflow = 0;
    for (uint64_t i = 0; i < g->nroots; i++) {
        mark_object(g, g->roots[i]);
        drain(g);
    }
    for (uint32_t i = 0; i < g->nbm; i++) {
        if (g->bm[i].kind == HSR_SPACE_ZYGOTE) {
            hsr_gc_bitmap_walk(&g->bm[i].live, mark_zygote_fn, g);
        }
    }
    while (g->overflow) {
        g->overflow = 0;
        g->stats.rescans++;
        for (uint32_t i = 0; i < g->nbm; i++) {
            hsr_gc_bitmap_walk(&g->bm[i].mark, rescan_fn, g);
        }
        for (uint64_t i = 0; i < g->los.cap; i++) {
            if (g->los.keys[i] != NULL && g->los.marks[i]) {
                scan_object(g, g->los.keys[i]);
                drain(g);
            }
        }
    }
}

/* ---- sweeping ----------------------------------------------------------------------- */

struct sweep_ctx {
    hsr_gc_t *g;
    uint32_t kind;
    hsr_gc_bitmap_t *live;
};

static void sweep_batch(void **ptrs, size_t n, void *arg) {
    struct sweep_ctx *s = arg;
    for (size_t i = 0; i < n; i++) {
        hsr_gc_bitmap_clear(s->live, (uintptr_t)ptrs[i]);
    }
    int64_t bytes = hsr_spaces_free_list(s->g->heap, s->kind, ptrs, n);
    if (bytes > 0) {
        s->g->bytes -= (uint64_t)bytes;
        s->g->stats.freed_bytes += (uint64_t)bytes;
    }
    s->g->objects -= n;
    s->g->stats.freed_objects += n;
}

static void sweep_phase(hsr_gc_t *g) {
    for (uint32_t i = 0; i < g->nbm; i++) {
        hsri_gc_space_bm_t *b = &g->bm[i];
        if (b->kind == HSR_SPACE_ZYGOTE) {
            continue; /* immune: never freed, its live bitmap stays */
        }
        struct sweep_ctx s = {g, b->kind, &b->live};
        hsr_gc_bitmap_sweep_walk(&b->live, &b->mark, sweep_batch, &s);
        /* live & ~mark is gone, so live == mark: swap (Dalvik's
         * dvmHeapSourceSwapBitmaps). The old live becomes the next mark
         * bitmap and is zeroed at the next collection. */
        hsr_gc_bitmap_t t = b->live;
        b->live = b->mark;
        b->mark = t;
    }
    /* LOS: unmarked members, in batches. */
    for (;;) {
        void *batch[256];
        size_t n = 0;
        for (uint64_t i = 0; i < g->los.cap && n < 256; i++) {
            if (g->los.keys[i] != NULL && !g->los.marks[i]) {
                batch[n++] = g->los.keys[i];
            }
        }
        if (n == 0) {
            break;
        }
        for (size_t k = 0; k < n; k++) {
            int64_t at = hsri_objset_find(&g->los, batch[k]);
            hsri_objset_remove_at(&g->los, (uint64_t)at);
            int64_t bytes = hsr_spaces_free(g->heap, batch[k]);
            if (bytes > 0) {
                g->bytes -= (uint64_t)bytes;
                g->stats.freed_bytes += (uint64_t)bytes;
            }
            g->objects--;
            g->stats.freed_objects++;
        }
    }
}

static void marked_bytes_fn(uintptr_t addr, void *arg) {
    hsr_gc_t *g = arg;
    g->stats.marked_bytes += hsr_spaces_allocation_size(g->heap, (void *)addr);
}

int64_t hsr_gc_collect(hsr_gc_t *g) {
    if (!gc_ok(g)) {
        return -EINVAL;
    }
    g->stats.marked_objects = 0;
    g->stats.marked_bytes = 0;
    g->stats.freed_objects = 0;
    g->stats.freed_bytes = 0;
    g->stats.rescans = 0;
    uint64_t t0 = hsri_glue_now_ns();
    mark_phase(g);
    uint64_t t1 = hsri_glue_now_ns();
    sweep_phase(g);
    uint64_t t2 = hsri_glue_now_ns();
    g->stats.mark_ns = t1 - t0;
    g->stats.sweep_ns = t2 - t1;
    g->stats.collections++;
    /* GrowForUtilization (Dalvik): let the footprint reach twice the live
     * bytes before the next collection, so that a growing live set costs
     * O(log n) collections, not one per page of growth. */
    uint64_t target = g->bytes > UINT64_MAX / 2 ? UINT64_MAX : g->bytes * 2;
    (void)hsr_spaces_set_footprint_limit(g->heap, target > g->cfg.initial_bytes
                                                      ? target
                                                      : g->cfg.initial_bytes);
    g->stats.marked_bytes = 0;
    for (uint32_t i = 0; i < g->nbm; i++) {
        /* after the swap, the live bitmap of a collected space is the
         * marked set; the zygote's marked set is its mark bitmap */
        const hsr_gc_bitmap_t *m = g->bm[i].kind == HSR_SPACE_ZYGOTE ? &g->bm[i].mark
                                                                     : &g->bm[i].live;
        hsr_gc_bitmap_walk(m, marked_bytes_fn, g);
    }
    for (uint64_t i = 0; i < g->los.cap; i++) {
        if (g->los.keys[i] != NULL) {
            g->stats.marked_bytes += hsr_spaces_allocation_size(g->heap, g->los.keys[i]);
        }
    }
    after_mutation(g, HSR_GC_CHECK_REACHABLE);
    return (int64_t)g->stats.freed_objects;
}

/* ---- queries -------------------------------------------------------------------------- */

int hsr_gc_is_live(const hsr_gc_t *g, const void *obj) {
    if (g == NULL || g->magic != HSRI_GC_MAGIC || obj == NULL) {
        return 0;
    }
    hsri_gc_space_bm_t *b = hsri_gc_bm_of(g, obj);
    if (b != NULL) {
        return hsr_gc_bitmap_test(&b->live, (uintptr_t)obj);
    }
    return hsri_objset_find(&g->los, obj) >= 0;
}

struct walk_relay {
    hsr_gc_visit_fn fn;
    void *arg;
};

static void walk_relay_fn(uintptr_t addr, void *arg) {
    struct walk_relay *r = arg;
    r->fn((void *)addr, r->arg);
}

void hsr_gc_walk(const hsr_gc_t *g, hsr_gc_visit_fn fn, void *arg) {
    struct walk_relay r = {fn, arg};
    if (!gc_ok(g) || fn == NULL) {
        return;
    }
    for (uint32_t i = 0; i < g->nbm; i++) {
        hsr_gc_bitmap_walk(&g->bm[i].live, walk_relay_fn, &r);
    }
    for (uint64_t i = 0; i < g->los.cap; i++) {
        if (g->los.keys[i] != NULL) {
            fn(g->los.keys[i], arg);
        }
    }
}

uint32_t hsr_gc_space_of(const hsr_gc_t *g, const void *obj) {
    return gc_ok(g) ? hsr_spaces_space_of(g->heap, obj) : HSR_SPACE_NONE;
}

void hsr_gc_stats(const hsr_gc_t *g, hsr_gc_stats_t *out) {
    if (!gc_ok(g) || out == NULL) {
        return;
    }
    *out = g->stats;
    out->objects = g->objects;
    out->bytes = g->bytes;
}

/* ---- zygote split ------------------------------------------------------------------------ */

struct fix_ctx {
    const hsr_spaces_forward_t *fwd;
    size_t n;
};

static void fix_fn(void *p, uint64_t usable, uint32_t kind, void *arg) {
    struct fix_ctx *f = arg;
    hsri_obj_t *o = p;
    (void)usable;
    (void)kind;
    for (uint32_t i = 0; i < o->nslots; i++) {
        if (o->slot[i] != NULL) {
            o->slot[i] = hsr_spaces_forward_lookup(f->fwd, f->n, o->slot[i]);
        }
    }
}

int hsr_gc_zygote_split(hsr_gc_t *g, uint64_t *moved_out) {
    hsr_spaces_forward_t *fwd = NULL;
    size_t n = 0;
    if (!gc_ok(g)) {
        return -EINVAL;
    }
    int err = hsr_spaces_zygote_split(g->heap, &fwd, &n);
    if (err != 0) {
        return err;
    }
    struct fix_ctx f = {fwd, n};
    hsr_spaces_walk(g->heap, fix_fn, &f);
    for (uint64_t i = 0; i < g->nroots; i++) {
        g->roots[i] = hsr_spaces_forward_lookup(fwd, n, g->roots[i]);
    }
    hsr_spaces_forward_free(fwd);
    /* Copies may be larger than the originals (mspace rounding): recount. */
    hsr_space_info_t info[6];
    size_t ns = hsr_spaces_list(g->heap, info, 6);
    g->bytes = 0;
    g->objects = 0;
    for (size_t i = 0; i < ns && i < 6; i++) {
        if (info[i].kind != HSR_SPACE_IMAGE) {
            g->bytes += info[i].bytes;
            g->objects += info[i].objects;
        }
    }
    err = build_bitmaps(g);
    if (err != 0) {
        /* The split is done and cannot be undone; without bitmaps the
         * collector cannot go on: leave it unusable rather than wrong. */
        g->magic = 0;
        return err;
    }
    if (moved_out != NULL) {
        *moved_out = n;
    }
    after_mutation(g, 0);
    return 0;
}
