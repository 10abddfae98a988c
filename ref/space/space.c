/*
 * space.c — continuous malloc spaces (MAIN, NON_MOVING, ZYGOTE) and the
 * spaces heap that owns and routes to them (ref/include/heapspec/space.h).
 *
 * A continuous space is one region mapped MAP_PRIVATE with an mspace made
 * over the whole mapping (hsr_mspace_create_with_base). The mspace never
 * grows, so the space keeps the footprint itself: the page-rounded high
 * water of the chunks handed out, plus the header the mspace writes after
 * the last one. Because dlmalloc serves from its bins before it cuts the
 * top chunk, and the top lies above every chunk, a request that would pass
 * the limit is exactly one that was cut from the top beyond it: the space
 * frees it again (it merges back into the top, so the mspace is as before)
 * and fails.
 *
 * The arithmetic of the limits and of routing (page rounding, the space an
 * allocation goes to, the footprint and growth limits, the backup space
 * following the main one) lives in limits.c, which WP proves; the entry
 * points here wrap it in the heap check and the debug walker.
 *
 * Algorithm of hsr_spaces_zygote_split, in steps:
 *   1. list the main space's live chunks (inspect_all, address order);
 *   2. copy each into the non-moving space (AllocWithGrowth), recording
 *      from -> to; on any failure free the copies and fail, unchanged;
 *   3. make a fresh non-moving and a fresh main space; on failure undo 2;
 *   4. the old non-moving space becomes the immutable ZYGOTE space; the
 *      old main space is retired (mspace ended, pages dropped, addresses
 *      kept reserved until destroy).
 *
 * Algorithm of hsr_spaces_compact (the backup main space), in steps:
 *   1. list the main space's live chunks (inspect_all, address order);
 *   2. give the reserved backup an mspace with the main space's limits
 *      (re-opening its pages if a former compaction closed them);
 *   3. copy each chunk into it, lowest first (AllocWithGrowth; dlmalloc
 *      cuts each from the top, so the copies pack), recording from -> to;
 *      on failure the backup is emptied again and the heap is unchanged;
 *   4. swap: the backup becomes MAIN; the old main's mspace is ended, its
 *      pages dropped and made inaccessible, and it becomes the backup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/space.h"
#include "ref/glue/attrs.h"
#include "ref/glue/glue.h"
#include "ref/space/space_impl.h"

/* ---- misuse ----------------------------------------------------------- */

static void default_usage_error(const char *msg, const void *where) {
    char line[200];
    snprintf(line, sizeof line, "heapspec spaces: usage error: %s (at %p)\n", msg, where);
    hsri_glue_write_stderr(line);
    hsri_glue_abort();
}

static hsr_spaces_usage_error_fn usage_hook = default_usage_error;

hsr_spaces_usage_error_fn hsr_spaces_set_usage_error_hook(hsr_spaces_usage_error_fn fn) {
    hsr_spaces_usage_error_fn old = usage_hook;
    usage_hook = fn != NULL ? fn : default_usage_error;
    return old == default_usage_error ? NULL : old;
}

int hsri_spaces_usage_error(const char *msg, const void *where) {
    usage_hook(msg, where);
    return -EINVAL;
}

int hsr_spaces_report_misuse(const char *msg, const void *where) {
    return hsri_spaces_usage_error(msg, where);
}

static int heap_ok(const hsr_spaces_t *h) {
    if (h == NULL || h->magic != HSRI_SPACES_MAGIC) {
        (void)hsri_spaces_usage_error("not a live spaces heap", h);
        return 0;
    }
    return 1;
}

/* Debug builds walk the whole heap after every mutation. */
static void after_mutation(const hsr_spaces_t *h) {
#if HSR_DEBUG >= 3
    char why[160];
    if (hsr_spaces_check(h, why, sizeof why) != 0) {
        (void)hsri_spaces_usage_error(why, h);
    }
#else
    (void)h;
#endif
}

/* ---- small arithmetic --------------------------------------------------- */

static HSRI_WALKER_INLINE uint64_t page_size(void) {
    return (uint64_t)hsri_glue_page_size();
}

/* x rounded up to a page multiple (limits.c); every caller's x is at most
 * 2^62, so the overflow answer (UINT64_MAX) never comes up. */
static uint64_t page_up(uint64_t x) {
    return hsri_space_page_up(x, page_size());
}

/* ---- continuous spaces -------------------------------------------------- */

static const char *kind_name(uint32_t kind) {
    switch (kind) {
    case HSR_SPACE_MAIN:
        return "heapspec-main-space";
    case HSR_SPACE_MAIN_BACKUP:
        return "heapspec-main-backup-space";
    case HSR_SPACE_NON_MOVING:
        return "heapspec-non-moving-space";
    case HSR_SPACE_ZYGOTE:
        return "heapspec-zygote-space";
    case HSR_SPACE_LARGE_OBJECT:
        return "heapspec-large-object-space";
    default:
        return "heapspec-space";
    }
}

/* Finds the lowest chunk start (the end of the mspace's own state). */
static void first_chunk_fn(void *start, void *end, size_t used, void *arg) {
    char **first = arg;
    (void)end;
    (void)used;
    if (*first == NULL || (char *)start < *first) {
        *first = start;
    }
}

/* Reserves a space of `capacity` bytes (page-rounded): one region mapped
 * MAP_PRIVATE, no mspace yet, so no page is touched. 0, -EINVAL when the
 * capacity is below what an mspace needs, -ENOMEM or a region error. */
static int cont_reserve(uint32_t kind, uint64_t capacity, hsr_space_t **out) {
    hsr_space_t *s;
    void *base = NULL;
    int err;

    capacity = page_up(capacity);
    if (capacity < hsr_mspace_min_capacity()) {
        return -EINVAL;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        return -ENOMEM;
    }
    err = hsr_region_create(kind_name(kind), capacity, &s->region);
    if (err != 0) {
        free(s);
        return err;
    }
    err = hsr_region_map(s->region, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE,
                         HSR_REGION_MAP_PRIVATE, 0, capacity, &base);
    if (err != 0) {
        (void)hsr_region_close(s->region);
        free(s);
        return err;
    }
    s->magic = HSRI_SPACE_MAGIC;
    s->kind = kind;
    s->begin = base;
    s->capacity = capacity;
    s->map_len = capacity;
    *out = s;
    return 0;
}

/* Makes the mspace of a reserved space that has none (s->ms == NULL) and
 * sets its limits. The caller guarantees s came from cont_reserve and its
 * pages are zero or unused. Fails with no mspace made: a commit error,
 * -ENOMEM when the mspace cannot be made, -EINVAL when its bookkeeping
 * passes growth_limit. */
static int cont_activate(hsr_space_t *s, uint64_t initial, uint64_t growth_limit) {
    char *first = NULL;
    uint64_t fp0;

    /* A space deactivated before has its pages inaccessible: open them. */
    int err = hsri_glue_commit(s->begin, (size_t)s->map_len);
    if (err != 0) {
        return err;
    }
    s->ms = hsr_mspace_create_with_base(s->begin, (size_t)s->capacity, 0);
    if (s->ms == NULL) {
        return -ENOMEM;
    }
    hsr_mspace_inspect_all(s->ms, first_chunk_fn, &first);
    fp0 = page_up((uint64_t)(first - s->begin) + HSR_SPACE_CHUNK_OVERHEAD);
    if (fp0 > growth_limit) {
        /* Not even the mspace's bookkeeping fits under the growth limit. */
        (void)hsr_mspace_destroy(s->ms);
        s->ms = NULL;
        return -EINVAL;
    }
    s->initial = initial;
    s->footprint = fp0;
    s->footprint_limit = initial > fp0 ? initial : fp0;
    s->growth_limit = growth_limit;
    s->nobjects = 0;
    s->nbytes = 0;
    return 0;
}

/* Undoes cont_activate: ends the mspace and gives the pages back (the
 * addresses stay reserved); the space holds nothing afterwards. */
static void cont_deactivate(hsr_space_t *s) {
    if (s->ms != NULL) {
        (void)hsr_mspace_destroy(s->ms);
        s->ms = NULL;
    }
    (void)hsri_glue_decommit(s->begin, (size_t)s->map_len);
    s->footprint = 0;
    s->footprint_limit = 0;
    s->initial = 0;
    s->nobjects = 0;
    s->nbytes = 0;
}

int hsri_cont_create(uint32_t kind, uint64_t initial, uint64_t growth_limit, uint64_t capacity,
                     hsr_space_t **out) {
    hsr_space_t *s = NULL;
    int err = cont_reserve(kind, capacity, &s);
    if (err != 0) {
        return err;
    }
    err = cont_activate(s, initial, growth_limit);
    if (err != 0) {
        hsri_space_destroy(s);
        return err;
    }
    *out = s;
    return 0;
}

void hsri_space_destroy(hsr_space_t *s) {
    if (s == NULL) {
        return;
    }
    if (s->kind == HSR_SPACE_LARGE_OBJECT) {
        /* los.c owns the LOS tables and mappings. */
        if (s->los_kind == HSR_LOS_MAP) {
            for (uint64_t i = 0; i < s->nmaps; i++) {
                (void)hsri_glue_release(s->maps[i].addr, (size_t)s->maps[i].len);
            }
        }
        free(s->maps);
        free(s->run);
        free(s->prev);
        free(s->used);
    }
    if (s->ms != NULL) {
        (void)hsr_mspace_destroy(s->ms);
    }
    if (s->region != NULL) {
        (void)hsr_region_close(s->region);
    } else if (s->kind == HSR_SPACE_IMAGE && s->begin != NULL) {
        (void)hsri_glue_munmap(s->begin, s->map_len);
    }
    s->magic = 0;
    free(s);
}

int hsri_cont_owns(const hsr_space_t *s, const void *p) {
    const char *c = p;
    return s != NULL && s->begin != NULL && c >= s->begin && c < s->begin + s->capacity;
}

void *hsri_cont_alloc(hsr_space_t *s, uint64_t n, int grow, uint64_t *usable) {
    char *p;
    uint64_t u;
    uint64_t need;

    if (s->immutable || n > (uint64_t)PTRDIFF_MAX) {
        return NULL;
    }
    p = hsr_mspace_malloc(s->ms, (size_t)n);
    if (p == NULL) {
        return NULL;
    }
    u = hsr_mspace_usable_size(s->ms, p);
    need = page_up((uint64_t)(p - s->begin) + u + HSR_SPACE_CHUNK_OVERHEAD);
    if (need > s->footprint) {
        uint64_t bound = grow ? s->growth_limit : s->footprint_limit;
        if (need > bound) {
            hsr_mspace_free(s->ms, p); /* merges back into the top */
            return NULL;
        }
        s->footprint = need;
        if (s->footprint_limit < need) {
            s->footprint_limit = need; /* AllocWithGrowth moved the limit */
        }
    }
    s->nobjects++;
    s->nbytes += u + HSR_SPACE_CHUNK_OVERHEAD;
    *usable = u;
    return p;
}

/* Counts in-use chunks and finds the highest chunk end (check). */
struct cont_walk {
    const hsr_space_t *s;
    uint64_t objects;
    uint64_t bytes;
    uint64_t high; /* highest in-use payload end, offset from begin */
    int outside;   /* a chunk outside [begin, begin+capacity) */
};

static void cont_walk_fn(void *start, void *end, size_t used, void *arg) {
    struct cont_walk *w = arg;
    const char *a = start;
    const char *b = end;
    if (a < w->s->begin || b > w->s->begin + w->s->map_len) {
        w->outside = 1;
        return;
    }
    if (used == 0) {
        return;
    }
    w->objects++;
    w->bytes += (uint64_t)used + HSR_SPACE_CHUNK_OVERHEAD;
    if ((uint64_t)(a - w->s->begin) + used > w->high) {
        w->high = (uint64_t)(a - w->s->begin) + used;
    }
}

HSRI_WALKER int hsri_cont_check(const hsr_space_t *s, char *msg, size_t len) {
    char why[120];
    struct cont_walk w = {s, 0, 0, 0, 0};
    if (s->magic != HSRI_SPACE_MAGIC || s->ms == NULL) {
        snprintf(msg, len, "space %p: bad magic or no mspace", (const void *)s);
        return -1;
    }
    if (s->footprint % page_size() != 0 || s->footprint > s->growth_limit ||
        s->footprint_limit > s->growth_limit || s->growth_limit > s->capacity ||
        s->initial > s->growth_limit) {
        snprintf(msg, len,
                 "space %s: geometry initial %llu limit %llu footprint %llu growth %llu cap %llu",
                 kind_name(s->kind), (unsigned long long)s->initial,
                 (unsigned long long)s->footprint_limit, (unsigned long long)s->footprint,
                 (unsigned long long)s->growth_limit, (unsigned long long)s->capacity);
        return -1;
    }
    if (hsr_mspace_check(s->ms, why, sizeof why) != 0) {
        snprintf(msg, len, "space %s: mspace: %s", kind_name(s->kind), why);
        return -1;
    }
    hsr_mspace_inspect_all(s->ms, cont_walk_fn, &w);
    if (w.outside) {
        snprintf(msg, len, "space %s: a chunk outside the mapping", kind_name(s->kind));
        return -1;
    }
    if (w.high + HSR_SPACE_CHUNK_OVERHEAD > s->footprint) {
        snprintf(msg, len, "space %s: a chunk above the footprint", kind_name(s->kind));
        return -1;
    }
    if (w.objects != s->nobjects || w.bytes != s->nbytes) {
        snprintf(msg, len, "space %s: counters %llu/%llu, walk %llu/%llu", kind_name(s->kind),
                 (unsigned long long)s->nobjects, (unsigned long long)s->nbytes,
                 (unsigned long long)w.objects, (unsigned long long)w.bytes);
        return -1;
    }
    return 0;
}

/* Frees p of a mutable continuous space; returns its allocation size. */
static int64_t cont_free(hsr_space_t *s, void *p) {
    uint64_t sz = hsr_mspace_usable_size(s->ms, p) + HSR_SPACE_CHUNK_OVERHEAD;
    hsr_mspace_free(s->ms, p);
    s->nobjects--;
    s->nbytes -= sz;
    return (int64_t)sz;
}

/* ---- the heap ------------------------------------------------------------ */

int hsr_spaces_create(const hsr_spaces_config_t *cfg_in, hsr_spaces_t **out) {
    hsr_spaces_config_t cfg;
    hsr_spaces_t *h;
    int err;

    if (cfg_in == NULL || out == NULL) {
        return -EINVAL;
    }
    cfg = *cfg_in;
    if (cfg.large_threshold == 0) {
        cfg.large_threshold = HSR_SPACES_DEFAULT_LARGE_THRESHOLD;
    }
    if (cfg.non_moving_capacity == 0) {
        cfg.non_moving_capacity = HSR_SPACES_DEFAULT_NON_MOVING;
    }
    if (cfg.los_capacity == 0) {
        cfg.los_capacity = HSR_SPACES_DEFAULT_LOS;
    }
    /* Clause 38: a space can be made iff initial <= growth_limit <= capacity. */
    if (!(cfg.initial_size <= cfg.growth_limit && cfg.growth_limit <= cfg.capacity) ||
        cfg.capacity == 0 || cfg.capacity > HSR_SPACES_MAX_CAPACITY ||
        cfg.non_moving_capacity > HSR_SPACES_MAX_CAPACITY ||
        cfg.los_capacity > HSR_SPACES_MAX_CAPACITY || cfg.los_kind > HSR_LOS_MAP ||
        cfg.reserved0 != 0) {
        return -EINVAL;
    }
    h = calloc(1, sizeof *h);
    if (h == NULL) {
        return -ENOMEM;
    }
    h->cfg = cfg;
    err = hsri_cont_create(HSR_SPACE_MAIN, cfg.initial_size, cfg.growth_limit, cfg.capacity,
                           &h->main);
    if (err == 0) {
        err = hsri_cont_create(HSR_SPACE_NON_MOVING, 0, page_up(cfg.non_moving_capacity),
                               cfg.non_moving_capacity, &h->non_moving);
    }
    if (err == 0) {
        err = hsri_los_create(cfg.los_kind, cfg.los_capacity, &h->los);
    }
    if (err == 0) {
        /* Reserved only: no mspace, no page touched until a compaction. */
        err = cont_reserve(HSR_SPACE_MAIN_BACKUP, cfg.capacity, &h->backup);
    }
    if (err != 0) {
        hsri_space_destroy(h->main);
        hsri_space_destroy(h->non_moving);
        hsri_space_destroy(h->los);
        free(h);
        return err;
    }
    hsri_spaces_backup_follow(h);
    h->magic = HSRI_SPACES_MAGIC;
    after_mutation(h);
    *out = h;
    return 0;
}

void hsr_spaces_destroy(hsr_spaces_t *h) {
    if (h == NULL || !heap_ok(h)) {
        return;
    }
    h->magic = 0;
    hsri_space_destroy(h->main);
    hsri_space_destroy(h->non_moving);
    hsri_space_destroy(h->los);
    hsri_space_destroy(h->zygote);
    hsri_space_destroy(h->image);
    hsri_space_destroy(h->retired);
    hsri_space_destroy(h->backup);
    free(h);
}

void *hsr_spaces_alloc(hsr_spaces_t *h, uint64_t n, uint32_t flags, uint64_t *bytes_allocated,
                       uint64_t *usable) {
    void *p;
    uint64_t u = 0;
    uint64_t sz = 0;
    uint32_t kind;

    if (!heap_ok(h)) {
        return NULL;
    }
    kind = hsri_spaces_route(n, flags, h->cfg.large_threshold);
    if (kind == HSR_SPACE_NONE) {
        return NULL; /* n > 2^62 */
    }
    if (kind == HSR_SPACE_LARGE_OBJECT) {
        p = hsri_los_alloc(h->los, n, &sz);
        u = sz;
    } else {
        hsr_space_t *s = kind == HSR_SPACE_NON_MOVING ? h->non_moving : h->main;
        p = hsri_cont_alloc(s, n, (flags & HSR_SPACES_ALLOC_GROW) != 0, &u);
        sz = u + HSR_SPACE_CHUNK_OVERHEAD;
    }
    if (p == NULL) {
        return NULL;
    }
    if (bytes_allocated != NULL) {
        *bytes_allocated = sz;
    }
    if (usable != NULL) {
        *usable = u;
    }
    after_mutation(h);
    return p;
}

/* The mutable or immutable space holding p, or NULL. */
static hsr_space_t *space_holding(const hsr_spaces_t *h, const void *p) {
    if (hsri_cont_owns(h->main, p)) {
        return h->main;
    }
    if (hsri_cont_owns(h->non_moving, p)) {
        return h->non_moving;
    }
    if (h->zygote != NULL && hsri_cont_owns(h->zygote, p)) {
        return h->zygote;
    }
    if (h->image != NULL && hsri_cont_owns(h->image, p)) {
        return h->image;
    }
    if (hsri_los_contains(h->los, p)) {
        return h->los;
    }
    return NULL;
}

int64_t hsr_spaces_free(hsr_spaces_t *h, void *p) {
    hsr_space_t *s;
    int64_t r;
    if (!heap_ok(h)) {
        return -EINVAL;
    }
    if (p == NULL) {
        return 0;
    }
    s = space_holding(h, p);
    if (s == NULL) {
        return hsri_spaces_usage_error("free of a pointer in no space of the heap", p);
    }
    if (s->immutable) {
        return -EPERM;
    }
    r = s->kind == HSR_SPACE_LARGE_OBJECT ? hsri_los_free(s, p) : cont_free(s, p);
    after_mutation(h);
    return r;
}

int64_t hsr_spaces_free_list(hsr_spaces_t *h, uint32_t kind, void **ptrs, size_t n) {
    hsr_space_t *s;
    int64_t bytes = 0;
    if (!heap_ok(h) || (ptrs == NULL && n != 0)) {
        return -EINVAL;
    }
    if (kind == HSR_SPACE_ZYGOTE || kind == HSR_SPACE_IMAGE) {
        return -EPERM;
    }
    if (kind == HSR_SPACE_LARGE_OBJECT) {
        for (size_t i = 0; i < n; i++) {
            if (ptrs[i] != NULL && hsri_los_size_of(h->los, ptrs[i]) != 0) {
                bytes += hsri_los_free(h->los, ptrs[i]);
                ptrs[i] = NULL;
            }
        }
        after_mutation(h);
        return bytes;
    }
    if (kind == HSR_SPACE_MAIN) {
        s = h->main;
    } else if (kind == HSR_SPACE_NON_MOVING) {
        s = h->non_moving;
    } else {
        return -EINVAL;
    }
    /* Entries outside the space are hidden from bulk_free (which would
     * report them as misuse) and put back afterwards. */
    uint64_t nfreed = 0;
    for (size_t i = 0; i < n; i++) {
        if (ptrs[i] != NULL && hsri_cont_owns(s, ptrs[i])) {
            bytes += (int64_t)(hsr_mspace_usable_size(s->ms, ptrs[i]) + HSR_SPACE_CHUNK_OVERHEAD);
            nfreed++;
        }
    }
    if (nfreed == 0) {
        return 0;
    }
    /* Dalvik's FreeList contract: the entries are all of this mspace. */
    void **mine = ptrs;
    void **tmp = NULL;
    if (nfreed != n) {
        tmp = malloc(sizeof(void *) * (size_t)nfreed);
        if (tmp == NULL) {
            return -ENOMEM;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (ptrs[i] != NULL && hsri_cont_owns(s, ptrs[i])) {
                tmp[k++] = ptrs[i];
            }
        }
        mine = tmp;
    }
    size_t left = hsr_mspace_bulk_free(s->ms, mine, (size_t)nfreed);
    if (left != 0) {
        free(tmp);
        return hsri_spaces_usage_error("free_list: entries the mspace would not free", ptrs);
    }
    if (tmp != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (ptrs[i] != NULL && hsri_cont_owns(s, ptrs[i])) {
                ptrs[i] = NULL;
            }
        }
        free(tmp);
    }
    s->nobjects -= nfreed;
    s->nbytes -= (uint64_t)bytes;
    after_mutation(h);
    return bytes;
}

uint32_t hsr_spaces_space_of(const hsr_spaces_t *h, const void *p) {
    const hsr_space_t *s;
    if (!heap_ok(h) || p == NULL) {
        return HSR_SPACE_NONE;
    }
    s = space_holding(h, p);
    return s == NULL ? HSR_SPACE_NONE : s->kind;
}

uint64_t hsr_spaces_usable_size(const hsr_spaces_t *h, const void *p) {
    const hsr_space_t *s;
    if (!heap_ok(h) || p == NULL) {
        return 0;
    }
    s = space_holding(h, p);
    if (s == NULL) {
        return 0;
    }
    switch (s->kind) {
    case HSR_SPACE_LARGE_OBJECT:
        return hsri_los_size_of(s, p);
    case HSR_SPACE_IMAGE: {
        uint64_t sz = hsri_image_size_of(s, p);
        return sz == 0 ? 0 : sz - 8;
    }
    default:
        return hsr_mspace_usable_size(s->ms, p);
    }
}

uint64_t hsr_spaces_allocation_size(const hsr_spaces_t *h, const void *p) {
    const hsr_space_t *s;
    if (!heap_ok(h) || p == NULL) {
        return 0;
    }
    s = space_holding(h, p);
    if (s == NULL) {
        return 0;
    }
    switch (s->kind) {
    case HSR_SPACE_LARGE_OBJECT:
        return hsri_los_size_of(s, p);
    case HSR_SPACE_IMAGE:
        return hsri_image_size_of(s, p);
    default:
        return hsr_mspace_usable_size(s->ms, p) + HSR_SPACE_CHUNK_OVERHEAD;
    }
}

uint64_t hsr_spaces_footprint(const hsr_spaces_t *h) {
    return heap_ok(h) ? h->main->footprint : 0;
}

uint64_t hsr_spaces_footprint_limit(const hsr_spaces_t *h) {
    return heap_ok(h) ? h->main->footprint_limit : 0;
}

uint64_t hsr_spaces_growth_limit(const hsr_spaces_t *h) {
    return heap_ok(h) ? h->main->growth_limit : 0;
}

void hsr_spaces_clear_growth_limit(hsr_spaces_t *h) {
    if (!heap_ok(h)) {
        return;
    }
    hsri_spaces_clear_growth_limit(h);
    after_mutation(h);
}

void hsr_spaces_clamp_growth_limit(hsr_spaces_t *h) {
    if (!heap_ok(h)) {
        return;
    }
    /* The mapping stays whole (the region unmaps it at destroy); only the
     * bound moves. growth_limit >= footprint always, so nothing is lost. */
    hsri_spaces_clamp_growth_limit(h);
    after_mutation(h);
}

uint64_t hsr_spaces_set_footprint_limit(hsr_spaces_t *h, uint64_t bytes) {
    uint64_t limit;
    if (!heap_ok(h)) {
        return 0;
    }
    limit = hsri_space_set_footprint_limit(h->main, bytes, page_size());
    after_mutation(h);
    return limit;
}

static void fill_info(const hsr_space_t *s, hsr_space_info_t *o) {
    o->kind = s->kind;
    o->continuous = s->kind != HSR_SPACE_LARGE_OBJECT;
    o->begin = o->continuous ? s->begin : NULL;
    o->capacity = s->capacity;
    o->footprint = s->footprint;
    o->objects = s->nobjects;
    o->bytes = s->nbytes;
}

size_t hsr_spaces_list(const hsr_spaces_t *h, hsr_space_info_t *out, size_t max) {
    const hsr_space_t *all[5];
    size_t n = 0;
    if (!heap_ok(h)) {
        return 0;
    }
    all[n++] = h->main;
    all[n++] = h->non_moving;
    all[n++] = h->los;
    if (h->zygote != NULL) {
        all[n++] = h->zygote;
    }
    if (h->image != NULL) {
        all[n++] = h->image;
    }
    for (size_t i = 0; i < n && i < max && out != NULL; i++) {
        fill_info(all[i], &out[i]);
    }
    return n;
}

struct walk_relay {
    hsr_spaces_walk_fn fn;
    void *arg;
    uint32_t kind;
};

static void relay_fn(void *start, void *end, size_t used, void *arg) {
    struct walk_relay *r = arg;
    (void)end;
    if (used != 0) {
        r->fn(start, used, r->kind, r->arg);
    }
}

static void walk_cont(const hsr_space_t *s, hsr_spaces_walk_fn fn, void *arg) {
    struct walk_relay r = {fn, arg, s->kind};
    hsr_mspace_inspect_all(s->ms, relay_fn, &r);
}

void hsr_spaces_walk(const hsr_spaces_t *h, hsr_spaces_walk_fn fn, void *arg) {
    if (!heap_ok(h) || fn == NULL) {
        return;
    }
    if (h->zygote != NULL) {
        walk_cont(h->zygote, fn, arg);
    }
    walk_cont(h->non_moving, fn, arg);
    walk_cont(h->main, fn, arg);
    hsri_los_walk(h->los, fn, arg);
}

/* ---- zygote split ---------------------------------------------------------- */

struct collect {
    hsr_spaces_forward_t *a; /* from = chunk, to = NULL until copied */
    uint64_t n;
    uint64_t cap;
    int oom;
};

static void collect_fn(void *start, void *end, size_t used, void *arg) {
    struct collect *c = arg;
    (void)end;
    if (used == 0 || c->oom) {
        return;
    }
    if (c->n == c->cap) {
        uint64_t ncap = c->cap == 0 ? 64 : c->cap * 2;
        hsr_spaces_forward_t *na = realloc(c->a, sizeof *na * (size_t)ncap);
        if (na == NULL) {
            c->oom = 1;
            return;
        }
        c->a = na;
        c->cap = ncap;
    }
    c->a[c->n].from = start;
    c->a[c->n].to = NULL;
    c->n++;
}

int hsr_spaces_zygote_split(hsr_spaces_t *h, hsr_spaces_forward_t **fwd, size_t *nfwd) {
    struct collect c = {NULL, 0, 0, 0};
    hsr_space_t *nm;
    hsr_space_t *fresh_nm = NULL;
    hsr_space_t *fresh_main = NULL;
    int err = 0;

    if (!heap_ok(h) || fwd == NULL || nfwd == NULL) {
        return -EINVAL;
    }
    if (h->split_done) {
        return -EPERM;
    }
    nm = h->non_moving;
    /* 1. the main space's live objects, in address order */
    hsr_mspace_inspect_all(h->main->ms, collect_fn, &c);
    if (c.oom) {
        free(c.a);
        return -ENOMEM;
    }
    /* 2. copy them into the non-moving space */
    for (uint64_t i = 0; i < c.n && err == 0; i++) {
        uint64_t u = hsr_mspace_usable_size(h->main->ms, c.a[i].from);
        uint64_t u2 = 0;
        void *to = hsri_cont_alloc(nm, u, 1, &u2);
        if (to == NULL) {
            err = -ENOMEM;
            break;
        }
        memcpy(to, c.a[i].from, (size_t)u);
        c.a[i].to = to;
    }
    /* 3. fresh spaces */
    if (err == 0) {
        err = hsri_cont_create(HSR_SPACE_NON_MOVING, 0, page_up(h->cfg.non_moving_capacity),
                               h->cfg.non_moving_capacity, &fresh_nm);
    }
    if (err == 0) {
        err = hsri_cont_create(HSR_SPACE_MAIN, h->main->initial, h->main->growth_limit,
                               h->main->capacity, &fresh_main);
    }
    if (err != 0) {
        for (uint64_t i = 0; i < c.n; i++) {
            if (c.a[i].to != NULL) {
                (void)cont_free(nm, c.a[i].to);
            }
        }
        hsri_space_destroy(fresh_nm);
        free(c.a);
        return err;
    }
    /* 4. old non-moving -> zygote; old main -> retired */
    nm->kind = HSR_SPACE_ZYGOTE;
    nm->immutable = 1;
    h->zygote = nm;
    h->non_moving = fresh_nm;
    hsr_space_t *old = h->main;
    (void)hsr_mspace_destroy(old->ms);
    old->ms = NULL;
    (void)hsri_glue_decommit(old->begin, (size_t)old->map_len);
    old->nobjects = 0;
    old->nbytes = 0;
    h->retired = old;
    h->main = fresh_main;
    h->split_done = 1;
    /* the fresh main space's capacity is page-rounded: the backup follows it */
    hsri_spaces_backup_follow(h);
    if (c.n == 0) {
        free(c.a);
        c.a = NULL;
    }
    *fwd = c.a;
    *nfwd = (size_t)c.n;
    after_mutation(h);
    return 0;
}

void *hsr_spaces_forward_lookup(const hsr_spaces_forward_t *fwd, size_t n, const void *from) {
    size_t lo = 0;
    size_t hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const char *)fwd[mid].from < (const char *)from) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < n && fwd[lo].from == from) {
        return fwd[lo].to;
    }
    return (void *)(uintptr_t)from;
}

void hsr_spaces_forward_free(hsr_spaces_forward_t *fwd) {
    free(fwd);
}

/* ---- homogeneous space compaction ---------------------------------------- */

int hsr_spaces_compact(hsr_spaces_t *h, hsr_spaces_forward_t **fwd, size_t *nfwd) {
    struct collect c = {NULL, 0, 0, 0};
    hsr_space_t *old;
    hsr_space_t *b;
    int err;

    if (!heap_ok(h) || fwd == NULL || nfwd == NULL) {
        return -EINVAL;
    }
    old = h->main;
    b = h->backup;
    /* 1. the main space's live objects, in address order */
    hsr_mspace_inspect_all(old->ms, collect_fn, &c);
    if (c.oom) {
        free(c.a);
        return -ENOMEM;
    }
    /* 2. the backup gets an mspace with the main space's limits */
    err = cont_activate(b, old->initial, old->growth_limit);
    if (err != 0) {
        cont_deactivate(b);
        free(c.a);
        return err == -EINVAL ? -ENOMEM : err;
    }
    /* 3. copy each object, lowest first: the copies pack from the bottom */
    for (uint64_t i = 0; i < c.n; i++) {
        uint64_t u = hsr_mspace_usable_size(old->ms, c.a[i].from);
        uint64_t u2 = 0;
        void *to = hsri_cont_alloc(b, u, 1, &u2);
        if (to == NULL) {
            /* Cannot happen while growth_limit >= old footprint, but the
             * heap is left exactly as it was if it does. */
            cont_deactivate(b);
            free(c.a);
            return -ENOMEM;
        }
        memcpy(to, c.a[i].from, (size_t)u);
        c.a[i].to = to;
    }
    /* 4. swap roles; the old main space is emptied into the new backup */
    if (b->footprint_limit < old->footprint_limit) {
        b->footprint_limit = old->footprint_limit; /* <= growth_limit, both */
    }
    b->kind = HSR_SPACE_MAIN;
    cont_deactivate(old);
    old->kind = HSR_SPACE_MAIN_BACKUP;
    h->main = b;
    h->backup = old;
    hsri_spaces_backup_follow(h);
    if (c.n == 0) {
        free(c.a);
        c.a = NULL;
    }
    *fwd = c.a;
    *nfwd = (size_t)c.n;
    after_mutation(h);
    return 0;
}

int hsr_spaces_add_image(hsr_spaces_t *h, const char *path) {
    int err;
    if (!heap_ok(h) || path == NULL) {
        return -EINVAL;
    }
    if (h->image != NULL) {
        return -EEXIST;
    }
    err = hsri_image_create(path, &h->image);
    after_mutation(h);
    return err;
}

/* ---- the walker ------------------------------------------------------------- */

static HSRI_WALKER_INLINE int overlaps(const hsr_space_t *a, const hsr_space_t *b) {
    if (a == NULL || b == NULL || a->begin == NULL || b->begin == NULL) {
        return 0;
    }
    return a->begin < b->begin + b->capacity && b->begin < a->begin + a->capacity;
}

/* The backup main space between compactions: reserved, empty, with the
 * main space's capacity and growth limit (disjointness: the caller). */
HSRI_WALKER static int backup_check(const hsr_spaces_t *h, char *msg, size_t len) {
    const hsr_space_t *b = h->backup;
    if (b == NULL || b->magic != HSRI_SPACE_MAGIC || b->kind != HSR_SPACE_MAIN_BACKUP ||
        b->region == NULL || b->begin == NULL) {
        snprintf(msg, len, "backup space: missing, or of the wrong kind");
        return -1;
    }
    if (b->ms != NULL || b->nobjects != 0 || b->nbytes != 0 || b->footprint != 0) {
        snprintf(msg, len, "backup space: not empty (%llu objects, footprint %llu)",
                 (unsigned long long)b->nobjects, (unsigned long long)b->footprint);
        return -1;
    }
    if (b->capacity != h->main->capacity || b->growth_limit != h->main->growth_limit ||
        b->capacity > b->map_len) {
        snprintf(msg, len, "backup space: capacity %llu / growth %llu, main %llu / %llu",
                 (unsigned long long)b->capacity, (unsigned long long)b->growth_limit,
                 (unsigned long long)h->main->capacity,
                 (unsigned long long)h->main->growth_limit);
        return -1;
    }
    return 0;
}

HSRI_WALKER int hsr_spaces_check(const hsr_spaces_t *h, char *msg, size_t len) {
    char buf[200];
    const hsr_space_t *cont[3];
    size_t nc = 0;
    if (msg == NULL) {
        len = 0;
    }
    if (h == NULL || h->magic != HSRI_SPACES_MAGIC) {
        snprintf(msg, len, "not a live spaces heap");
        return -1;
    }
    if (h->main == NULL || h->non_moving == NULL || h->los == NULL ||
        h->main->kind != HSR_SPACE_MAIN || h->non_moving->kind != HSR_SPACE_NON_MOVING ||
        h->los->kind != HSR_SPACE_LARGE_OBJECT || (h->zygote != NULL) != (h->split_done != 0) ||
        (h->zygote != NULL && (h->zygote->kind != HSR_SPACE_ZYGOTE || !h->zygote->immutable))) {
        snprintf(msg, len, "spaces heap: a space is missing or of the wrong kind");
        return -1;
    }
    cont[nc++] = h->main;
    cont[nc++] = h->non_moving;
    if (h->zygote != NULL) {
        cont[nc++] = h->zygote;
    }
    for (size_t i = 0; i < nc; i++) {
        if (hsri_cont_check(cont[i], buf, sizeof buf) != 0) {
            snprintf(msg, len, "%s", buf);
            return -1;
        }
    }
    if (hsri_los_check(h->los, buf, sizeof buf) != 0) {
        snprintf(msg, len, "%s", buf);
        return -1;
    }
    if (h->image != NULL && hsri_image_check(h->image, buf, sizeof buf) != 0) {
        snprintf(msg, len, "%s", buf);
        return -1;
    }
    if (backup_check(h, buf, sizeof buf) != 0) {
        snprintf(msg, len, "%s", buf);
        return -1;
    }
    const hsr_space_t *all[7] = {h->main,    h->non_moving, h->zygote,
                                 h->image,   h->retired,    h->backup,
                                 h->los->los_kind == HSR_LOS_FREE_LIST ? h->los : NULL};
    for (size_t i = 0; i < 7; i++) {
        for (size_t j = i + 1; j < 7; j++) {
            if (overlaps(all[i], all[j])) {
                snprintf(msg, len, "spaces heap: two spaces overlap");
                return -1;
            }
        }
    }
    return 0;
}
