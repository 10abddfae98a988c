/*
 * heapspec.h — the stable C ABI through which heapspec drives a subject.
 *
 * A *subject* is any implementation of one or more families (malloc, mspace,
 * region, ring, buddy, gc, spaces). It is a shared object (or a table linked
 * into the tool) that exports one entry point:
 *
 *     const struct hs_subject *heapspec_subject(void);
 *
 * returning a table that lives as long as the object is loaded. The tool
 * never looks inside a subject: it calls the function pointers of the table,
 * with the opaque context that the subject's open() made.
 *
 * Stability rules (spec/ABI.md has the full text):
 *   - HS_ABI_VERSION only grows. Version 1 is this file.
 *   - Every table begins with {uint32_t struct_size; uint32_t version;}.
 *     Fields are only ever appended; the tool reads a field only when
 *     struct_size covers it (HS_HAS_FIELD). Nothing is removed or reordered.
 *   - Enums and capability bits only grow; retired values stay reserved.
 *   - Handles are opaque; no layout of a subject's own structures is public.
 *   - Fixed-width integers in every struct; size_t only as a function
 *     argument or result where the family's own standard uses it.
 *   - Errors are returned values (NULL, a negative errno, a status) plus
 *     errno where the family's standard says so. A subject never aborts for
 *     input that the specification defines (a bad alignment, an oversized
 *     request); undefined behaviour (double free, ...) is out of contract.
 *
 * Every function below states what the caller guarantees and what the
 * subject must return; the numbered clauses of spec/clauses/ are the
 * judged form of these sentences.
 */
#ifndef HEAPSPEC_HEAPSPEC_H
#define HEAPSPEC_HEAPSPEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_ABI_VERSION 1u

/* Name of the entry point a subject shared object exports. */
#define HS_SUBJECT_ENTRY "heapspec_subject"

/* True when a size-prefixed table `t` (pointer) is large enough to hold
 * `field`: the way a newer tool reads an older subject's table. */
#define HS_HAS_FIELD(t, type, field)                                        \
    ((t) != NULL && (size_t)(t)->struct_size >=                             \
                        offsetof(type, field) + sizeof(((type *)0)->field))

/* ----------------------------------------------------------------------
 * Families and status codes
 * -------------------------------------------------------------------- */

enum hs_family {
    HS_FAMILY_MALLOC = 0,
    HS_FAMILY_MSPACE = 1,
    HS_FAMILY_REGION = 2,
    HS_FAMILY_RING = 3,
    HS_FAMILY_BUDDY = 4,
    HS_FAMILY_GC = 5,
    HS_FAMILY_SPACES = 6,
    HS_FAMILY_COUNT_V1 = 7 /* families defined by ABI version 1 */
};

/* Status values for functions that return an int status: 0 is success,
 * a negative value is minus an errno value (-ENOMEM, -EINVAL, -EPERM, ...).
 * Positive values are family-specific answers documented at the function. */
#define HS_OK 0

/* Opaque per-subject context made by open(). */
typedef struct hs_ctx_s hs_ctx_t;

/* ----------------------------------------------------------------------
 * open() arguments: the fault-injection axis of every family.
 * -------------------------------------------------------------------- */

#define HS_OPEN_ARGS_VERSION 1u

struct hs_open_args {
    uint32_t struct_size;      /* sizeof(struct hs_open_args) of the caller */
    uint32_t version;          /* HS_OPEN_ARGS_VERSION */
    uint64_t fail_nth_backing; /* 0: off; N: the Nth request for backing memory fails */
    uint64_t footprint_limit;  /* 0: none; else bytes of backing memory allowed */
    uint32_t flags;            /* HS_OPEN_* bits */
    uint32_t reserved0;        /* must be zero */
    uint64_t reserved[4];      /* must be zero */
};

#define HS_OPEN_CHECKED 0x1u /* run the subject's own invariant walker after every mutation */

/* ----------------------------------------------------------------------
 * malloc family: C17 7.22.3, POSIX.1-2024, and the common extensions.
 *
 * Each function has the contract of its standard namesake, with the
 * subject's context added. A NULL function pointer means "not offered";
 * the matching HS_MALLOC_CAP_* bit must then be clear.
 * -------------------------------------------------------------------- */

#define HS_MALLOC_OPS_VERSION 1u

#define HS_MALLOC_CAP_CALLOC (1ull << 0)
#define HS_MALLOC_CAP_REALLOC (1ull << 1)
#define HS_MALLOC_CAP_REALLOCARRAY (1ull << 2)
#define HS_MALLOC_CAP_ALIGNED_ALLOC (1ull << 3)
#define HS_MALLOC_CAP_POSIX_MEMALIGN (1ull << 4)
#define HS_MALLOC_CAP_MEMALIGN (1ull << 5)
#define HS_MALLOC_CAP_VALLOC (1ull << 6)
#define HS_MALLOC_CAP_PVALLOC (1ull << 7)
#define HS_MALLOC_CAP_USABLE_SIZE (1ull << 8)
#define HS_MALLOC_CAP_FREE_SIZED (1ull << 9)
#define HS_MALLOC_CAP_FREE_ALIGNED_SIZED (1ull << 10)
#define HS_MALLOC_CAP_THREADS (1ull << 11)        /* all entry points thread-safe */
#define HS_MALLOC_CAP_FORK (1ull << 12)           /* usable in a fork child */
#define HS_MALLOC_CAP_PROCESS_MALLOC (1ull << 13) /* the ops ARE the process's malloc:
                                                     libc's own allocations use them */

struct hs_malloc_ops {
    uint32_t struct_size; /* sizeof(struct hs_malloc_ops) of the subject */
    uint32_t version;     /* HS_MALLOC_OPS_VERSION */
    uint64_t caps;        /* HS_MALLOC_CAP_* */

    /* malloc: NULL + errno ENOMEM on failure; n > PTRDIFF_MAX always fails.
     * Success: a block of at least n bytes aligned to alignof(max_align_t),
     * disjoint from every other live block. n == 0: implementation-defined
     * (NULL, or a unique pointer that free accepts). */
    void *(*malloc)(hs_ctx_t *ctx, size_t n);
    /* free: p is NULL or a live block of this subject; NULL does nothing.
     * Never changes errno. */
    void (*free)(hs_ctx_t *ctx, void *p);
    /* calloc: n*m overflow fails with NULL + ENOMEM; success reads as zero. */
    void *(*calloc)(hs_ctx_t *ctx, size_t n, size_t m);
    /* realloc: p NULL behaves as malloc(n); success keeps min(old, n) bytes;
     * failure returns NULL + ENOMEM and leaves p untouched and live. */
    void *(*realloc)(hs_ctx_t *ctx, void *p, size_t n);
    /* reallocarray: realloc(p, n*m) with n*m overflow failing NULL + ENOMEM. */
    void *(*reallocarray)(hs_ctx_t *ctx, void *p, size_t n, size_t m);
    /* aligned_alloc: a must be a supported power of two; else NULL (+EINVAL). */
    void *(*aligned_alloc)(hs_ctx_t *ctx, size_t a, size_t n);
    /* posix_memalign: a a power of two multiple of sizeof(void*), else EINVAL;
     * returns 0 or an errno value; *out untouched on failure. */
    int (*posix_memalign)(hs_ctx_t *ctx, void **out, size_t a, size_t n);
    void *(*memalign)(hs_ctx_t *ctx, size_t a, size_t n);
    void *(*valloc)(hs_ctx_t *ctx, size_t n);
    void *(*pvalloc)(hs_ctx_t *ctx, size_t n);
    /* usable_size: >= the requested size of live p; 0 for NULL. */
    size_t (*usable_size)(hs_ctx_t *ctx, const void *p);
    /* free_sized / free_aligned_sized (C23): n (and a) as requested. */
    void (*free_sized)(hs_ctx_t *ctx, void *p, size_t n);
    void (*free_aligned_sized)(hs_ctx_t *ctx, void *p, size_t a, size_t n);
};

/* ----------------------------------------------------------------------
 * mspace family: the dlmalloc 2.8.6 mspace contract.
 * -------------------------------------------------------------------- */

#define HS_MSPACE_OPS_VERSION 1u

typedef struct hs_mspace_s hs_mspace_t;

#define HS_MSPACE_CAP_WITH_BASE (1ull << 0)
#define HS_MSPACE_CAP_OWN_MEMORY (1ull << 1)
#define HS_MSPACE_CAP_LOCKED (1ull << 2)
#define HS_MSPACE_CAP_REALLOC_IN_PLACE (1ull << 3)
#define HS_MSPACE_CAP_BULK_FREE (1ull << 4)
#define HS_MSPACE_CAP_TRIM (1ull << 5)
#define HS_MSPACE_CAP_FOOTPRINT_LIMIT (1ull << 6)
#define HS_MSPACE_CAP_INSPECT (1ull << 7)
#define HS_MSPACE_CAP_MALLINFO (1ull << 8)

#define HS_MALLINFO_VERSION 1u

struct hs_mallinfo {
    uint32_t struct_size; /* set by the caller */
    uint32_t version;     /* HS_MALLINFO_VERSION */
    uint64_t arena;       /* bytes obtained from the system (non-mmapped) */
    uint64_t free_chunks; /* number of free chunks */
    uint64_t used_bytes;  /* total allocated space, overhead included */
    uint64_t free_bytes;  /* total free space */
    uint64_t top_bytes;   /* releasable space at the top */
    uint64_t max_footprint;
    uint64_t reserved[4];
};

/* Called once per managed region by inspect_all; used_bytes == 0 => free. */
typedef void (*hs_inspect_fn)(void *start, void *end, size_t used_bytes, void *arg);

struct hs_mspace_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_MSPACE_OPS_VERSION */
    uint64_t caps;    /* HS_MSPACE_CAP_* */

    /* create_with_base: caller memory [base, base+capacity); bookkeeping lives
     * inside it; NULL if capacity is below the subject's minimum. The base
     * is never freed by destroy. */
    hs_mspace_t *(*create_with_base)(hs_ctx_t *ctx, void *base, size_t capacity, int locked);
    /* create: own memory, capacity 0 = default granularity; NULL on failure. */
    hs_mspace_t *(*create)(hs_ctx_t *ctx, size_t capacity, int locked);
    /* destroy: returns bytes released to the system. */
    size_t (*destroy)(hs_ctx_t *ctx, hs_mspace_t *ms);
    void *(*malloc)(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n);
    void (*free)(hs_ctx_t *ctx, hs_mspace_t *ms, void *p);
    void *(*calloc)(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n, size_t m);
    void *(*realloc)(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n);
    /* realloc_in_place: p if resized without moving, else NULL, no change. */
    void *(*realloc_in_place)(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n);
    void *(*memalign)(hs_ctx_t *ctx, hs_mspace_t *ms, size_t a, size_t n);
    /* bulk_free: frees and NULLs every non-NULL entry of this mspace;
     * returns the number of entries it could not free. */
    size_t (*bulk_free)(hs_ctx_t *ctx, hs_mspace_t *ms, void **array, size_t n);
    /* trim: release top memory leaving pad; 1 if anything was released. */
    int (*trim)(hs_ctx_t *ctx, hs_mspace_t *ms, size_t pad);
    size_t (*usable_size)(hs_ctx_t *ctx, hs_mspace_t *ms, const void *p);
    size_t (*footprint)(hs_ctx_t *ctx, hs_mspace_t *ms);
    size_t (*max_footprint)(hs_ctx_t *ctx, hs_mspace_t *ms);
    /* footprint_limit: last value set, SIZE_MAX when never set. */
    size_t (*footprint_limit)(hs_ctx_t *ctx, hs_mspace_t *ms);
    /* set_footprint_limit: page-rounded; returns the limit enforced. */
    size_t (*set_footprint_limit)(hs_ctx_t *ctx, hs_mspace_t *ms, size_t bytes);
    /* mallinfo: fills *out (out->struct_size set by the caller); 0 or -errno. */
    int (*mallinfo)(hs_ctx_t *ctx, hs_mspace_t *ms, struct hs_mallinfo *out);
    void (*inspect_all)(hs_ctx_t *ctx, hs_mspace_t *ms, hs_inspect_fn fn, void *arg);
};

/* ----------------------------------------------------------------------
 * region family: anonymous shared memory with the ashmem contract.
 * -------------------------------------------------------------------- */

#define HS_REGION_OPS_VERSION 1u

typedef struct hs_region_s hs_region_t;

#define HS_REGION_CAP_PIN (1ull << 0)      /* pin/unpin/purge really purge */
#define HS_REGION_CAP_SET_SIZE (1ull << 1) /* size settable until first map */
#define HS_REGION_CAP_NAME (1ull << 2)     /* name visible in /proc/self/maps */

#define HS_REGION_MAP_SHARED 1u
#define HS_REGION_MAP_PRIVATE 2u

/* pin() results (positive answers) */
#define HS_REGION_NOT_PURGED 0
#define HS_REGION_WAS_PURGED 1
/* pin_status() results */
#define HS_REGION_PINNED 0
#define HS_REGION_UNPINNED 1

struct hs_region_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_REGION_OPS_VERSION */
    uint64_t caps;    /* HS_REGION_CAP_* */

    /* create: name may be NULL; size may be 0 (set later). 0 or -errno. */
    int (*create)(hs_ctx_t *ctx, const char *name, uint64_t size, hs_region_t **out);
    /* set_size: -EINVAL once mapped. */
    int (*set_size)(hs_ctx_t *ctx, hs_region_t *r, uint64_t size);
    int64_t (*get_size)(hs_ctx_t *ctx, hs_region_t *r);
    /* get_name: copies the NUL-terminated name into buf; 0 or -errno. */
    int (*get_name)(hs_ctx_t *ctx, hs_region_t *r, char *buf, size_t len);
    /* set_prot: may only remove bits (PROT_READ|PROT_WRITE|PROT_EXEC); adding
     * a bit back is -EINVAL. */
    int (*set_prot)(hs_ctx_t *ctx, hs_region_t *r, uint32_t prot);
    int64_t (*get_prot)(hs_ctx_t *ctx, hs_region_t *r);
    /* map: prot outside the mask is -EPERM; size 0 is -EINVAL. */
    int (*map)(hs_ctx_t *ctx, hs_region_t *r, uint32_t prot, uint32_t how, uint64_t offset,
               uint64_t len, void **out);
    int (*unmap)(hs_ctx_t *ctx, hs_region_t *r, void *addr, uint64_t len);
    /* pin: HS_REGION_WAS_PURGED / HS_REGION_NOT_PURGED, or -errno. */
    int (*pin)(hs_ctx_t *ctx, hs_region_t *r, uint64_t offset, uint64_t len);
    int (*unpin)(hs_ctx_t *ctx, hs_region_t *r, uint64_t offset, uint64_t len);
    int (*pin_status)(hs_ctx_t *ctx, hs_region_t *r, uint64_t offset, uint64_t len);
    /* purge_all: purge every unpinned page ("memory pressure"); count or -errno. */
    int64_t (*purge_all)(hs_ctx_t *ctx, hs_region_t *r);
    /* fd: the descriptor, for sharing across fork; -1 when none. */
    int (*fd)(hs_ctx_t *ctx, hs_region_t *r);
    int (*close)(hs_ctx_t *ctx, hs_region_t *r);
};

/* ----------------------------------------------------------------------
 * ring family: byte FIFO of power-of-two capacity.
 * -------------------------------------------------------------------- */

#define HS_RING_OPS_VERSION 1u

typedef struct hs_ring_s hs_ring_t;

enum hs_ring_mode {
    HS_RING_REFUSE = 0,    /* a write that does not fit writes what fits */
    HS_RING_OVERWRITE = 1, /* a write that does not fit drops the oldest bytes */
    HS_RING_SPSC = 2       /* REFUSE semantics, one producer + one consumer thread */
};

#define HS_RING_CAP_OVERWRITE (1ull << 0)
#define HS_RING_CAP_SPSC (1ull << 1)

struct hs_ring_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_RING_OPS_VERSION */
    uint64_t caps;    /* HS_RING_CAP_* */

    /* create: capacity a power of two >= 2, else -EINVAL. */
    int (*create)(hs_ctx_t *ctx, uint64_t capacity, uint32_t mode, hs_ring_t **out);
    void (*destroy)(hs_ctx_t *ctx, hs_ring_t *r);
    /* write: bytes accepted (REFUSE: min(n, avail); OVERWRITE: n). */
    uint64_t (*write)(hs_ctx_t *ctx, hs_ring_t *r, const void *buf, uint64_t n);
    /* read / peek: bytes copied out, min(n, len); peek does not consume. */
    uint64_t (*read)(hs_ctx_t *ctx, hs_ring_t *r, void *buf, uint64_t n);
    uint64_t (*peek)(hs_ctx_t *ctx, hs_ring_t *r, void *buf, uint64_t n);
    uint64_t (*len)(hs_ctx_t *ctx, hs_ring_t *r);
    uint64_t (*avail)(hs_ctx_t *ctx, hs_ring_t *r);
    uint64_t (*capacity)(hs_ctx_t *ctx, hs_ring_t *r);
    /* overruns: bytes dropped by OVERWRITE mode since create. */
    uint64_t (*overruns)(hs_ctx_t *ctx, hs_ring_t *r);
};

/* ----------------------------------------------------------------------
 * buddy family: binary buddy allocator over an offset range.
 * -------------------------------------------------------------------- */

#define HS_BUDDY_OPS_VERSION 1u

typedef struct hs_buddy_s hs_buddy_t;

struct hs_buddy_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_BUDDY_OPS_VERSION */
    uint64_t caps;    /* none defined yet */

    /* create: manages offsets [0, 2^max_order) in blocks of 2^min_order ..
     * 2^max_order bytes; min_order <= max_order <= 62, else -EINVAL. */
    int (*create)(hs_ctx_t *ctx, uint32_t min_order, uint32_t max_order, hs_buddy_t **out);
    void (*destroy)(hs_ctx_t *ctx, hs_buddy_t *b);
    /* alloc: size rounded up to a power of two >= 2^min_order; 0 or -errno
     * (-EINVAL for size 0, -ENOMEM when no block fits). */
    int (*alloc)(hs_ctx_t *ctx, hs_buddy_t *b, uint64_t size, uint64_t *offset);
    int (*alloc_order)(hs_ctx_t *ctx, hs_buddy_t *b, uint32_t order, uint64_t *offset);
    /* free: offset must start an allocated block, else -EINVAL, no change. */
    int (*free)(hs_ctx_t *ctx, hs_buddy_t *b, uint64_t offset);
    /* block_size: size of the allocated block at offset, or -EINVAL. */
    int64_t (*block_size)(hs_ctx_t *ctx, hs_buddy_t *b, uint64_t offset);
    uint64_t (*free_bytes)(hs_ctx_t *ctx, hs_buddy_t *b);
    uint64_t (*largest_free)(hs_ctx_t *ctx, hs_buddy_t *b);
};

/* ----------------------------------------------------------------------
 * gc family: a tracing collector over objects with reference slots.
 * -------------------------------------------------------------------- */

#define HS_GC_OPS_VERSION 1u

typedef struct hs_gc_s hs_gc_t;

#define HS_GC_CAP_PRECISE (1ull << 0) /* unreachable objects are always freed */
#define HS_GC_CAP_WALK (1ull << 1)
#define HS_GC_CAP_IS_LIVE (1ull << 2)

typedef void (*hs_gc_visit_fn)(void *obj, void *arg);

struct hs_gc_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_GC_OPS_VERSION */
    uint64_t caps;    /* HS_GC_CAP_* */

    /* create: a heap of at most max_bytes; 0 or -errno. */
    int (*create)(hs_ctx_t *ctx, uint64_t max_bytes, hs_gc_t **out);
    void (*destroy)(hs_ctx_t *ctx, hs_gc_t *g);
    /* alloc: object with nslots reference slots (all NULL) and payload bytes
     * of data (zeroed); NULL only when memory is exhausted after a collection. */
    void *(*alloc)(hs_ctx_t *ctx, hs_gc_t *g, uint32_t nslots, uint64_t payload);
    /* payload: the object's data bytes. */
    void *(*payload)(hs_ctx_t *ctx, hs_gc_t *g, void *obj);
    /* set_ref / get_ref: slot < nslots of obj; target NULL or an object. */
    void (*set_ref)(hs_ctx_t *ctx, hs_gc_t *g, void *obj, uint32_t slot, void *target);
    void *(*get_ref)(hs_ctx_t *ctx, hs_gc_t *g, void *obj, uint32_t slot);
    void (*root_add)(hs_ctx_t *ctx, hs_gc_t *g, void *obj);
    void (*root_remove)(hs_ctx_t *ctx, hs_gc_t *g, void *obj);
    /* collect: a full collection; returns objects freed, or -errno. */
    int64_t (*collect)(hs_ctx_t *ctx, hs_gc_t *g);
    /* is_live: 1 when obj is still allocated, 0 when freed. */
    int (*is_live)(hs_ctx_t *ctx, hs_gc_t *g, void *obj);
    void (*walk)(hs_ctx_t *ctx, hs_gc_t *g, hs_gc_visit_fn fn, void *arg);
};

/* ----------------------------------------------------------------------
 * spaces family: an ART-style heap of spaces.
 * -------------------------------------------------------------------- */

#define HS_SPACES_OPS_VERSION 1u
#define HS_SPACES_CONFIG_VERSION 1u

typedef struct hs_spaces_s hs_spaces_t;

enum hs_space_kind {
    HS_SPACE_NONE = 0,
    HS_SPACE_MAIN = 1,
    HS_SPACE_MAIN_BACKUP = 2,
    HS_SPACE_NON_MOVING = 3,
    HS_SPACE_LARGE_OBJECT = 4,
    HS_SPACE_ZYGOTE = 5,
    HS_SPACE_IMAGE = 6
};

#define HS_SPACES_ALLOC_NON_MOVABLE 0x1u
#define HS_SPACES_ALLOC_LARGE_OK 0x2u /* primitive array / string: may go to the LOS */
#define HS_SPACES_ALLOC_GROW 0x4u     /* may grow the footprint up to the growth limit */

struct hs_spaces_config {
    uint32_t struct_size;
    uint32_t version;           /* HS_SPACES_CONFIG_VERSION */
    uint64_t initial_size;      /* starting footprint of the main space */
    uint64_t growth_limit;      /* <= capacity */
    uint64_t capacity;          /* reserved size of the main space */
    uint64_t large_threshold;   /* 0: 12 KiB */
    uint64_t non_moving_capacity;
    uint64_t reserved[4];
};

struct hs_spaces_ops {
    uint32_t struct_size;
    uint32_t version; /* HS_SPACES_OPS_VERSION */
    uint64_t caps;

    /* create: -EINVAL unless initial_size <= growth_limit <= capacity. */
    int (*create)(hs_ctx_t *ctx, const struct hs_spaces_config *cfg, hs_spaces_t **out);
    void (*destroy)(hs_ctx_t *ctx, hs_spaces_t *h);
    /* alloc: routes by size and flags; bytes_allocated >= usable >= n. */
    void *(*alloc)(hs_ctx_t *ctx, hs_spaces_t *h, uint64_t n, uint32_t flags,
                   uint64_t *bytes_allocated, uint64_t *usable);
    /* free: returns bytes freed, or -errno (-EPERM in an immutable space). */
    int64_t (*free)(hs_ctx_t *ctx, hs_spaces_t *h, void *p);
    uint32_t (*space_of)(hs_ctx_t *ctx, hs_spaces_t *h, const void *p); /* hs_space_kind */
    uint64_t (*allocation_size)(hs_ctx_t *ctx, hs_spaces_t *h, const void *p);
    uint64_t (*footprint)(hs_ctx_t *ctx, hs_spaces_t *h);
    uint64_t (*growth_limit)(hs_ctx_t *ctx, hs_spaces_t *h);
    void (*clear_growth_limit)(hs_ctx_t *ctx, hs_spaces_t *h);
    /* zygote_split: the pre-fork step; 0 or -errno. */
    int (*zygote_split)(hs_ctx_t *ctx, hs_spaces_t *h);

    /* Appended in ABI 1 (optional; NULL: the tool cannot follow moved objects).
     * forward: where an object that zygote_split moved lives now: for p
     * returned by alloc before the split, the address of its copy; p itself
     * for an object that did not move; NULL when p names no object. Every
     * other call keeps accepting the old address too. */
    void *(*forward)(hs_ctx_t *ctx, hs_spaces_t *h, const void *p);
};

/* ----------------------------------------------------------------------
 * The subject table.
 * -------------------------------------------------------------------- */

#define HS_SUBJECT_VERSION 1u

#define HS_SUBJECT_REFERENCE (1ull << 0) /* one of heapspec's reference components */

struct hs_subject {
    uint32_t struct_size; /* sizeof(struct hs_subject) of the subject */
    uint32_t abi_version; /* HS_ABI_VERSION the subject was built against */
    const char *name;     /* short, [a-z0-9_-]+ */
    const char *version;  /* the implementation's own version string */
    const char *description;
    uint64_t flags; /* HS_SUBJECT_* */

    /* open: make a context; args may be NULL (no fault injection).
     * 0 or -errno (-ENOTSUP for a fault axis the subject cannot honour). */
    int (*open)(const struct hs_open_args *args, hs_ctx_t **out);
    void (*close)(hs_ctx_t *ctx);

    /* One table per family; NULL where the family is not offered. */
    const struct hs_malloc_ops *malloc_ops;
    const struct hs_mspace_ops *mspace_ops;
    const struct hs_region_ops *region_ops;
    const struct hs_ring_ops *ring_ops;
    const struct hs_buddy_ops *buddy_ops;
    const struct hs_gc_ops *gc_ops;
    const struct hs_spaces_ops *spaces_ops;

    /* check: the subject's own whole-structure invariant walker (optional).
     * Returns 0 when consistent, else -1 with a message in buf. The tool
     * calls it between calls on the context, never while one runs (in any
     * thread), so a walker need not take the locks its calls take. */
    int (*check)(hs_ctx_t *ctx, char *buf, size_t len);

    void *app; /* subject's own data, never read by the tool */
};

typedef const struct hs_subject *(*hs_subject_entry_fn)(void);

/* Runtime ABI version of the tool (conformance asserts it equals the
 * compile-time HS_ABI_VERSION). */
uint32_t hs_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_HEAPSPEC_H */
