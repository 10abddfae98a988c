/*
 * space_impl.h — the state of ref/space, shared by its sources and read by
 * Frama-C for the contracts of ref/include/heapspec/space.h. Not public.
 *
 *   struct hsr_spaces_s                 struct hsr_space_s (one per space)
 *   +--------------+                    +-----------------+---------------------------+
 *   | magic        |                    | magic, kind     | HSRI_SPACE_MAGIC, HSR_*   |
 *   | cfg          |       +----------> | begin, capacity | the mapping / LOS budget  |
 *   | main --------+-------+            | region          | backing (continuous, FL)  |
 *   | non_moving   |                    | ms              | mspace (continuous)       |
 *   | los          |                    | footprint,      | see space.h's layout      |
 *   | zygote       |                    | footprint_limit,|                           |
 *   | image        |                    | growth_limit    |                           |
 *   | retired      |                    | nobjects, nbytes| live allocations, bytes   |
 *   | backup       |                    | run, prev,      | free-list LOS (per page)  |
 *   +--------------+                    |                 |                           |
 *                                       | maps, nmaps     | map LOS (sorted by addr)  |
 *                                       +-----------------+---------------------------+
 *
 * Invariants (SpaceValid / SpacesValid in spec/acsl/space.acsl; the C
 * walker is hsr_spaces_check):
 *   - continuous: initial <= footprint_limit <= growth_limit <= capacity
 *     (footprint_limit may exceed nothing), footprint <= growth_limit,
 *     footprint a page multiple; every chunk lies below begin+footprint;
 *   - free-list LOS: the runs tile [0, npages), a free run never borders
 *     another free run, prev[] matches, nobjects/nbytes count used runs;
 *   - map LOS: maps sorted by address, disjoint, nobjects == nmaps;
 *   - zygote and image spaces are immutable; spaces never overlap;
 *   - the backup main space (kind MAIN_BACKUP) between compactions: region
 *     mapped, no mspace, no objects, footprint 0, capacity and growth limit
 *     equal to the main space's.
 */
#ifndef HEAPSPEC_REF_SPACE_SPACE_IMPL_H
#define HEAPSPEC_REF_SPACE_SPACE_IMPL_H

#include <stdint.h>

#include "heapspec/mspace.h"
#include "heapspec/region.h"
#include "heapspec/space.h"

#ifndef HSR_DEBUG
#define HSR_DEBUG 0
#endif

#define HSRI_SPACE_MAGIC 0x45434150u  /* "PACE" */
#define HSRI_SPACES_MAGIC 0x50534850u /* "PHSP" */

/* One object of the map LOS: its own mapping. */
typedef struct hsri_los_map_s {
    char *addr;   /* page-aligned start (the object's address) */
    uint64_t len; /* mapped bytes, a page multiple */
    uint64_t n;   /* bytes requested */
} hsri_los_map_t;

struct hsr_space_s {
    uint32_t magic;           /* HSRI_SPACE_MAGIC while alive */
    uint32_t kind;            /* HSR_SPACE_* */
    char *begin;              /* continuous / free-list LOS / image: mapping start */
    uint64_t capacity;        /* usable bytes (map LOS: byte budget); clamp lowers it */
    uint64_t map_len;         /* bytes mapped at begin (continuous, FL LOS, image) */
    hsr_region_t *region;     /* backing region, NULL for map LOS and image */
    hsr_mspace_t *ms;         /* continuous spaces' allocator */
    uint64_t initial;         /* continuous: initial footprint limit */
    uint64_t footprint;       /* continuous: high water; LOS: bytes mapped */
    uint64_t footprint_limit; /* continuous: Alloc's bound */
    uint64_t growth_limit;    /* continuous: AllocWithGrowth's bound */
    uint64_t nobjects;        /* live allocations */
    uint64_t nbytes;          /* their allocation sizes */
    uint32_t los_kind;        /* LOS: HSR_LOS_* */
    uint32_t immutable;       /* 1: zygote, image */
    uint64_t npages;          /* free-list LOS: pages of the space */
    uint32_t *run;            /* free-list LOS: run length at a run start, else 0 */
    uint32_t *prev;           /* free-list LOS: length of the run below */
    uint8_t *used;            /* free-list LOS: 1 when the run at i is allocated */
    hsri_los_map_t *maps;     /* map LOS: sorted by addr */
    uint64_t nmaps;           /* map LOS: entries in use */
    uint64_t cap_maps;        /* map LOS: entries allocated */
    uint64_t data_offset;     /* image: records start at begin + data_offset */
    uint64_t data_size;       /* image: bytes of records */
};

struct hsr_spaces_s {
    uint32_t magic;            /* HSRI_SPACES_MAGIC while alive */
    uint32_t split_done;       /* 1 after the zygote split */
    hsr_spaces_config_t cfg;   /* as created (defaults filled in) */
    hsr_space_t *main;         /* HSR_SPACE_MAIN */
    hsr_space_t *non_moving;   /* HSR_SPACE_NON_MOVING */
    hsr_space_t *los;          /* HSR_SPACE_LARGE_OBJECT */
    hsr_space_t *zygote;       /* HSR_SPACE_ZYGOTE or NULL */
    hsr_space_t *image;        /* HSR_SPACE_IMAGE or NULL */
    hsr_space_t *retired;      /* the old main space after a split, or NULL */
    hsr_space_t *backup;       /* HSR_SPACE_MAIN_BACKUP: reserved, empty (compact) */
};

/* ---- cross-file helpers (hidden) ---- */

/* Usage error: calls the hook; returns -EINVAL for the caller to pass on. */
int hsri_spaces_usage_error(const char *msg, const void *where);

/* Continuous spaces (space.c). */
int hsri_cont_create(uint32_t kind, uint64_t initial, uint64_t growth_limit, uint64_t capacity,
                     hsr_space_t **out);
void hsri_space_destroy(hsr_space_t *s);
void *hsri_cont_alloc(hsr_space_t *s, uint64_t n, int grow, uint64_t *usable);
int hsri_cont_owns(const hsr_space_t *s, const void *p);
int hsri_cont_check(const hsr_space_t *s, char *msg, size_t len);

/* Large-object spaces (los.c). */
int hsri_los_create(uint32_t los_kind, uint64_t capacity, hsr_space_t **out);
void *hsri_los_alloc(hsr_space_t *s, uint64_t n, uint64_t *alloc_size);
int64_t hsri_los_free(hsr_space_t *s, void *p);
/* Allocation size of p if p starts a live LOS allocation, else 0. */
uint64_t hsri_los_size_of(const hsr_space_t *s, const void *p);
/* 1 when p lies inside a live LOS allocation (or, free-list, the space). */
int hsri_los_contains(const hsr_space_t *s, const void *p);
void hsri_los_walk(const hsr_space_t *s, hsr_spaces_walk_fn fn, void *arg);
int hsri_los_check(const hsr_space_t *s, char *msg, size_t len);

/* Image space (image.c). */
int hsri_image_create(const char *path, hsr_space_t **out);
uint64_t hsri_image_size_of(const hsr_space_t *s, const void *p);
int hsri_image_check(const hsr_space_t *s, char *msg, size_t len);

#endif /* HEAPSPEC_REF_SPACE_SPACE_IMPL_H */
