/*
 * los.c — the large-object space in its two ART flavours (space.h):
 *
 *   FREE_LIST (ART's FreeListSpace): one region mapped MAP_PRIVATE, cut
 *     into page-granular runs with boundary tags (run[] at a run's first
 *     page, prev[] = the length of the run below). Allocation is best fit
 *     over the runs, splitting the chosen one; free merges with both
 *     neighbours, so no two free runs ever touch. A run's pages are
 *     committed when allocated and given back (decommitted) when freed.
 *   MAP (ART's LargeObjectMapSpace): one anonymous private mapping per
 *     object, kept in an array sorted by address (binary search), within a
 *     byte budget of `capacity`.
 *
 * Both count objects and bytes (allocation size = whole pages).
 * Complexity: free-list alloc O(runs), free O(1); map alloc/free O(n) for
 * the sorted insert, lookups O(log n).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/space.h"
#include "ref/glue/attrs.h"
#include "ref/glue/glue.h"
#include "ref/space/space_impl.h"

static HSRI_WALKER_INLINE uint64_t page_size(void) {
    return (uint64_t)hsri_glue_page_size();
}

int hsri_los_create(uint32_t los_kind, uint64_t capacity, hsr_space_t **out) {
    uint64_t pg = page_size();
    hsr_space_t *s = calloc(1, sizeof *s);
    int err;
    if (s == NULL) {
        return -ENOMEM;
    }
    s->kind = HSR_SPACE_LARGE_OBJECT;
    s->los_kind = los_kind;
    s->capacity = (capacity + pg - 1) / pg * pg;
    if (los_kind == HSR_LOS_FREE_LIST) {
        void *base = NULL;
        s->npages = s->capacity / pg;
        if (s->npages == 0 || s->npages > UINT32_MAX) {
            free(s);
            return -EINVAL;
        }
        s->run = calloc((size_t)s->npages, sizeof *s->run);
        s->prev = calloc((size_t)s->npages, sizeof *s->prev);
        s->used = calloc((size_t)s->npages, sizeof *s->used);
        if (s->run == NULL || s->prev == NULL || s->used == NULL) {
            err = -ENOMEM;
            goto fail;
        }
        err = hsr_region_create("heapspec-large-object-space", s->capacity, &s->region);
        if (err != 0) {
            goto fail;
        }
        err = hsr_region_map(s->region, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE,
                             HSR_REGION_MAP_PRIVATE, 0, s->capacity, &base);
        if (err != 0) {
            (void)hsr_region_close(s->region);
            goto fail;
        }
        s->begin = base;
        s->map_len = s->capacity;
        /* Every page starts free and inaccessible: one free run. */
        (void)hsri_glue_decommit(base, (size_t)s->capacity);
        s->run[0] = (uint32_t)s->npages;
    }
    s->magic = HSRI_SPACE_MAGIC;
    *out = s;
    return 0;
fail:
    free(s->run);
    free(s->prev);
    free(s->used);
    free(s);
    return err;
}

/* ---- free-list flavour ---- */

static void *fl_alloc(hsr_space_t *s, uint64_t n, uint64_t *alloc_size) {
    uint64_t pg = page_size();
    uint64_t want = n == 0 ? 1 : (n + pg - 1) / pg;
    uint64_t best = UINT64_MAX;
    uint64_t i;

    if (want > s->npages) {
        return NULL;
    }
    for (i = 0; i < s->npages; i += s->run[i]) {
        if (!s->used[i] && s->run[i] >= want && (best == UINT64_MAX || s->run[i] < s->run[best])) {
            best = i;
        }
    }
    if (best == UINT64_MAX) {
        return NULL;
    }
    char *p = s->begin + best * pg;
    if (hsri_glue_commit(p, (size_t)(want * pg)) != 0) {
        return NULL;
    }
    uint64_t len = s->run[best];
    if (len > want) { /* split: the tail stays free */
        uint64_t t = best + want;
        s->run[t] = (uint32_t)(len - want);
        s->prev[t] = (uint32_t)want;
        s->used[t] = 0;
        if (best + len < s->npages) {
            s->prev[best + len] = (uint32_t)(len - want);
        }
    }
    s->run[best] = (uint32_t)want;
    s->used[best] = 1;
    s->nobjects++;
    s->nbytes += want * pg;
    s->footprint += want * pg;
    *alloc_size = want * pg;
    return p;
}

/* Index of the used run starting at p, or UINT64_MAX. */
static uint64_t fl_index(const hsr_space_t *s, const void *p) {
    uint64_t pg = page_size();
    const char *c = p;
    if (s->begin == NULL || c < s->begin || c >= s->begin + s->capacity) {
        return UINT64_MAX;
    }
    uint64_t off = (uint64_t)(c - s->begin);
    if (off % pg != 0) {
        return UINT64_MAX;
    }
    uint64_t i = off / pg;
    return s->run[i] != 0 && s->used[i] ? i : UINT64_MAX;
}

static int64_t fl_free(hsr_space_t *s, void *p) {
    uint64_t pg = page_size();
    uint64_t i = fl_index(s, p);
    if (i == UINT64_MAX) {
        return hsri_spaces_usage_error("large-object free of a pointer that starts no object", p);
    }
    uint64_t bytes = (uint64_t)s->run[i] * pg;
    (void)hsri_glue_decommit(p, (size_t)bytes);
    s->used[i] = 0;
    s->nobjects--;
    s->nbytes -= bytes;
    s->footprint -= bytes;
    uint64_t j = i + s->run[i];
    if (j < s->npages && !s->used[j]) { /* merge with the run above */
        s->run[i] += s->run[j];
        s->run[j] = 0;
        s->prev[j] = 0;
    }
    if (i > 0) {
        uint64_t k = i - s->prev[i];
        if (!s->used[k]) { /* merge with the run below */
            s->run[k] += s->run[i];
            s->run[i] = 0;
            s->prev[i] = 0;
            i = k;
        }
    }
    j = i + s->run[i];
    if (j < s->npages) {
        s->prev[j] = s->run[i];
    }
    return (int64_t)bytes;
}

/* ---- map flavour ---- */

/* Index of the first map with addr >= p. */
static uint64_t map_lower(const hsr_space_t *s, const void *p) {
    uint64_t lo = 0;
    uint64_t hi = s->nmaps;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if ((const char *)s->maps[mid].addr < (const char *)p) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void *map_alloc(hsr_space_t *s, uint64_t n, uint64_t *alloc_size) {
    uint64_t pg = page_size();
    uint64_t len = n == 0 ? pg : (n + pg - 1) / pg * pg;
    if (len > s->capacity - s->nbytes) {
        return NULL;
    }
    if (s->nmaps == s->cap_maps) {
        uint64_t ncap = s->cap_maps == 0 ? 16 : s->cap_maps * 2;
        hsri_los_map_t *nm = realloc(s->maps, sizeof *nm * (size_t)ncap);
        if (nm == NULL) {
            return NULL;
        }
        s->maps = nm;
        s->cap_maps = ncap;
    }
    char *p = hsri_glue_reserve((size_t)len);
    if (p == NULL) {
        return NULL;
    }
    if (hsri_glue_commit(p, (size_t)len) != 0) {
        (void)hsri_glue_release(p, (size_t)len);
        return NULL;
    }
    uint64_t at = map_lower(s, p);
    memmove(&s->maps[at + 1], &s->maps[at], sizeof s->maps[0] * (size_t)(s->nmaps - at));
    s->maps[at].addr = p;
    s->maps[at].len = len;
    s->maps[at].n = n;
    s->nmaps++;
    s->nobjects++;
    s->nbytes += len;
    s->footprint += len;
    *alloc_size = len;
    return p;
}

static int64_t map_free(hsr_space_t *s, void *p) {
    uint64_t at = map_lower(s, p);
    if (at >= s->nmaps || s->maps[at].addr != p) {
        return hsri_spaces_usage_error("large-object free of a pointer that starts no object", p);
    }
    uint64_t len = s->maps[at].len;
    (void)hsri_glue_release(p, (size_t)len);
    memmove(&s->maps[at], &s->maps[at + 1], sizeof s->maps[0] * (size_t)(s->nmaps - at - 1));
    s->nmaps--;
    s->nobjects--;
    s->nbytes -= len;
    s->footprint -= len;
    return (int64_t)len;
}

/* ---- the flavour-neutral entry points ---- */

void *hsri_los_alloc(hsr_space_t *s, uint64_t n, uint64_t *alloc_size) {
    return s->los_kind == HSR_LOS_FREE_LIST ? fl_alloc(s, n, alloc_size)
                                            : map_alloc(s, n, alloc_size);
}

int64_t hsri_los_free(hsr_space_t *s, void *p) {
    return s->los_kind == HSR_LOS_FREE_LIST ? fl_free(s, p) : map_free(s, p);
}

uint64_t hsri_los_size_of(const hsr_space_t *s, const void *p) {
    if (s->los_kind == HSR_LOS_FREE_LIST) {
        uint64_t i = fl_index(s, p);
        return i == UINT64_MAX ? 0 : (uint64_t)s->run[i] * page_size();
    }
    uint64_t at = map_lower(s, p);
    return at < s->nmaps && s->maps[at].addr == p ? s->maps[at].len : 0;
}

int hsri_los_contains(const hsr_space_t *s, const void *p) {
    const char *c = p;
    if (s->los_kind == HSR_LOS_FREE_LIST) {
        return s->begin != NULL && c >= s->begin && c < s->begin + s->capacity;
    }
    uint64_t at = map_lower(s, (const char *)p + 1); /* first map starting above p */
    return at > 0 && c >= s->maps[at - 1].addr && c < s->maps[at - 1].addr + s->maps[at - 1].len;
}

void hsri_los_walk(const hsr_space_t *s, hsr_spaces_walk_fn fn, void *arg) {
    uint64_t pg = page_size();
    if (s->los_kind == HSR_LOS_FREE_LIST) {
        for (uint64_t i = 0; i < s->npages; i += s->run[i]) {
            if (s->used[i]) {
                fn(s->begin + i * pg, (uint64_t)s->run[i] * pg, HSR_SPACE_LARGE_OBJECT, arg);
            }
        }
        return;
    }
    for (uint64_t i = 0; i < s->nmaps; i++) {
        fn(s->maps[i].addr, s->maps[i].len, HSR_SPACE_LARGE_OBJECT, arg);
    }
}

HSRI_WALKER int hsri_los_check(const hsr_space_t *s, char *msg, size_t len) {
    uint64_t pg = page_size();
    uint64_t objects = 0;
    uint64_t bytes = 0;
    if (s->magic != HSRI_SPACE_MAGIC || s->kind != HSR_SPACE_LARGE_OBJECT) {
        snprintf(msg, len, "large-object space: bad magic or kind");
        return -1;
    }
    if (s->los_kind == HSR_LOS_FREE_LIST) {
        uint64_t i = 0;
        uint64_t last = 0;
        int last_free = 0;
        uint64_t starts = 0;
        while (i < s->npages) {
            if (s->run[i] == 0 || i + s->run[i] > s->npages) {
                snprintf(msg, len, "large-object space: run at page %llu is empty or too long",
                         (unsigned long long)i);
                return -1;
            }
            if (i > 0 && s->prev[i] != last) {
                snprintf(msg, len, "large-object space: prev tag of page %llu is wrong",
                         (unsigned long long)i);
                return -1;
            }
            if (i > 0 && last_free && !s->used[i]) {
                snprintf(msg, len, "large-object space: free runs touch at page %llu",
                         (unsigned long long)i);
                return -1;
            }
            if (s->used[i]) {
                objects++;
                bytes += (uint64_t)s->run[i] * pg;
            }
            last = s->run[i];
            last_free = !s->used[i];
            starts++;
            i += s->run[i];
        }
        uint64_t nonzero = 0;
        for (uint64_t k = 0; k < s->npages; k++) {
            nonzero += s->run[k] != 0;
        }
        if (i != s->npages || nonzero != starts) {
            snprintf(msg, len, "large-object space: runs do not tile the space");
            return -1;
        }
    } else {
        for (uint64_t k = 0; k < s->nmaps; k++) {
            if (s->maps[k].len == 0 || s->maps[k].len % pg != 0 ||
                (k > 0 && s->maps[k - 1].addr + s->maps[k - 1].len > s->maps[k].addr)) {
                snprintf(msg, len, "large-object space: mappings unsorted or overlapping");
                return -1;
            }
            objects++;
            bytes += s->maps[k].len;
        }
        if (bytes > s->capacity) {
            snprintf(msg, len, "large-object space: over its byte budget");
            return -1;
        }
    }
    if (objects != s->nobjects || bytes != s->nbytes || bytes != s->footprint) {
        snprintf(msg, len, "large-object space: counters disagree with the walk");
        return -1;
    }
    return 0;
}
