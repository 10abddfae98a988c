/*
 * region.c — ashmem semantics on memfd (see ref/include/heapspec/region.h
 * for the manual and ref/region/region_impl.h for the state).
 *
 * How ashmem's rules map onto memfd:
 *   1. ASHMEM_SET_NAME + open   -> memfd_create(name, CLOEXEC|ALLOW_SEALING)
 *   2. ASHMEM_SET_SIZE          -> ftruncate, refused once `mapped` is set;
 *                                  the first map also adds GROW|SHRINK seals
 *   3. ASHMEM_SET_PROT_MASK     -> prot_mask here; dropping PROT_WRITE adds
 *                                  F_SEAL_FUTURE_WRITE, read back by all
 *   4. mmap's VM_* vs the mask  -> map() compares prot with the mask: -EPERM
 *   5. ASHMEM_PIN / UNPIN       -> two page bitmaps (unpinned, purged)
 *   6. the shrinker's purge     -> fallocate(PUNCH_HOLE|KEEP_SIZE) over each
 *                                  run of unpinned, unpurged pages
 * Every public function takes the one process-wide lock (ashmem_mutex's
 * role); functions that assume it is held end in _locked.
 *
 * Cost: pin/unpin/pin_status/purge are O(pages in range) bit operations;
 * map/unmap are O(live mappings of the handle).
 */
#include "heapspec/region.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/glue/attrs.h"
#include "ref/glue/glue.h"
#include "ref/region/region_impl.h"

#ifndef HSR_DEBUG
#define HSR_DEBUG 0
#endif

_Static_assert(HSR_REGION_PROT_READ == HSRI_GLUE_PROT_READ, "prot values");
_Static_assert(HSR_REGION_PROT_WRITE == HSRI_GLUE_PROT_WRITE, "prot values");
_Static_assert(HSR_REGION_PROT_EXEC == HSRI_GLUE_PROT_EXEC, "prot values");

/* ----------------------------------------------------------------------
 * Process-wide state: the lock, the registry, the usage-error hook
 * -------------------------------------------------------------------- */

/* Statically initialised, so no init call can fail and none is needed. */
static hsri_glue_mutex_t region_lock = {PTHREAD_MUTEX_INITIALIZER};
static struct hsr_region_s *registry; /* open regions, newest first */

static void default_usage_error(const char *msg, const void *where) {
    char line[256];
    snprintf(line, sizeof line, "heapspec region: usage error: %s (at %p)\n", msg, where);
    hsri_glue_write_stderr(line);
    hsri_glue_abort();
}

static hsr_region_usage_error_fn usage_error_hook = default_usage_error;

hsr_region_usage_error_fn hsr_region_set_usage_error_hook(hsr_region_usage_error_fn fn) {
    hsri_glue_mutex_lock(&region_lock);
    hsr_region_usage_error_fn old = usage_error_hook;
    usage_error_hook = fn != NULL ? fn : default_usage_error;
    hsri_glue_mutex_unlock(&region_lock);
    return old == default_usage_error ? NULL : old;
}

/* Report misuse; returns only when a replaced hook returns. */
static int usage_error(const char *msg, const void *where) {
    usage_error_hook(msg, where);
    return -EINVAL;
}

/* A handle the API accepts: not NULL (that is bad input, -EINVAL) and open
 * (anything else is misuse, reported through the hook). */
static int handle_ok(const struct hsr_region_s *r) {
    if (r == NULL)
        return -EINVAL;
    if (r->magic != HSRI_REGION_MAGIC)
        return usage_error("not an open region (closed, or never created)", r);
    return 0;
}

#if HSR_DEBUG >= 3
/* Debug builds: walk the whole handle after every mutation (STYLE 19). */
static void debug_check(const struct hsr_region_s *r) {
    char why[160];
    if (!hsr_region_check(r, why, sizeof why))
        usage_error_hook(why, r);
}
#define DEBUG_CHECK(r) debug_check(r)
#else
#define DEBUG_CHECK(r) ((void)0)
#endif

/* ----------------------------------------------------------------------
 * Small helpers
 * -------------------------------------------------------------------- */

static HSRI_WALKER_INLINE uint64_t pages_of(uint64_t size, uint64_t page) {
    /* size <= HSR_REGION_SIZE_MAX (2^62), so size + page - 1 cannot wrap. */
    return size / page + (size % page != 0 ? 1u : 0u);
}

static HSRI_WALKER_INLINE int bit_get(const uint64_t *a, uint64_t i) {
    return (int)((a[i / 64] >> (i % 64)) & 1u);
}
static void bit_set(uint64_t *a, uint64_t i) { a[i / 64] |= (uint64_t)1 << (i % 64); }
static void bit_clear(uint64_t *a, uint64_t i) { a[i / 64] &= ~((uint64_t)1 << (i % 64)); }

/* Copy src into dst[0 .. cap-1], always NUL-terminated when cap > 0. */
static void copy_str(char *dst, size_t cap, const char *src) {
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Read the memfd's seals into the mask: a write seal (ours, or added by any
 * other holder of the descriptor) means PROT_WRITE is gone. Only clears. */
static void sync_seals_locked(struct hsr_region_s *r) {
    int seals = hsri_glue_get_seals(r->fd);
    if (seals > 0 &&
        ((unsigned)seals & (HSRI_GLUE_SEAL_WRITE | HSRI_GLUE_SEAL_FUTURE_WRITE)) != 0)
        r->prot_mask &= ~HSR_REGION_PROT_WRITE;
}

/* Turn (offset, len) into a page range [*first, *first + *n) of a mapped
 * region, ashmem's way: both page aligned, len 0 meaning "to the end",
 * no wrap, end within the size rounded up to pages. 0 or -EINVAL. */
static int page_range_locked(const struct hsr_region_s *r, uint64_t offset, uint64_t len,
                             uint64_t *first, uint64_t *n) {
    if (r->mapped == 0)
        return -EINVAL;
    if (offset % r->page != 0 || len % r->page != 0)
        return -EINVAL;
    uint64_t end_pages = r->npages;
    uint64_t off_pages = offset / r->page;
    if (off_pages > end_pages)
        return -EINVAL;
    uint64_t len_pages = len == 0 ? end_pages - off_pages : len / r->page;
    if (len_pages > end_pages - off_pages)
        return -EINVAL;
    *first = off_pages;
    *n = len_pages;
    return 0;
}

/* ----------------------------------------------------------------------
 * Life cycle
 * -------------------------------------------------------------------- */

int hsr_region_create(const char *name, uint64_t size, hsr_region_t **out) {
    if (out == NULL)
        return -EINVAL;
    if (name == NULL)
        name = HSR_REGION_DEFAULT_NAME;
    if (strlen(name) > HSR_REGION_NAME_MAX || size > HSR_REGION_SIZE_MAX)
        return -EINVAL;

    struct hsr_region_s *r = calloc(1, sizeof *r);
    if (r == NULL)
        return -ENOMEM;
    int fd = -1;
    int err = hsri_glue_memfd_create(name, &fd);
    if (err == 0 && size > 0)
        err = hsri_glue_ftruncate(fd, size);
    if (err != 0) {
        if (fd >= 0)
            (void)hsri_glue_close(fd);
        free(r);
        return err;
    }
    r->magic = HSRI_REGION_MAGIC;
    r->prot_mask = HSR_REGION_PROT_ALL;
    r->fd = fd;
    r->size = size;
    r->page = (uint64_t)hsri_glue_page_size();
    copy_str(r->name, sizeof r->name, name);

    hsri_glue_mutex_lock(&region_lock);
    r->next = registry;
    if (registry != NULL)
        registry->prev = r;
    registry = r;
    DEBUG_CHECK(r);
    hsri_glue_mutex_unlock(&region_lock);
    *out = r;
    return 0;
}

int hsr_region_close(hsr_region_t *r) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err != 0) {
        hsri_glue_mutex_unlock(&region_lock);
        return err;
    }
    DEBUG_CHECK(r);
    /* Unlink first: memory pressure must not see a half-closed handle. */
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        registry = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    r->magic = 0; /* later use of the handle is caught (best effort) */
    hsri_glue_mutex_unlock(&region_lock);

    for (uint32_t i = 0; i < r->nmaps; i++) {
        int e = hsri_glue_munmap(r->maps[i].addr, r->maps[i].len);
        if (err == 0)
            err = e;
    }
    int e = hsri_glue_close(r->fd);
    if (err == 0)
        err = e;
    free(r->maps);
    free(r->unpinned);
    free(r->purged);
    free(r);
    return err;
}

/* ----------------------------------------------------------------------
 * Size and name
 * -------------------------------------------------------------------- */

int hsr_region_set_size(hsr_region_t *r, uint64_t size) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err == 0 && (r->mapped != 0 || size > HSR_REGION_SIZE_MAX))
        err = -EINVAL; /* ashmem: the size is fixed once the region is mapped */
    if (err == 0)
        err = hsri_glue_ftruncate(r->fd, size);
    if (err == 0) {
        r->size = size;
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int64_t hsr_region_get_size(const hsr_region_t *r) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    int64_t v = err != 0 ? err : (int64_t)r->size;
    hsri_glue_mutex_unlock(&region_lock);
    return v;
}

int hsr_region_get_name(const hsr_region_t *r, char *buf, size_t len) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err == 0 && buf == NULL)
        err = -EINVAL;
    if (err == 0) {
        copy_str(buf, len, r->name);
        if (strlen(r->name) >= len)
            err = -ERANGE;
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int hsr_region_fd(const hsr_region_t *r) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    int fd = err != 0 ? err : r->fd;
    hsri_glue_mutex_unlock(&region_lock);
    return fd;
}

/* ----------------------------------------------------------------------
 * Protection mask
 * -------------------------------------------------------------------- */

int hsr_region_set_prot(hsr_region_t *r, uint32_t prot) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err == 0) {
        sync_seals_locked(r);
        if ((prot & ~HSR_REGION_PROT_ALL) != 0 || (prot & ~r->prot_mask) != 0)
            err = -EINVAL; /* bits only go away (ASHMEM_SET_PROT_MASK) */
    }
    if (err == 0 && (r->prot_mask & HSR_REGION_PROT_WRITE) != 0 &&
        (prot & HSR_REGION_PROT_WRITE) == 0) {
        /* Tell every holder of the descriptor: no new writable shared
         * mappings from now on. A kernel without the seal says -EINVAL;
         * the mask alone then carries the rule for this handle. */
        err = hsri_glue_add_seals(r->fd, HSRI_GLUE_SEAL_FUTURE_WRITE);
        if (err == -EINVAL)
            err = 0;
    }
    if (err == 0) {
        r->prot_mask = prot;
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int64_t hsr_region_get_prot(hsr_region_t *r) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    int64_t v = err;
    if (err == 0) {
        sync_seals_locked(r);
        v = (int64_t)r->prot_mask;
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return v;
}

/* ----------------------------------------------------------------------
 * Mappings
 * -------------------------------------------------------------------- */

/* First map: allocate the pin bitmaps for the (now final) size. 0 or -ENOMEM. */
static int make_bitmaps_locked(struct hsr_region_s *r) {
    uint64_t npages = pages_of(r->size, r->page);
    uint64_t nwords = npages / 64 + (npages % 64 != 0 ? 1u : 0u);
    if (nwords > SIZE_MAX / sizeof(uint64_t))
        return -ENOMEM;
    uint64_t *unpinned = calloc((size_t)nwords, sizeof(uint64_t));
    uint64_t *purged = calloc((size_t)nwords, sizeof(uint64_t));
    if (unpinned == NULL || purged == NULL) {
        free(unpinned);
        free(purged);
        return -ENOMEM;
    }
    r->unpinned = unpinned;
    r->purged = purged;
    r->npages = npages;
    r->nwords = nwords;
    return 0;
}

/* Room for one more mapping record. 0 or -ENOMEM. */
static int reserve_map_slot_locked(struct hsr_region_s *r) {
    if (r->nmaps < r->cap_maps)
        return 0;
    if (r->cap_maps > UINT32_MAX / 2)
        return -ENOMEM;
    uint32_t cap = r->cap_maps == 0 ? 4u : r->cap_maps * 2u;
    struct hsri_region_map *m = realloc(r->maps, (size_t)cap * sizeof *m);
    if (m == NULL)
        return -ENOMEM;
    r->maps = m;
    r->cap_maps = cap;
    return 0;
}

int hsr_region_map(hsr_region_t *r, uint32_t prot, uint32_t how, uint64_t offset,
                   uint64_t len, void **out) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err != 0)
        goto done;
    if (out == NULL || r->size == 0 || len == 0 || offset % r->page != 0 ||
        (how != HSR_REGION_MAP_SHARED && how != HSR_REGION_MAP_PRIVATE) ||
        (prot & ~HSR_REGION_PROT_ALL) != 0) {
        err = -EINVAL;
        goto done;
    }
    uint64_t limit = pages_of(r->size, r->page) * r->page;
    uint64_t maplen = len > limit ? 0 : pages_of(len, r->page) * r->page;
    if (maplen == 0 || offset > limit - maplen) {
        err = -EINVAL; /* ashmem: the mapping must fit the page-rounded size */
        goto done;
    }
    sync_seals_locked(r);
    if ((prot & ~r->prot_mask) != 0) {
        err = -EPERM; /* ashmem: asking for a protection outside the mask */
        goto done;
    }
    err = reserve_map_slot_locked(r);
    if (err != 0)
        goto done;
    int first = r->mapped == 0;
    if (first && (err = make_bitmaps_locked(r)) != 0)
        goto done;

    void *addr = NULL;
    err = hsri_glue_mmap_fd(maplen, prot, how == HSR_REGION_MAP_SHARED, r->fd, offset, &addr);
    if (err != 0) {
        if (first) { /* back to the unmapped state: size still settable */
            free(r->unpinned);
            free(r->purged);
            r->unpinned = r->purged = NULL;
            r->npages = r->nwords = 0;
        }
        goto done;
    }
    if (first) {
        /* The size is final: say so to every holder of the descriptor. A
         * failure (someone sealed the seals) leaves the rule to us alone. */
        (void)hsri_glue_add_seals(r->fd, HSRI_GLUE_SEAL_GROW | HSRI_GLUE_SEAL_SHRINK);
        r->mapped = 1;
    }
    r->maps[r->nmaps].addr = addr;
    r->maps[r->nmaps].len = maplen;
    r->maps[r->nmaps].prot = prot;
    r->maps[r->nmaps].how = how;
    r->nmaps++;
    *out = addr;
    DEBUG_CHECK(r);
done:
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int hsr_region_unmap(hsr_region_t *r, void *addr, uint64_t len) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    if (err != 0)
        goto done;
    uint32_t i = 0;
    while (i < r->nmaps && r->maps[i].addr != addr)
        i++;
    if (i == r->nmaps) {
        err = usage_error("unmap of an address this region did not map", addr);
        goto done;
    }
    if (len == 0 || len > r->maps[i].len || pages_of(len, r->page) * r->page != r->maps[i].len) {
        err = -EINVAL;
        goto done;
    }
    err = hsri_glue_munmap(addr, r->maps[i].len);
    if (err != 0)
        goto done;
    r->maps[i] = r->maps[r->nmaps - 1]; /* order of records does not matter */
    r->nmaps--;
    DEBUG_CHECK(r);
done:
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

/* ----------------------------------------------------------------------
 * Pinning and purging
 * -------------------------------------------------------------------- */

int hsr_region_pin(hsr_region_t *r, uint64_t offset, uint64_t len) {
    hsri_glue_mutex_lock(&region_lock);
    uint64_t first = 0, n = 0;
    int err = handle_ok(r);
    if (err == 0)
        err = page_range_locked(r, offset, len, &first, &n);
    if (err == 0) {
        int was_purged = 0;
        for (uint64_t i = first; i < first + n; i++) {
            if (bit_get(r->purged, i))
                was_purged = 1;
            bit_clear(r->purged, i);
            bit_clear(r->unpinned, i);
        }
        err = was_purged ? HSR_REGION_WAS_PURGED : HSR_REGION_NOT_PURGED;
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int hsr_region_unpin(hsr_region_t *r, uint64_t offset, uint64_t len) {
    hsri_glue_mutex_lock(&region_lock);
    uint64_t first = 0, n = 0;
    int err = handle_ok(r);
    if (err == 0)
        err = page_range_locked(r, offset, len, &first, &n);
    if (err == 0) {
        for (uint64_t i = first; i < first + n; i++)
            bit_set(r->unpinned, i); /* purged bits stay: still unpinned */
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

int hsr_region_pin_status(hsr_region_t *r, uint64_t offset, uint64_t len) {
    hsri_glue_mutex_lock(&region_lock);
    uint64_t first = 0, n = 0;
    int err = handle_ok(r);
    if (err == 0)
        err = page_range_locked(r, offset, len, &first, &n);
    if (err == 0) {
        err = HSR_REGION_PINNED;
        for (uint64_t i = first; i < first + n; i++)
            if (bit_get(r->unpinned, i))
                err = HSR_REGION_UNPINNED;
    }
    hsri_glue_mutex_unlock(&region_lock);
    return err;
}

/* Purge r's unpinned, unpurged pages, one hole per maximal run. Returns
 * the pages purged, or the first fallocate error. */
static int64_t purge_locked(struct hsr_region_s *r) {
    if (r->mapped == 0)
        return 0;
    int seals = hsri_glue_get_seals(r->fd);
    if (seals > 0 &&
        ((unsigned)seals & (HSRI_GLUE_SEAL_WRITE | HSRI_GLUE_SEAL_FUTURE_WRITE)) != 0)
        return 0; /* the kernel refuses holes in a write-sealed memfd */
    int64_t count = 0;
    uint64_t i = 0;
    while (i < r->npages) {
        if (!bit_get(r->unpinned, i) || bit_get(r->purged, i)) {
            i++;
            continue;
        }
        uint64_t run = i;
        while (i < r->npages && bit_get(r->unpinned, i) && !bit_get(r->purged, i))
            i++;
        int err = hsri_glue_punch_hole(r->fd, run * r->page, (i - run) * r->page);
        if (err != 0)
            return err;
        for (uint64_t k = run; k < i; k++)
            bit_set(r->purged, k);
        count += (int64_t)(i - run);
    }
    return count;
}

int64_t hsr_region_purge_all(hsr_region_t *r) {
    hsri_glue_mutex_lock(&region_lock);
    int err = handle_ok(r);
    int64_t v = err;
    if (err == 0) {
        v = purge_locked(r);
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return v;
}

int64_t hsr_region_memory_pressure(void) {
    hsri_glue_mutex_lock(&region_lock);
    int64_t total = 0;
    for (struct hsr_region_s *r = registry; r != NULL; r = r->next) {
        int64_t v = purge_locked(r);
        if (v > 0)
            total += v;
        DEBUG_CHECK(r);
    }
    hsri_glue_mutex_unlock(&region_lock);
    return total;
}

/* ----------------------------------------------------------------------
 * The invariant walker (RegionValid, spec/acsl/region.acsl)
 * -------------------------------------------------------------------- */

/* Store a reason and answer false. */
static bool fail(char *why, size_t why_len, const char *msg) {
    if (why != NULL)
        copy_str(why, why_len, msg);
    return false;
}

HSRI_WALKER bool hsr_region_check(const hsr_region_t *r, char *why, size_t why_len) {
    if (r == NULL)
        return fail(why, why_len, "REGION-VALID: NULL handle");
    if (r->magic != HSRI_REGION_MAGIC)
        return fail(why, why_len, "REGION-VALID-1: bad magic (not an open region)");
    if ((r->prot_mask & ~HSR_REGION_PROT_ALL) != 0)
        return fail(why, why_len, "REGION-VALID-2: mask has bits outside PROT_ALL");
    if (r->page == 0 || (r->page & (r->page - 1)) != 0 || r->size > HSR_REGION_SIZE_MAX)
        return fail(why, why_len, "REGION-VALID-3: bad page size or size");
    if (memchr(r->name, '\0', sizeof r->name) == NULL)
        return fail(why, why_len, "REGION-VALID-4: name not NUL-terminated");
    if (r->mapped == 0) {
        if (r->npages != 0 || r->nwords != 0 || r->unpinned != NULL || r->purged != NULL)
            return fail(why, why_len, "REGION-VALID-5: pin bitmaps before the first map");
    } else {
        uint64_t npages = pages_of(r->size, r->page);
        if (r->size == 0 || r->npages != npages ||
            r->nwords != npages / 64 + (npages % 64 != 0 ? 1u : 0u) || r->unpinned == NULL ||
            r->purged == NULL)
            return fail(why, why_len, "REGION-VALID-6: bitmaps do not match the size");
        for (uint64_t w = 0; w < r->nwords; w++)
            if ((r->purged[w] & ~r->unpinned[w]) != 0)
                return fail(why, why_len, "REGION-VALID-7: a purged page is pinned");
        for (uint64_t i = r->npages; i < 64 * r->nwords; i++)
            if (bit_get(r->unpinned, i) || bit_get(r->purged, i))
                return fail(why, why_len, "REGION-VALID-8: bits set past the last page");
    }
    if (r->nmaps > r->cap_maps || (r->cap_maps > 0 && r->maps == NULL))
        return fail(why, why_len, "REGION-VALID-9: mapping records overflow");
    if (r->nmaps > 0 && r->mapped == 0)
        return fail(why, why_len, "REGION-VALID-10: live mapping of an unmapped region");
    for (uint32_t i = 0; i < r->nmaps; i++) {
        const struct hsri_region_map *m = &r->maps[i];
        if (m->addr == NULL || m->len == 0 || m->len % r->page != 0 ||
            m->len > r->npages * r->page || (m->prot & ~HSR_REGION_PROT_ALL) != 0 ||
            (m->how != HSR_REGION_MAP_SHARED && m->how != HSR_REGION_MAP_PRIVATE))
            return fail(why, why_len, "REGION-VALID-9: bad mapping record");
    }
    /* The memfd agrees with the handle on the size (REGION-SIZE-1). */
    uint64_t fsize = 0;
    if (hsri_glue_fd_size(r->fd, &fsize) != 0)
        return fail(why, why_len, "REGION-VALID-11: memfd not readable (fstat failed)");
    if (fsize != r->size)
        return fail(why, why_len, "REGION-VALID-11: memfd size differs from the region's");
    return true;
}

/* ----------------------------------------------------------------------
 * The Dalvik helper
 * -------------------------------------------------------------------- */

int hsr_region_alloc_mapped(const char *name, uint64_t size, uint64_t *out_len,
                            void **out_base) {
    if (out_len == NULL || out_base == NULL || size == 0 || size > HSR_REGION_SIZE_MAX)
        return -EINVAL;
    if (name == NULL)
        name = HSR_REGION_DEFAULT_NAME;
    if (strlen(name) > HSR_REGION_NAME_MAX)
        return -EINVAL;
    uint64_t page = (uint64_t)hsri_glue_page_size();
    uint64_t len = pages_of(size, page) * page; /* size <= 2^62: no wrap */
    int fd = -1;
    int err = hsri_glue_memfd_create(name, &fd);
    if (err != 0)
        return err;
    err = hsri_glue_ftruncate(fd, len);
    if (err == 0)
        (void)hsri_glue_add_seals(fd, HSRI_GLUE_SEAL_GROW | HSRI_GLUE_SEAL_SHRINK);
    void *base = NULL;
    if (err == 0)
        err = hsri_glue_mmap_fd(len, HSR_REGION_PROT_READ | HSR_REGION_PROT_WRITE, 1, fd, 0,
                                &base);
    /* The mapping keeps the memfd alive; the descriptor is not needed. */
    int cerr = hsri_glue_close(fd);
    if (err == 0 && cerr != 0) {
        (void)hsri_glue_munmap(base, len);
        err = cerr;
    }
    if (err != 0)
        return err;
    *out_len = len;
    *out_base = base;
    return 0;
}

int hsr_region_free_mapped(void *base, uint64_t len) {
    uint64_t page = (uint64_t)hsri_glue_page_size();
    if (base == NULL || len == 0 || (uintptr_t)base % page != 0 || len > HSR_REGION_SIZE_MAX)
        return -EINVAL;
    return hsri_glue_munmap(base, pages_of(len, page) * page);
}
