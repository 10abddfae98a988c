/*
 * region_impl.h — the region's state, shared by the ref/region sources and read by
 * Frama-C for the contracts of ref/include/heapspec/region.h. Not public:
 * users see hsr_region_t as an opaque handle.
 *
 * One handle, in process memory (the page contents live in the memfd):
 *
 *   struct hsr_region_s
 *   +-----------------+------------------------------------------------+
 *   | magic           | HSRI_REGION_MAGIC while open, 0 after close     |
 *   | prot_mask       | PROT_* bits a mapping may still ask for         |
 *   | fd              | memfd (CLOEXEC, sealing allowed)                |
 *   | mapped          | 0 until the first successful map, then 1        |
 *   | size, page      | bytes as set; the page size                     |
 *   | npages, nwords  | 0 until mapped; then ceil(size/page), ceil(/64) |
 *   | unpinned -------+--> [w0][w1]...[w(nwords-1)]  bit i = page i     |
 *   | purged ---------+--> [w0][w1]...               purged since unpin |
 *   | maps, nmaps ----+--> {addr,len,prot,how} x nmaps (live mappings)  |
 *   | next, prev      | registry of open regions (memory pressure)      |
 *   | name[250]       | NUL-terminated, as given to memfd_create        |
 *   +-----------------+------------------------------------------------+
 *
 * Invariants (RegionValid in spec/acsl/region.acsl; hsr_region_check()):
 *   - prot_mask holds only PROT_READ|PROT_WRITE|PROT_EXEC bits and never
 *     gains one;
 *   - mapped == 0 => npages == nwords == 0 (bitmaps absent; size settable);
 *   - mapped != 0 => size > 0, npages == ceil(size/page), both bitmaps hold
 *     nwords words, and size never changes again;
 *   - purged is a subset of unpinned; bits at and past npages are clear;
 *   - nmaps <= cap_maps; a live mapping implies mapped.
 */
#ifndef HEAPSPEC_REF_REGION_REGION_IMPL_H
#define HEAPSPEC_REF_REGION_REGION_IMPL_H

#include <stdint.h>

#include "heapspec/region.h"

#define HSRI_REGION_MAGIC 0x4e474552u /* "REGN" little-endian */

/* One live mapping made by hsr_region_map(). */
struct hsri_region_map {
    void *addr;    /* start, page aligned, as mmap returned it */
    uint64_t len;  /* length, rounded up to whole pages */
    uint32_t prot; /* PROT_* bits it was made with */
    uint32_t how;  /* HSR_REGION_MAP_SHARED or HSR_REGION_MAP_PRIVATE */
};

struct hsr_region_s {
    uint32_t magic;                /* HSRI_REGION_MAGIC while the handle is open */
    uint32_t prot_mask;            /* PROT_* bits still allowed; only ever loses bits */
    int fd;                        /* the memfd */
    int mapped;                    /* 1 once mapped: size fixed, bitmaps present */
    uint64_t size;                 /* bytes (<= HSR_REGION_SIZE_MAX) */
    uint64_t page;                 /* page size, a power of two */
    uint64_t npages;               /* pages covered by the bitmaps (0 until mapped) */
    uint64_t nwords;               /* words in each bitmap (0 until mapped) */
    uint64_t *unpinned;            /* bit i set: page i is unpinned */
    uint64_t *purged;              /* bit i set: page i was purged while unpinned */
    struct hsri_region_map *maps;  /* live mappings, maps[0 .. nmaps-1] */
    uint32_t nmaps;                /* live mappings */
    uint32_t cap_maps;             /* slots allocated in maps */
    struct hsr_region_s *next;     /* registry link (hsr_region_memory_pressure) */
    struct hsr_region_s *prev;     /* registry link */
    char name[HSR_REGION_NAME_MAX + 1]; /* NUL-terminated name */
};

#endif /* HEAPSPEC_REF_REGION_REGION_IMPL_H */
