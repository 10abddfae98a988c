/*
 * space.h — ART-style heap spaces (the manual).
 *
 * A *spaces heap* owns a handful of spaces, each backed by its own mapping,
 * and routes every allocation to one of them, as ART's gc::Heap does with
 * its art/runtime/gc/space classes (KitKat–L era):
 *
 *   kind         backing                          alloc / free   collected
 *   ----------   ------------------------------   ------------   ----------
 *   MAIN         region, MAP_PRIVATE, + mspace    yes            always
 *   NON_MOVING   region, MAP_PRIVATE, + mspace    yes            always
 *   LARGE_OBJECT free-list: one region, pages     yes            always
 *                map: one mapping per object
 *   ZYGOTE       the old non-moving space         -EPERM         never
 *   MAIN_BACKUP  region, MAP_PRIVATE (reserved)   no (empty)     -
 *   IMAGE        a file, mapped read-only         -EPERM         never
 *
 * CONTINUOUS SPACE LAYOUT (MAIN, NON_MOVING, ZYGOTE)
 *
 *   begin                      begin+footprint   begin+growth_limit  begin+capacity
 *   |                                 |                  |                 |
 *   v                                 v                  v                 v
 *   +--------+-------+------+---------+------------------+-----------------+
 *   | mspace | obj   | free | obj ... |  not touched yet | beyond growth   |
 *   | state  |       |      |         |  (Alloc may not  | limit (only     |
 *   |        |       |      |         |  pass the        | after clear_    |
 *   |        |       |      |         |  footprint_limit)| growth_limit)   |
 *   +--------+-------+------+---------+------------------+-----------------+
 *   \__________ one region of `capacity` bytes, mapped MAP_PRIVATE ________/
 *
 *   The mspace is made with hsr_mspace_create_with_base over the whole
 *   mapping. The *footprint* is the page-rounded high-water mark of the
 *   chunks handed out (pages above it were never touched, so never became
 *   resident). Alloc (no HSR_SPACES_ALLOC_GROW) fails when the block would
 *   raise the footprint past footprint_limit; AllocWithGrowth fails only
 *   past growth_limit, and then raises footprint_limit to the new
 *   footprint (ART's DlMallocSpace::AllocWithGrowth). Create succeeds iff
 *   initial_size <= growth_limit <= capacity (ART space_test.h, clause 38).
 *   MAP_PRIVATE matters for the zygote: after fork() the child shares the
 *   pages copy-on-write, so neither side sees the other's later writes.
 *
 * FREE-LIST LARGE-OBJECT SPACE (one region, page-granular runs)
 *
 *   page:   0     1     2     3     4     5     6     7
 *          [run 2 used][run 3 free     ][run 1][run 2 used]
 *   run[i] = pages in the run that starts at page i (0 inside a run)
 *   prev[i]= pages in the run just below (0 for page 0): boundary tags, so
 *            a freed run merges with both neighbours in O(1)
 *   Best fit over the runs; no two free runs are ever neighbours.
 *
 * ROUTING (hsr_spaces_alloc): flags & LARGE_OK and n >= large_threshold
 * (default 12 KiB) -> the large-object space; flags & NON_MOVABLE -> the
 * non-moving space; everything else -> main. bytes_allocated (what
 * allocation_size answers) >= usable >= n.
 *
 * ZYGOTE SPLIT (the pre-fork step, once per heap): every object of the main
 * space is copied into the non-moving space (a forwarding table old->new,
 * sorted by old address, is returned to the caller who fixes references);
 * the non-moving space becomes the immutable ZYGOTE space; a fresh
 * non-moving and a fresh main space follow. The old main space is retired:
 * its pages are given back but its addresses stay reserved until destroy,
 * so no later object can ever have the address of a forwarded one.
 *
 * HOMOGENEOUS SPACE COMPACTION (hsr_spaces_compact; ART's main_space_backup_
 * and Heap::PerformHomogeneousSpaceCompact): the heap also reserves a
 * BACKUP main space of the main space's capacity and growth limit. Between
 * compactions it is a bare mapping: no mspace, no objects, footprint 0, no
 * page touched (so none resident).
 *
 *     before                         compact                  after
 *   main   [hdr|a|..|b|....|c|  ]   a,b,c copied, lowest   main   [hdr|a|b|c|   ]
 *   backup [                    ]   first, into backup --> backup [             ]
 *                                   then the roles swap    (the old main, pages
 *                                                           given back)
 *
 * Every live main-space object is copied into the backup (lowest address
 * first, so the copies pack from the bottom: the new footprint is the
 * mspace header plus the live bytes, page-rounded); a forwarding table
 * old->new sorted by old address goes to the caller, who fixes references;
 * the backup becomes MAIN (keeping the footprint limit, initial size and
 * growth limit), and the old main space's mspace is ended and its pages
 * dropped, so it is the new, empty backup. The swap is atomic for callers
 * (they serialise), so no object is ever seen in the backup: space_of
 * answers HSR_SPACE_NONE, never MAIN_BACKUP, for a backup address, and
 * hsr_spaces_list does not report the backup. Non-moving, zygote, image
 * and large-object spaces are untouched. Unlike the zygote split, the old
 * main's addresses are reused by the next compaction: a forwarding table
 * is valid until then only.
 *
 * FAILURE POLICY: a request that cannot be served (no memory, a limit, a
 * bad config, an oversized size) returns NULL or a negative errno value and
 * leaves the heap unchanged. Alloc/free in an immutable space is -EPERM.
 * Misuse — a pointer that belongs to no space of the heap, a bad handle —
 * goes to the usage-error hook (default: one line on stderr, abort); if the
 * hook returns, the call fails with -EINVAL. Double frees inside a malloc
 * space are the mspace's (its own hook).
 *
 * DEBUG: built with HSR_DEBUG >= 3, every mutating call ends with
 * hsr_spaces_check(), a failure going to the usage-error hook.
 *
 * THREADS: none; the caller serialises.
 *
 * Contracts: ACSL above each prototype, over spec/acsl/space.acsl
 * (SpaceValid, SpacesValid).
 */
#ifndef HEAPSPEC_REF_SPACE_H
#define HEAPSPEC_REF_SPACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(__FRAMAC__)
#define HSR_SPACE_API __attribute__((visibility("default")))
#else
#define HSR_SPACE_API
#endif

typedef struct hsr_space_s hsr_space_t;   /* one space */
typedef struct hsr_spaces_s hsr_spaces_t; /* the heap that owns them */

/* Space kinds: the values of the heapspec ABI's enum hs_space_kind. */
#define HSR_SPACE_NONE 0u
#define HSR_SPACE_MAIN 1u
#define HSR_SPACE_MAIN_BACKUP 2u /* never answered by space_of: see COMPACTION */
#define HSR_SPACE_NON_MOVING 3u
#define HSR_SPACE_LARGE_OBJECT 4u
#define HSR_SPACE_ZYGOTE 5u
#define HSR_SPACE_IMAGE 6u

/* Allocation flags: the values of the ABI's HS_SPACES_ALLOC_*. */
#define HSR_SPACES_ALLOC_NON_MOVABLE 0x1u
#define HSR_SPACES_ALLOC_LARGE_OK 0x2u
#define HSR_SPACES_ALLOC_GROW 0x4u

/* Large-object space flavours. */
#define HSR_LOS_FREE_LIST 0u /* one region, page-aligned runs */
#define HSR_LOS_MAP 1u       /* one anonymous private mapping per object */

#define HSR_SPACES_DEFAULT_LARGE_THRESHOLD ((uint64_t)12 * 1024)
#define HSR_SPACES_DEFAULT_NON_MOVING ((uint64_t)4 << 20)
#define HSR_SPACES_DEFAULT_LOS ((uint64_t)256 << 20)
/* Largest capacity of any one space (keeps page arithmetic in 32 bits). */
#define HSR_SPACES_MAX_CAPACITY ((uint64_t)1 << 40)

/* Bytes an mspace chunk spends beyond its usable bytes (mspace.h: the
 * 16-byte header on x86_64): bytes_allocated = usable + this. */
#define HSR_SPACE_CHUNK_OVERHEAD ((uint64_t)16)

typedef struct hsr_spaces_config_s {
    uint64_t initial_size;        /* starting footprint limit of the main space */
    uint64_t growth_limit;        /* <= capacity: AllocWithGrowth's bound */
    uint64_t capacity;            /* reserved (mapped) bytes of the main space */
    uint64_t large_threshold;     /* 0: HSR_SPACES_DEFAULT_LARGE_THRESHOLD */
    uint64_t non_moving_capacity; /* 0: HSR_SPACES_DEFAULT_NON_MOVING */
    uint64_t los_capacity;        /* free-list LOS bytes; 0: HSR_SPACES_DEFAULT_LOS */
    uint32_t los_kind;            /* HSR_LOS_FREE_LIST or HSR_LOS_MAP */
    uint32_t reserved0;           /* must be zero */
} hsr_spaces_config_t;

/* One entry of a forwarding table (zygote split, compaction). */
typedef struct hsr_spaces_forward_s {
    void *from; /* the object's address in the old main space */
    void *to;   /* its copy: in the zygote space (split) or new main (compact) */
} hsr_spaces_forward_t;

/* What hsr_spaces_list reports of each space. */
typedef struct hsr_space_info_s {
    uint32_t kind;         /* HSR_SPACE_* */
    uint32_t continuous;   /* 1: [begin, begin+capacity) holds every object */
    char *begin;           /* continuous: first byte; else NULL */
    uint64_t capacity;     /* continuous: mapped bytes; LOS: byte budget */
    uint64_t footprint;    /* bytes touched (continuous) or mapped (LOS) */
    uint64_t objects;      /* live allocations */
    uint64_t bytes;        /* sum of their allocation sizes */
} hsr_space_info_t;

/* Called once per live allocation: its address, usable bytes and space. */
typedef void (*hsr_spaces_walk_fn)(void *p, uint64_t usable, uint32_t kind, void *arg);

/* The state and the logic of the contracts, for Frama-C only. */
#ifdef __FRAMAC__
#include "ref/space/space_impl.h"
#include "spec/acsl/space.acsl"
#endif

/* ------------------------------------------------------------------ */
/* Misuse                                                              */
/* ------------------------------------------------------------------ */

/* Called with a one-line message and the offending pointer; the default
 * writes it to stderr and aborts. A hook that returns makes the call fail
 * with -EINVAL (NULL / 0 for pointer and size answers). */
typedef void (*hsr_spaces_usage_error_fn)(const char *msg, const void *where);

/* Install fn (NULL: the default); returns the previous hook (NULL when it
 * was the default). */
HSR_SPACE_API hsr_spaces_usage_error_fn
hsr_spaces_set_usage_error_hook(hsr_spaces_usage_error_fn fn);

/* Reports misuse through the hook (for the layers built on the spaces,
 * such as ref/gc); returns -EINVAL when the hook returns. */
HSR_SPACE_API int hsr_spaces_report_misuse(const char *msg, const void *where);

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

/*@ requires \valid_read(cfg) && \valid(out);
    assigns *out;
    behavior bad:
      assumes !(cfg->initial_size <= cfg->growth_limit <= cfg->capacity) ||
              cfg->capacity == 0 || cfg->reserved0 != 0 || cfg->los_kind > 1;
      ensures \result == -22;
    behavior good:
      assumes cfg->initial_size <= cfg->growth_limit <= cfg->capacity &&
              cfg->capacity != 0 && cfg->reserved0 == 0 && cfg->los_kind <= 1;
      ensures \result == 0 ==> SpacesValid(*out) &&
              SpGrowthLimit(*out) == cfg->growth_limit;
      ensures \result != 0 ==> \result == -12 || \result < 0;
    complete behaviors;
    disjoint behaviors;
 */
/* Makes a heap with a main space (cfg->capacity bytes mapped, footprint
 * limit initial_size, growth limit growth_limit), a non-moving space and a
 * large-object space. The caller guarantees cfg and out are valid.
 * Fails with *out untouched: -EINVAL unless initial_size <= growth_limit
 * <= capacity, capacity > 0, every capacity <= HSR_SPACES_MAX_CAPACITY,
 * los_kind known, reserved0 zero; -ENOMEM or a region error otherwise. */
HSR_SPACE_API int hsr_spaces_create(const hsr_spaces_config_t *cfg, hsr_spaces_t **out);

/*@ requires h == \null || SpacesValid(h);
    assigns *h;
 */
/* Unmaps every space (image and retired ones included) and frees h.
 * The caller guarantees no object of h is used again. NULL: nothing. */
HSR_SPACE_API void hsr_spaces_destroy(hsr_spaces_t *h);

/* ------------------------------------------------------------------ */
/* Allocation                                                          */
/* ------------------------------------------------------------------ */

/*@ requires SpacesValid(h);
    requires bytes_allocated == \null || \valid(bytes_allocated);
    requires usable == \null || \valid(usable);
    assigns *h, *bytes_allocated, *usable;
    ensures SpacesValid(h);
    ensures \result != \null ==> SpFootprint(h) <= SpGrowthLimit(h);
    ensures \result != \null && bytes_allocated != \null && usable != \null ==>
            *bytes_allocated >= *usable >= n;
 */
/* Routes and allocates n bytes (see ROUTING); the block is aligned to 16
 * and not zeroed. Stores the allocation size and usable bytes when the
 * pointers are not NULL. NULL, with nothing changed, when n > 2^62, when
 * the chosen space has no room within its limit, or the system refuses. */
HSR_SPACE_API void *hsr_spaces_alloc(hsr_spaces_t *h, uint64_t n, uint32_t flags,
                                     uint64_t *bytes_allocated, uint64_t *usable);

/*@ requires SpacesValid(h);
    assigns *h;
    ensures SpacesValid(h);
    ensures \result >= 0 || \result == -1 || \result == -22;
 */
/* Frees the allocation p and returns its allocation size. The caller
 * guarantees p is a live allocation of h. -EPERM (nothing freed) when p is
 * in the zygote or image space; a pointer in no space goes to the
 * usage-error hook (-EINVAL). */
HSR_SPACE_API int64_t hsr_spaces_free(hsr_spaces_t *h, void *p);

/*@ requires SpacesValid(h) && \valid(ptrs + (0 .. n - 1));
    assigns *h, ptrs[0 .. n - 1];
    ensures SpacesValid(h);
 */
/* Frees ptrs[0..n-1], all live allocations of the one space `kind` (MAIN
 * and NON_MOVING go through hsr_mspace_bulk_free, LARGE_OBJECT one by
 * one), setting each freed entry to NULL; NULL entries are skipped.
 * Returns the bytes freed, -EPERM for ZYGOTE/IMAGE, -EINVAL for another
 * kind. Entries that are not live allocations of that space stay and are
 * not counted. */
HSR_SPACE_API int64_t hsr_spaces_free_list(hsr_spaces_t *h, uint32_t kind, void **ptrs,
                                           size_t n);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

/*@ requires SpacesValid(h);
    assigns \nothing;
    ensures \result <= 6;
 */
/* The kind of the space whose range (continuous) or allocations (LOS)
 * hold the address p; HSR_SPACE_NONE for any other address. */
HSR_SPACE_API uint32_t hsr_spaces_space_of(const hsr_spaces_t *h, const void *p);

/*@ requires SpacesValid(h);
    assigns \nothing;
 */
/* The allocation size of the live allocation p (what alloc stored in
 * bytes_allocated; for an image object its record size); 0 for NULL or an
 * address that starts no allocation of a continuous space's mspace. */
HSR_SPACE_API uint64_t hsr_spaces_allocation_size(const hsr_spaces_t *h, const void *p);

/* Usable bytes of the live allocation p (0 as allocation_size). */
HSR_SPACE_API uint64_t hsr_spaces_usable_size(const hsr_spaces_t *h, const void *p);

/*@ requires SpacesValid(h);
    assigns \nothing;
    ensures \result == SpFootprint(h) && \result <= SpGrowthLimit(h);
 */
/* The main space's footprint (page-rounded high water, bytes). */
HSR_SPACE_API uint64_t hsr_spaces_footprint(const hsr_spaces_t *h);

/* The main space's footprint limit (what Alloc may not pass). */
HSR_SPACE_API uint64_t hsr_spaces_footprint_limit(const hsr_spaces_t *h);

/*@ requires SpacesValid(h);
    assigns \nothing;
    ensures \result == SpGrowthLimit(h);
 */
/* The main space's growth limit. */
HSR_SPACE_API uint64_t hsr_spaces_growth_limit(const hsr_spaces_t *h);

/*@ requires SpacesValid(h);
    assigns *h;
    ensures SpacesValid(h) && SpGrowthLimit(h) == SpCapacity(h);
 */
/* ART's ClearGrowthLimit: growth_limit = capacity. */
HSR_SPACE_API void hsr_spaces_clear_growth_limit(hsr_spaces_t *h);

/*@ requires SpacesValid(h);
    assigns *h;
    ensures SpacesValid(h) && SpCapacity(h) == SpGrowthLimit(h);
 */
/* ART's ClampGrowthLimit: capacity = growth_limit (the tail beyond it is
 * never used again; clear_growth_limit can no longer raise the limit past
 * it). */
HSR_SPACE_API void hsr_spaces_clamp_growth_limit(hsr_spaces_t *h);

/* Sets the main space's footprint limit to max(bytes, footprint), at most
 * the growth limit; returns the limit enforced. */
HSR_SPACE_API uint64_t hsr_spaces_set_footprint_limit(hsr_spaces_t *h, uint64_t bytes);

/* Fills out[0 .. max-1] with the heap's spaces (MAIN, NON_MOVING,
 * LARGE_OBJECT, then ZYGOTE and IMAGE when present) and returns how many
 * there are (which may exceed max). */
HSR_SPACE_API size_t hsr_spaces_list(const hsr_spaces_t *h, hsr_space_info_t *out, size_t max);

/* Visits every live allocation of the MAIN, NON_MOVING, ZYGOTE and
 * LARGE_OBJECT spaces (not the image), each space in address order. The
 * handler must not allocate or free in h. */
HSR_SPACE_API void hsr_spaces_walk(const hsr_spaces_t *h, hsr_spaces_walk_fn fn, void *arg);

/* ------------------------------------------------------------------ */
/* Zygote split and image                                              */
/* ------------------------------------------------------------------ */

/*@ requires SpacesValid(h);
    requires \valid(fwd) && \valid(nfwd);
    assigns *h, *fwd, *nfwd;
    ensures SpacesValid(h);
    ensures \result == 0 || \result == -1 || \result == -12;
 */
/* The pre-fork step (see ZYGOTE SPLIT). On success stores a table of
 * *nfwd entries sorted by `from` (free it with hsr_spaces_forward_free;
 * NULL when empty). Fails with the heap unchanged: -EPERM when the heap
 * was split already; -ENOMEM when the copies do not fit in the non-moving
 * space or a fresh space cannot be made. */
HSR_SPACE_API int hsr_spaces_zygote_split(hsr_spaces_t *h, hsr_spaces_forward_t **fwd,
                                          size_t *nfwd);

/*@ requires SpacesValid(h);
    requires \valid(fwd) && \valid(nfwd);
    requires \valid(h->backup) && h->backup->kind == 2 && h->backup->ms == \null &&
             h->backup->nobjects == 0 && h->backup->capacity == h->main->capacity &&
             h->backup->growth_limit == h->main->growth_limit;
    assigns *h, *h->main, *h->backup, *fwd, *nfwd;
    ensures SpacesValid(h);
    ensures \valid(h->backup) && h->backup->kind == 2 && h->backup->ms == \null &&
            h->backup->nobjects == 0 && h->backup->footprint == 0;
    ensures h->non_moving == \old(h->non_moving) && h->los == \old(h->los) &&
            h->zygote == \old(h->zygote) && h->image == \old(h->image);
    ensures SpGrowthLimit(h) == \old(SpGrowthLimit(h)) &&
            SpCapacity(h) == \old(SpCapacity(h));
    ensures \result == 0 ==> h->main == \old(h->backup) && h->backup == \old(h->main) &&
            h->main->nobjects == \old(h->main->nobjects) &&
            h->main->nbytes == \old(h->main->nbytes) &&
            SpFootprint(h) <= \old(SpFootprint(h)) && *nfwd == \old(h->main->nobjects);
    ensures \result != 0 ==> \result < 0 && h->main == \old(h->main) &&
            h->backup == \old(h->backup);
 */
/* Homogeneous space compaction (see COMPACTION): moves every live object
 * of the main space into the backup space, swaps the two, and empties the
 * old main space. On success stores a table of *nfwd entries sorted by
 * `from` (free it with hsr_spaces_forward_free; NULL when the main space
 * was empty); every object keeps its usable bytes and contents. The caller
 * guarantees it fixes every reference through the table before using an
 * object again (the old addresses hold nothing afterwards). Fails with the
 * heap unchanged: -ENOMEM (no memory for the table, or the mspace of the
 * backup cannot be made), or the error of re-opening the backup's pages. */
HSR_SPACE_API int hsr_spaces_compact(hsr_spaces_t *h, hsr_spaces_forward_t **fwd, size_t *nfwd);

/* The new address of `from` per the table (binary search), or `from`
 * itself when it was not forwarded. */
HSR_SPACE_API void *hsr_spaces_forward_lookup(const hsr_spaces_forward_t *fwd, size_t n,
                                              const void *from);

/* Frees a table hsr_spaces_zygote_split or hsr_spaces_compact returned. */
HSR_SPACE_API void hsr_spaces_forward_free(hsr_spaces_forward_t *fwd);

/* IMAGE FILE FORMAT (little-endian, what hsr_spaces_add_image maps):
 *
 *   offset 0                              data_offset (page multiple)
 *   +--------------------------------+---+-------------------------------+
 *   | hsr_image_header_t             |pad| record | record | ... record |
 *   +--------------------------------+---+-------------------------------+
 *   record = uint64_t size (bytes of the record, header word included,
 *            a multiple of 16, >= 16) followed by size-8 bytes of data.
 *   The object's address is that of its size word; records fill
 *   data_size exactly and number nobjects.
 */
#define HSR_IMAGE_MAGIC "HSIMAGE1"
typedef struct hsr_image_header_s {
    char magic[8];        /* HSR_IMAGE_MAGIC, no NUL */
    uint64_t data_offset; /* where the records start: a page multiple */
    uint64_t data_size;   /* bytes of records */
    uint64_t nobjects;    /* number of records */
    uint64_t reserved[4]; /* zero */
} hsr_image_header_t;

/* Maps the image file at `path` read-only (MAP_PRIVATE) as the heap's
 * IMAGE space, after checking the header and the record chain. Fails with
 * no change: -EEXIST when the heap has an image; -EINVAL for a malformed
 * file; an open/fstat/mmap error. */
HSR_SPACE_API int hsr_spaces_add_image(hsr_spaces_t *h, const char *path);

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

/*@ requires msg == \null || \valid(msg + (0 .. len - 1));
    assigns msg[0 .. len - 1];
    ensures \result == 0 <==> SpacesValid(h);
 */
/* Walks everything: each space's geometry (initial <= footprint_limit <=
 * growth_limit <= capacity, footprint <= growth limit), each mspace
 * (hsr_mspace_check), every chunk inside [begin, begin+footprint), object
 * and byte counters against a walk, the LOS runs (tile the space, no two
 * free neighbours, prev tags right) or mappings (sorted, disjoint), the
 * image record chain, that the backup main space is reserved, empty and
 * of the main space's geometry, and that no two spaces overlap. Returns
 * 0, or -1 with the first problem in msg. Never aborts. */
HSR_SPACE_API int hsr_spaces_check(const hsr_spaces_t *h, char *msg, size_t len);

/* The "ref-spaces" conformance subject (spec/include/heapspec/heapspec.h). */
struct hs_subject;
HSR_SPACE_API const struct hs_subject *hsr_spaces_subject(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REF_SPACE_H */
