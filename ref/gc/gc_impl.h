/*
 * gc_impl.h — the collector's state, shared by ref/gc's sources and read by
 * Frama-C for the contracts of ref/include/heapspec/gc.h. Not public.
 *
 *   struct hsr_gc_s
 *   +----------------+--------------------------------------------------+
 *   | magic          | HSRI_GC_MAGIC while alive                        |
 *   | heap           | the spaces heap (space.h) that holds the objects |
 *   | bm[0..nbm-1]   | {kind, live, mark} per continuous space          |
 *   | los            | open-addressing set of LOS objects + mark flags  |
 *   | roots          | multiset of root objects                         |
 *   | stack          | the bounded mark stack and its overflow flag     |
 *   | objects, bytes | live objects and their allocation sizes          |
 *   +----------------+--------------------------------------------------+
 *
 * Invariants (GcValid in spec/acsl/gc.acsl, hsr_gc_check in C):
 *   - one bitmap pair per continuous space, covering exactly
 *     [begin, begin+capacity) of it; live bits == the space's allocations;
 *   - the LOS set == the LOS's allocations;
 *   - every slot of a live object is NULL or a live object; roots are live;
 *   - outside a collection the mark stack is empty;
 *   - bytes <= max_bytes.
 */
#ifndef HEAPSPEC_REF_GC_GC_IMPL_H
#define HEAPSPEC_REF_GC_GC_IMPL_H

#include <stdint.h>

#include "heapspec/gc.h"

/* Not space.h: Frama-C reads this header for gc.h's contracts, and WP
 * cannot read the spaces' logic (spec/acsl/mspace.acsl casts an mspace to
 * char *, which WP's typed model refuses). The sources that call the
 * spaces include space.h themselves. */
struct hsr_spaces_s;

#ifndef HSR_DEBUG
#define HSR_DEBUG 0
#endif

#define HSRI_GC_MAGIC 0x43474352u /* "RCGC" */
#define HSRI_GC_MAX_BITMAPS 3     /* MAIN, NON_MOVING, ZYGOTE */

typedef struct hsri_gc_space_bm_s {
    uint32_t kind;        /* HSR_SPACE_* of the space */
    hsr_gc_bitmap_t live; /* allocated objects */
    hsr_gc_bitmap_t mark; /* marked during the current/last collection */
} hsri_gc_space_bm_t;

/* LOS members: linear probing, backward-shift deletion. */
typedef struct hsri_gc_objset_s {
    void **keys;    /* NULL = empty slot */
    uint8_t *marks; /* mark flag of keys[i] */
    uint64_t cap;   /* a power of two, or 0 */
    uint64_t n;     /* members */
} hsri_gc_objset_t;

struct hsr_gc_s {
    uint32_t magic;                         /* HSRI_GC_MAGIC */
    uint32_t nbm;                           /* bitmaps in use */
    hsr_gc_config_t cfg;                    /* defaults filled in */
    struct hsr_spaces_s *heap;              /* where the objects live (space.h) */
    hsri_gc_space_bm_t bm[HSRI_GC_MAX_BITMAPS]; /* per continuous space */
    hsri_gc_objset_t los;                   /* LOS members */
    void **roots;                           /* root multiset */
    uint64_t nroots;                        /* entries */
    uint64_t cap_roots;                     /* allocated entries */
    void **stack;                           /* mark stack, cfg.mark_stack_entries */
    uint64_t sp;                            /* entries on the stack */
    int overflow;                           /* a push found the stack full */
    uint64_t objects;                       /* live objects */
    uint64_t bytes;                         /* their allocation sizes */
    hsr_gc_stats_t stats;                   /* figures */
};

/* bitmap_alloc.c: hsr_spaces_report_misuse (space.h) with the message
 * prefixed "gc: ", for the collector's files; bitmap.c, which WP proves, may
 * not include space.h (above). The hook's own effects
 * (stderr, a test's counters) are outside the model: it must not write the
 * bitmap it is told about. -EINVAL when the hook returns. */
/*@ assigns \nothing;
    ensures \result == -22;
 */
int hsri_gc_report_misuse(const char *msg, const void *where);

/* objset.c */
int hsri_objset_add(hsri_gc_objset_t *s, void *p); /* 0 or -ENOMEM */
int64_t hsri_objset_find(const hsri_gc_objset_t *s, const void *p); /* index or -1 */
void hsri_objset_remove_at(hsri_gc_objset_t *s, uint64_t i);
void hsri_objset_free(hsri_gc_objset_t *s);

/* gc.c: the bitmap pair covering p, or NULL. */
hsri_gc_space_bm_t *hsri_gc_bm_of(const hsr_gc_t *g, const void *p);

#endif /* HEAPSPEC_REF_GC_GC_IMPL_H */
