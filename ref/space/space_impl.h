/*
 * space_impl.h — the state of ref/space, shared by its sources and read by
 * Frama-C for the contracts of ref/include/heapspec/space.h and of the
 * limit and routing arithmetic below (ref/space/limits.c). Not public.
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
 * Invariants (SpaceValid / SpacesValid / BackupSpaceValid in
 * spec/acsl/space.acsl; the C walker is hsr_spaces_check):
 *   - continuous: footprint, footprint_limit and initial <= growth_limit
 *     <= capacity <= map_len (footprint_limit starts at max(initial,
 *     footprint) but set_footprint_limit may lower it to the footprint),
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

#include <stddef.h>
#include <stdint.h>

#include "heapspec/space.h"

/* limits.c, the part of ref/space that WP proves, defines
 * HSRI_SPACE_STATE_ONLY before its includes: it gets the mspace and region
 * handles without their headers, which it does not call, because
 * spec/acsl/mspace.acsl (included by mspace.h under Frama-C) casts an
 * mspace to char *, and WP's typed model refuses that. Every other source
 * sees the headers. */
#ifdef HSRI_SPACE_STATE_ONLY
typedef struct hsr_mspace_s hsr_mspace_t;
typedef struct hsr_region_s hsr_region_t;
#else
#include "heapspec/mspace.h"
#include "heapspec/region.h"
#endif

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

/* The logic of the contracts below (space.h includes it again, guarded). */
#ifdef __FRAMAC__
#include "spec/acsl/space.acsl"
#endif

/* ---- limits and routing (limits.c: proved by WP, proofs/prove.sh space) ----
 *
 * The arithmetic of the heap's limits and of hsr_spaces_alloc's routing,
 * apart from the calls that WP does not model (the page size from the
 * glue, the usage-error hook, the debug walker), which stay in space.c.
 * Kinds in the contracts: 0 NONE, 1 MAIN, 2 MAIN_BACKUP, 3 NON_MOVING,
 * 4 LARGE_OBJECT (space.h). */

/* Largest request hsr_spaces_alloc serves: 2^62 bytes. */
#define HSRI_SPACES_MAX_REQUEST ((uint64_t)1 << 62)

/*@ requires pg > 0;
    assigns \nothing;
    behavior fits:
      assumes PageUp(x, pg) <= 18446744073709551615;
      ensures \result == PageUp(x, pg);
      ensures \result % pg == 0 && x <= \result < x + pg;
    behavior overflow:
      assumes PageUp(x, pg) > 18446744073709551615;
      ensures \result == 18446744073709551615;
    complete behaviors;
    disjoint behaviors;
 */
/* x rounded up to a multiple of pg, the page size (a power of two, so
 * UINT64_MAX is a multiple of it only when pg is 1); UINT64_MAX when that
 * multiple does not fit in 64 bits. The caller guarantees pg > 0. */
uint64_t hsri_space_page_up(uint64_t x, uint64_t pg);

/*@ assigns \nothing;
    behavior refused:
      assumes n > 4611686018427387904;
      ensures \result == 0;
    behavior large:
      assumes n <= 4611686018427387904;
      assumes (flags & 2) != 0 && n >= large_threshold;
      ensures \result == 4;
    behavior non_moving:
      assumes n <= 4611686018427387904;
      assumes !((flags & 2) != 0 && n >= large_threshold) && (flags & 1) != 0;
      ensures \result == 3;
    behavior main:
      assumes n <= 4611686018427387904;
      assumes !((flags & 2) != 0 && n >= large_threshold) && (flags & 1) == 0;
      ensures \result == 1;
    complete behaviors;
    disjoint behaviors;
 */
/* The space hsr_spaces_alloc serves n bytes from (space.h, ROUTING):
 * LARGE_OBJECT when flags has LARGE_OK and n >= large_threshold, else
 * NON_MOVING when flags has NON_MOVABLE, else MAIN; HSR_SPACE_NONE (the
 * request is refused) when n > HSRI_SPACES_MAX_REQUEST. */
uint32_t hsri_spaces_route(uint64_t n, uint32_t flags, uint64_t large_threshold);

/*@ requires ContinuousSpaceValid(s);
    requires pg > 0;
    assigns s->footprint_limit;
    ensures ContinuousSpaceValid(s);
    ensures \result == s->footprint_limit;
    ensures \result == \max(s->footprint, \min(s->growth_limit, PageUp(bytes, pg)));
    behavior at_growth_limit:
      assumes PageUp(bytes, pg) >= s->growth_limit;
      ensures \result == s->growth_limit;
    behavior at_footprint:
      assumes PageUp(bytes, pg) < s->growth_limit && PageUp(bytes, pg) <= s->footprint;
      ensures \result == s->footprint;
    behavior rounded:
      assumes s->footprint < PageUp(bytes, pg) < s->growth_limit;
      ensures \result == PageUp(bytes, pg) && \result % pg == 0 && \result >= bytes;
    complete behaviors;
    disjoint behaviors;
 */
/* ART's SetFootprintLimit on a continuous space: bytes rounded up to a
 * page (pg), at most the growth limit, at least the footprint, becomes
 * the footprint limit, which is returned. The caller guarantees s is a
 * valid continuous space and pg > 0. */
uint64_t hsri_space_set_footprint_limit(hsr_space_t *s, uint64_t bytes, uint64_t pg);

/*@ requires ContinuousSpaceValid(s);
    assigns s->growth_limit;
    ensures ContinuousSpaceValid(s);
    ensures s->growth_limit == s->capacity;
 */
/* ART's ClearGrowthLimit on a continuous space: growth_limit = capacity. */
void hsri_space_clear_growth_limit(hsr_space_t *s);

/*@ requires ContinuousSpaceValid(s);
    assigns s->capacity;
    ensures ContinuousSpaceValid(s);
    ensures s->capacity == s->growth_limit && s->capacity <= \old(s->capacity);
 */
/* ART's ClampGrowthLimit on a continuous space: capacity = growth_limit
 * (the mapping stays whole; only the bound moves). */
void hsri_space_clamp_growth_limit(hsr_space_t *s);

/*@ requires BackupSpaceReserved(h);
    requires h->main->capacity <= h->backup->map_len;
    assigns h->backup->capacity, h->backup->growth_limit;
    ensures BackupSpaceValid(h);
    ensures \old(SpacesValid(h)) ==> SpacesValid(h);
 */
/* The backup main space takes the main space's capacity and growth limit
 * (ART makes main_space_backup_ with the same geometry), after anything
 * that moved them. The caller guarantees the backup is reserved and empty
 * (BackupSpaceReserved) and its mapping holds the main space's capacity,
 * which BackupSpaceValid(h) implies: following again keeps it. */
void hsri_spaces_backup_follow(hsr_spaces_t *h);

/*@ requires SpacesValid(h) && BackupSpaceValid(h);
    assigns h->main->growth_limit, h->backup->capacity, h->backup->growth_limit;
    ensures SpacesValid(h);
    ensures BackupSpaceValid(h);
    ensures SpGrowthLimit(h) == SpCapacity(h) && SpCapacity(h) == \old(SpCapacity(h));
 */
/* hsr_spaces_clear_growth_limit's change of state: the main space's growth
 * limit becomes its capacity, and the backup follows. */
void hsri_spaces_clear_growth_limit(hsr_spaces_t *h);

/*@ requires SpacesValid(h) && BackupSpaceValid(h);
    assigns h->main->capacity, h->backup->capacity, h->backup->growth_limit;
    ensures SpacesValid(h);
    ensures BackupSpaceValid(h);
    ensures SpCapacity(h) == SpGrowthLimit(h) && SpGrowthLimit(h) == \old(SpGrowthLimit(h));
 */
/* hsr_spaces_clamp_growth_limit's change of state: the main space's
 * capacity becomes its growth limit, and the backup follows. */
void hsri_spaces_clamp_growth_limit(hsr_spaces_t *h);

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
