/*
 * region.h — an ashmem-style anonymous shared memory region on memfd.
 *
 * This is the reference heap's model of Android's ashmem (drivers/staging/
 * android/ashmem.c, libcutils ashmem.h), built on Linux memfd_create and
 * file seals, with the kernel driver's rules kept in user space. It is also
 * what backs a Dalvik heap (hsr_region_alloc_mapped, after dvmAllocRegion).
 *
 * LIFE OF A REGION
 *
 *   create(name, size) ---> set_size(n)* ---> map(...) ---> pin/unpin/purge
 *        |                       |              |  size fixed from here on:
 *        |  size may be 0        |  -EINVAL     |  set_size is -EINVAL, and
 *        |  (set it later)       |  once mapped |  the memfd gets
 *        v                       v              v  F_SEAL_GROW|F_SEAL_SHRINK
 *   set_prot(mask') at any time: mask' must be a subset of the mask (bits
 *   only go away); a map asking for a bit outside the mask is -EPERM.
 *   close(): unmaps what the handle still has mapped, closes the memfd.
 *
 * NAME. The memfd is created with the caller's name (HSR_REGION_DEFAULT_NAME
 * when NULL), so every mapping shows in /proc/self/maps exactly as
 *
 *     <start>-<end> rw-s 00000000 00:01 <inode>   /memfd:<name> (deleted)
 *
 * (ashmem showed "/dev/ashmem/<name> (deleted)"). Names longer than
 * HSR_REGION_NAME_MAX bytes are refused with -EINVAL (ashmem truncated).
 *
 * PROTECTION. The mask starts as PROT_READ|PROT_WRITE|PROT_EXEC. Removing
 * PROT_WRITE also seals the memfd with F_SEAL_FUTURE_WRITE, so any other
 * holder of the descriptor (a dup, a fork child, a receiver over a socket)
 * can no longer make a writable shared mapping, and every handle on the
 * memfd sees PROT_WRITE gone from its mask (the seal is read back before
 * every map and get_prot). PROT_READ and PROT_EXEC reductions are per
 * handle: the kernel has no seal for them. Mappings made before a
 * reduction keep their protection (as with ashmem).
 *
 * MAPPINGS. HSR_REGION_MAP_SHARED mappings share pages with every other
 * shared mapping of the memfd, in this process and across fork;
 * HSR_REGION_MAP_PRIVATE mappings are copy-on-write: their writes are seen
 * by nobody else, and they see others' writes only to pages they have not
 * written themselves.
 *
 * PINNING. Pages start pinned. unpin(off, len) marks whole pages as ones
 * the system may take back; purge_all (or hsr_region_memory_pressure(),
 * which purges every open region) punches holes over the unpinned pages
 * that are not yet purged (fallocate PUNCH_HOLE|KEEP_SIZE), so that they
 * read as zero through every shared mapping and the memory is freed.
 * pin(off, len) makes pages pinned again and answers HSR_REGION_WAS_PURGED
 * if any of them was purged meanwhile (their contents are zero), else
 * HSR_REGION_NOT_PURGED (contents intact). Ranges are page-granular: off
 * and len must be multiples of the page size; len 0 means "to the end of
 * the region". Pinning needs a mapped region (as in ashmem). A region whose
 * memfd is write-sealed cannot be hole-punched; purge then leaves its pages
 * unpinned and not purged (purging is always best effort).
 *
 * PIN STATE, per page, two bitmaps (bit i = page i):
 *
 *     page:      0    1    2    3    4    5
 *     unpinned:  0    1    1    1    0    0      purged is a subset of
 *     purged:    0    0    1    1    0    0      unpinned, always
 *                     |    `--------- purged: reads as zero; pin says WAS_PURGED
 *                     `-- unpinned, still intact: pin says NOT_PURGED
 *
 * ERRORS are negative errno values; nothing here prints, exits or aborts
 * on bad input or lack of memory. Misuse that cannot be a defined input —
 * a handle that is not an open region (closed, or never made here), or
 * unmapping an address this region never mapped — goes to the usage-error
 * hook, whose default prints a message and aborts; a replaced hook that
 * returns makes the call fail with -EINVAL.
 *
 * THREADS. Every function takes one process-wide lock (ashmem had one
 * global mutex too), so regions may be used from several threads. Do not
 * fork while another thread is inside a region function.
 *
 * CONTRACTS. The ACSL above each prototype speaks of the handle's own state
 * (RegionValid and the two-state RegionStep, in spec/acsl/region.acsl);
 * hsr_region_check() is the same invariant as a C walker. Debug builds
 * (HSR_DEBUG >= 3) run the walker after every mutating call.
 */
#ifndef HEAPSPEC_REGION_H
#define HEAPSPEC_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HSR_REGION_API __attribute__((visibility("default")))

typedef struct hsr_region_s hsr_region_t;

/* Protection bits (the values of Linux's PROT_*). */
#define HSR_REGION_PROT_READ 0x1u
#define HSR_REGION_PROT_WRITE 0x2u
#define HSR_REGION_PROT_EXEC 0x4u
#define HSR_REGION_PROT_ALL 0x7u

/* map() kinds (the values of the heapspec ABI's HS_REGION_MAP_*). */
#define HSR_REGION_MAP_SHARED 1u
#define HSR_REGION_MAP_PRIVATE 2u

/* pin() answers and pin_status() answers (ashmem's values). */
#define HSR_REGION_NOT_PURGED 0
#define HSR_REGION_WAS_PURGED 1
#define HSR_REGION_PINNED 0
#define HSR_REGION_UNPINNED 1

/* Longest name, in bytes without the NUL (Linux's memfd_create limit). */
#define HSR_REGION_NAME_MAX 249
/* Name used when create() is given NULL (ashmem's default name). */
#define HSR_REGION_DEFAULT_NAME "dev/ashmem"
/* Largest size: 2^62 bytes, so that rounding up to pages never overflows. */
#define HSR_REGION_SIZE_MAX 0x4000000000000000ull

#ifdef __FRAMAC__
#include "ref/region/region_impl.h"
#include "spec/acsl/region.acsl"
#endif

/* ----------------------------------------------------------------------
 * Life cycle
 * -------------------------------------------------------------------- */

/* Make a region named `name` (NULL: HSR_REGION_DEFAULT_NAME) of `size`
 * bytes (0: set it later with hsr_region_set_size) and store it in *out.
 * The caller guarantees out is valid; name, if not NULL, is a C string.
 * Fails, with *out untouched: -EINVAL when name is longer than
 * HSR_REGION_NAME_MAX or size > HSR_REGION_SIZE_MAX; -ENOMEM, -EMFILE or
 * another memfd_create/ftruncate error. */
/*@
  requires \valid(out);
  requires name == \null || \valid_read(name);
  assigns *out;
  behavior made:
    ensures \result == 0 ==> RegionValid(*out) && (*out)->mapped == 0 &&
                             (*out)->size == size &&
                             (*out)->prot_mask == HSR_REGION_PROT_ALL &&
                             (*out)->nmaps == 0;
  behavior refused:
    ensures \result < 0 ==> *out == \old(*out);
  ensures size > HSR_REGION_SIZE_MAX ==> \result == -22;
*/
HSR_REGION_API int hsr_region_create(const char *name, uint64_t size, hsr_region_t **out);

/* Unmap every mapping the handle still has, close the memfd, free the
 * handle. The caller guarantees r is an open region (else: usage error).
 * Returns 0, or the first munmap/close error (the handle is freed anyway).
 * Mappings of the same memfd made by others (fork children, receivers of
 * the descriptor) stay valid: the memory lives until its last user goes. */
/*@
  requires RegionValid(r);
  assigns *r;
*/
HSR_REGION_API int hsr_region_close(hsr_region_t *r);

/* ----------------------------------------------------------------------
 * Size and name
 * -------------------------------------------------------------------- */

/* Set the size to `size` bytes (0 allowed), until the first map.
 * The caller guarantees r is an open region.
 * Fails with no change: -EINVAL once the region has been mapped (even if
 * every mapping is gone again) or when size > HSR_REGION_SIZE_MAX; an
 * ftruncate error. */
/*@
  requires RegionValid(r);
  assigns r->size;
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  behavior mapped:
    assumes r->mapped != 0;
    ensures \result == -22 && r->size == \old(r->size);
  behavior too_big:
    assumes r->mapped == 0 && size > HSR_REGION_SIZE_MAX;
    ensures \result == -22 && r->size == \old(r->size);
  behavior settable:
    assumes r->mapped == 0 && size <= HSR_REGION_SIZE_MAX;
    ensures \result == 0 ==> r->size == size;
    ensures \result < 0 ==> r->size == \old(r->size);
  complete behaviors;
  disjoint behaviors;
*/
HSR_REGION_API int hsr_region_set_size(hsr_region_t *r, uint64_t size);

/* The size in bytes (>= 0). The caller guarantees r is an open region. */
/*@
  requires RegionValid(r);
  assigns \nothing;
  ensures \result == r->size;
*/
HSR_REGION_API int64_t hsr_region_get_size(const hsr_region_t *r);

/* Copy the NUL-terminated name into buf[0 .. len-1].
 * The caller guarantees r is an open region and buf holds len bytes.
 * Fails: -EINVAL when buf is NULL; -ERANGE when len is too short (buf
 * then holds as much of the name as fits, NUL-terminated, if len > 0). */
/*@
  requires RegionValid(r);
  requires buf == \null || \valid(buf + (0 .. len - 1));
  assigns buf[0 .. len - 1];
  ensures RegionValid(r);
  ensures buf == \null ==> \result == -22;
*/
HSR_REGION_API int hsr_region_get_name(const hsr_region_t *r, char *buf, size_t len);

/* The memfd, for sharing (fork, SCM_RIGHTS); it stays owned by r.
 * The caller guarantees r is an open region. */
/*@
  requires RegionValid(r);
  assigns \nothing;
  ensures \result == r->fd;
*/
HSR_REGION_API int hsr_region_fd(const hsr_region_t *r);

/* ----------------------------------------------------------------------
 * Protection mask
 * -------------------------------------------------------------------- */

/* Make `prot` the mask. The caller guarantees r is an open region.
 * prot must be a subset of the current mask: bits only go away.
 * Removing PROT_WRITE seals the memfd with F_SEAL_FUTURE_WRITE (where the
 * kernel has it) so that other holders of the descriptor see it.
 * Fails with no change: -EINVAL for bits outside PROT_ALL or a bit not in
 * the mask (adding back); a seal error other than "unknown seal". */
/*@
  requires RegionValid(r);
  assigns r->prot_mask;
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  behavior shrink:
    assumes (prot & ~r->prot_mask) == 0 && prot <= 7;
    ensures \result == 0 ==> r->prot_mask == prot;
  behavior grow:
    assumes (prot & ~r->prot_mask) != 0 || prot > 7;
    ensures \result == -22;
  complete behaviors;
  disjoint behaviors;
*/
HSR_REGION_API int hsr_region_set_prot(hsr_region_t *r, uint32_t prot);

/* The mask (PROT_* bits, >= 0), after reading the memfd's seals: a write
 * seal added through another holder of the descriptor removes PROT_WRITE
 * here too. The caller guarantees r is an open region. */
/*@
  requires RegionValid(r);
  assigns r->prot_mask;
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  ensures \result == r->prot_mask;
*/
HSR_REGION_API int64_t hsr_region_get_prot(hsr_region_t *r);

/* ----------------------------------------------------------------------
 * Mappings
 * -------------------------------------------------------------------- */

/* Map [offset, offset+len) of the region with protection `prot`, `how`
 * HSR_REGION_MAP_SHARED or _PRIVATE, and store the address in *out.
 * The caller guarantees r is an open region and out is valid.
 * The first success fixes the size for good (set_size is -EINVAL after).
 * Fails with no change: -EINVAL when the size is 0, len is 0, offset is
 * not page aligned, offset + len passes the size rounded up to pages, how
 * is neither kind, or prot has bits outside PROT_ALL; -EPERM when prot asks
 * for a bit outside the mask (ashmem's rule; checked after the size);
 * -ENOMEM; an mmap error. */
/*@
  requires RegionValid(r);
  requires \valid(out);
  assigns *r, *out, r->maps[0 .. r->cap_maps];
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  ensures \result == 0 ==> r->mapped != 0 && r->nmaps == \old(r->nmaps) + 1;
  ensures \result < 0 ==> r->mapped == \old(r->mapped) && r->nmaps == \old(r->nmaps);
  ensures r->size == 0 || len == 0 ==> \result == -22;
  ensures r->size != 0 && len != 0 && (how == 1 || how == 2) && prot <= 7 &&
          (prot & ~r->prot_mask) != 0 ==> \result == -1 || \result == -22;
*/
HSR_REGION_API int hsr_region_map(hsr_region_t *r, uint32_t prot, uint32_t how,
                                  uint64_t offset, uint64_t len, void **out);

/* Unmap a mapping that hsr_region_map made: addr as returned, len as asked
 * (rounded up to pages, it must equal the mapping's length).
 * The caller guarantees r is an open region; an addr that r never mapped
 * (or already unmapped) goes to the usage-error hook.
 * Fails: -EINVAL for a length that is not the mapping's; a munmap error. */
/*@
  requires RegionValid(r);
  assigns *r, r->maps[0 .. r->cap_maps - 1];
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  ensures \result == 0 ==> r->nmaps == \old(r->nmaps) - 1;
  ensures \result < 0 ==> r->nmaps == \old(r->nmaps);
*/
HSR_REGION_API int hsr_region_unmap(hsr_region_t *r, void *addr, uint64_t len);

/* ----------------------------------------------------------------------
 * Pinning and purging
 *
 * For pin, unpin and pin_status the caller guarantees r is an open region;
 * the range [offset, offset+len) (len 0: to the end) must be page aligned
 * and lie within the size rounded up to pages, and the region must have
 * been mapped, else -EINVAL with no change.
 * -------------------------------------------------------------------- */

/* Pin the range: its pages may no longer be purged. Returns
 * HSR_REGION_WAS_PURGED when any of them was purged since it was unpinned
 * (those pages read as zero), else HSR_REGION_NOT_PURGED; or -EINVAL. */
/*@
  requires RegionValid(r);
  assigns r->unpinned[0 .. r->nwords - 1], r->purged[0 .. r->nwords - 1];
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  behavior unmapped:
    assumes r->mapped == 0;
    ensures \result == -22;
  behavior mapped:
    assumes r->mapped != 0;
    ensures \result == -22 || \result == 0 || \result == 1;
    ensures \result >= 0 && len != 0 ==>
      RangePinned(r, offset / r->page, len / r->page) &&
      (\result == 1 <==> RangeAnyPurged{Pre}(r, offset / r->page, len / r->page));
  complete behaviors;
  disjoint behaviors;
*/
HSR_REGION_API int hsr_region_pin(hsr_region_t *r, uint64_t offset, uint64_t len);

/* Unpin the range: its pages may be purged from now on (their contents
 * stay until a purge). Returns 0, or -EINVAL. */
/*@
  requires RegionValid(r);
  assigns r->unpinned[0 .. r->nwords - 1];
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  behavior unmapped:
    assumes r->mapped == 0;
    ensures \result == -22;
  behavior mapped:
    assumes r->mapped != 0;
    ensures \result == 0 || \result == -22;
    ensures \result == 0 && len != 0 ==>
      RangeUnpinned(r, offset / r->page, len / r->page);
  complete behaviors;
  disjoint behaviors;
*/
HSR_REGION_API int hsr_region_unpin(hsr_region_t *r, uint64_t offset, uint64_t len);

/* HSR_REGION_UNPINNED when any page of the range is unpinned, else
 * HSR_REGION_PINNED; or -EINVAL. */
/*@
  requires RegionValid(r);
  assigns \nothing;
  ensures \result == -22 || \result == 0 || \result == 1;
  ensures r->mapped == 0 ==> \result == -22;
*/
HSR_REGION_API int hsr_region_pin_status(hsr_region_t *r, uint64_t offset, uint64_t len);

/* Purge every unpinned page of r that is not purged yet: punch holes over
 * them, so they read as zero through every shared mapping (private pages
 * already copied keep their copy). Returns the number of pages purged now
 * (0 for a region never mapped, or whose memfd is write-sealed), or the
 * error of fallocate (pages purged before it stay purged).
 * The caller guarantees r is an open region. */
/*@
  requires RegionValid(r);
  assigns r->purged[0 .. r->nwords - 1];
  ensures RegionValid(r) && RegionStep{Pre, Post}(r);
  ensures \result <= r->npages;
*/
HSR_REGION_API int64_t hsr_region_purge_all(hsr_region_t *r);

/* "Memory pressure": purge_all on every open region of the process.
 * Returns the total number of pages purged (regions whose purge fails are
 * skipped: purging is best effort). */
/*@ assigns \nothing; // over the regions' own state: see purge_all
    ensures \result >= 0; */
HSR_REGION_API int64_t hsr_region_memory_pressure(void);

/* ----------------------------------------------------------------------
 * Checking and misuse
 * -------------------------------------------------------------------- */

/* Walk r and check RegionValid (every REGION-VALID-<n> conjunct), plus the
 * memfd's size against r->size. Returns true when consistent; otherwise
 * false with a one-line reason in why[0 .. why_len-1] (why may be NULL).
 * Never aborts; r may be NULL (false). */
/*@
  requires why == \null || \valid(why + (0 .. why_len - 1));
  assigns why[0 .. why_len - 1];
*/
HSR_REGION_API bool hsr_region_check(const hsr_region_t *r, char *why, size_t why_len);

/* Called on misuse with a message and the offending pointer. The default
 * writes the message to stderr and aborts. A hook that returns makes the
 * failing call return -EINVAL. */
typedef void (*hsr_region_usage_error_fn)(const char *msg, const void *where);

/* Install fn (NULL: the default) and return the previous hook. */
HSR_REGION_API hsr_region_usage_error_fn
hsr_region_set_usage_error_hook(hsr_region_usage_error_fn fn);

/* ----------------------------------------------------------------------
 * The Dalvik helper (dvmAllocRegion)
 * -------------------------------------------------------------------- */

/* Make an anonymous named region of `size` bytes rounded up to whole
 * pages, map all of it shared and read-write, close the descriptor (the
 * mapping keeps the memory alive) and store the address in *out_base and
 * the mapped length in *out_len. The memory reads as zero.
 * The caller guarantees out_len and out_base are valid.
 * Fails with nothing left behind: -EINVAL for size 0, a size that does
 * not round up within HSR_REGION_SIZE_MAX, or a name longer than
 * HSR_REGION_NAME_MAX; -ENOMEM or another memfd/mmap error. */
/*@
  requires \valid(out_len) && \valid(out_base);
  assigns *out_len, *out_base;
  ensures \result == 0 ==> *out_len >= size && *out_base != \null;
  ensures size == 0 ==> \result == -22;
*/
HSR_REGION_API int hsr_region_alloc_mapped(const char *name, uint64_t size,
                                           uint64_t *out_len, void **out_base);

/* Unmap what hsr_region_alloc_mapped returned (len: its *out_len).
 * Fails: -EINVAL for a NULL or unaligned base or len 0; a munmap error. */
/*@ assigns \nothing; */
HSR_REGION_API int hsr_region_free_mapped(void *base, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REGION_H */
