/*
 * region_subject.c — ref/region and a plain memfd as conformance subjects
 * of the region family (see ref/include/heapspec/region_subject.h).
 *
 * Context (one per open()): the fault-injection axes of hs_open_args and
 * the list of regions made through it, so that check() can walk them all.
 *
 *   "Backing memory" for a region is its size: create() with a size and
 *   set_size() are the requests that fail_nth_backing counts, and the sum
 *   of the context's region sizes, rounded up to pages, may not pass
 *   footprint_limit. A refused request is -ENOMEM with nothing changed.
 *
 * With HS_OPEN_CHECKED, every mutating call is followed by the region's
 * walker; the first inconsistency is kept and reported by check().
 */
#include "heapspec/region_subject.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/region.h"
#include "ref/glue/glue.h"
#include "ref/subject/subject_ctx.h"

_Static_assert(HS_REGION_MAP_SHARED == HSR_REGION_MAP_SHARED, "map kinds agree");
_Static_assert(HS_REGION_MAP_PRIVATE == HSR_REGION_MAP_PRIVATE, "map kinds agree");
_Static_assert(HS_REGION_WAS_PURGED == HSR_REGION_WAS_PURGED, "pin answers agree");
_Static_assert(HS_REGION_NOT_PURGED == HSR_REGION_NOT_PURGED, "pin answers agree");
_Static_assert(HS_REGION_UNPINNED == HSR_REGION_UNPINNED, "pin status agrees");
_Static_assert(HS_REGION_PINNED == HSR_REGION_PINNED, "pin status agrees");

#define SUBJECT_VERSION "0.1"

/* One mapping made through the memfd subject. */
struct plain_map {
    void *addr;   /* as mmap returned it */
    uint64_t len; /* page-rounded length */
};

/* A region handle of either subject (the ABI's opaque hs_region_t). */
struct hs_region_s {
    struct hsri_subject_node node; /* first: the context's list; charged: pages of size */
    hsr_region_t *ref;          /* ref-region: the reference region; else NULL */
    int fd;                     /* memfd subject: the memfd; else -1 */
    char name[HSR_REGION_NAME_MAX + 1]; /* memfd subject: its name */
    struct plain_map *maps;     /* memfd subject: live mappings */
    uint32_t nmaps;             /* memfd subject: entries used in maps */
    uint32_t cap_maps;          /* memfd subject: entries allocated */
};

/* ----------------------------------------------------------------------
 * Context
 * -------------------------------------------------------------------- */

static int ref_close(hs_ctx_t *c, hs_region_t *h);
static int plain_close(hs_ctx_t *c, hs_region_t *h);

/* What the context runs for check() and, under HS_OPEN_CHECKED, after a
 * mutation (only ever of a ref-region handle). */
static bool region_walk(const struct hsri_subject_node *n, uint32_t how, char *why, size_t len) {
    const struct hs_region_s *h = (const void *)n;
    if (h->ref != NULL)
        return hsr_region_check(h->ref, why, len);
    if (h->fd < 0 || h->nmaps > h->cap_maps) {
        snprintf(why, len, "memfd subject: bad handle");
        return false;
    }
    return true;
}

/* Closing a context closes what the trace left open. */
static void region_drop(hs_ctx_t *c, struct hsri_subject_node *n) {
    struct hs_region_s *h = (void *)n;
    (void)(h->ref != NULL ? ref_close(c, h) : plain_close(c, h));
}

/* One kind for both subjects: a handle says which it is by ref. */
static const struct hsri_subject_kind region_kind = {
    .walk = region_walk,
    .destroy = region_drop,
    .held = NULL, /* the page-rounded size charged at create and set_size */
    .faults = true,
    .footprint_mismatch = "subject: footprint does not match the regions' sizes",
};

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out) {
    return hsri_subject_open(&region_kind, args, out);
}

/* Round to pages; sizes are <= HSR_REGION_SIZE_MAX so this cannot wrap. */
static uint64_t page_round(uint64_t n) {
    uint64_t page = (uint64_t)hsri_glue_page_size();
    return n / page * page + (n % page != 0 ? page : 0);
}

/* A request for `bytes` of backing (replacing `old` bytes): 0 or -ENOMEM.
 * Only the pages it adds count against the limit. */
static int ask_backing(hs_ctx_t *c, uint64_t old, uint64_t bytes) {
    return hsri_subject_request(c, bytes > old ? page_round(bytes) - page_round(old) : 0);
}

/* After a mutation under HS_OPEN_CHECKED: walk the region, keep the first
 * failure for check(). */
static void after(hs_ctx_t *c, struct hs_region_s *h) {
    if (h != NULL && h->ref != NULL)
        hsri_subject_after(c, &h->node, 0);
}

/* ----------------------------------------------------------------------
 * ref-region: the reference, call for call
 * -------------------------------------------------------------------- */

static int ref_create(hs_ctx_t *c, const char *name, uint64_t size, hs_region_t **out) {
    if (out == NULL)
        return -EINVAL;
    if (size > 0) {
        int err = ask_backing(c, 0, size);
        if (err != 0)
            return err;
    }
    struct hs_region_s *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    h->fd = -1;
    int err = hsr_region_create(name, size, &h->ref);
    if (err != 0) {
        free(h);
        return err;
    }
    hsri_subject_link(c, &h->node, page_round(size));
    after(c, h);
    *out = h;
    return 0;
}

static int ref_set_size(hs_ctx_t *c, hs_region_t *h, uint64_t size) {
    int64_t old = hsr_region_get_size(h->ref);
    if (old < 0)
        return (int)old;
    int err = ask_backing(c, (uint64_t)old, size);
    if (err == 0)
        err = hsr_region_set_size(h->ref, size);
    if (err == 0)
        hsri_subject_charge(c, &h->node, page_round(size));
    after(c, h);
    return err;
}

static int64_t ref_get_size(hs_ctx_t *c, hs_region_t *h) { return hsr_region_get_size(h->ref); }

static int ref_get_name(hs_ctx_t *c, hs_region_t *h, char *buf, size_t len) {
    return hsr_region_get_name(h->ref, buf, len);
}

static int ref_set_prot(hs_ctx_t *c, hs_region_t *h, uint32_t prot) {
    int err = hsr_region_set_prot(h->ref, prot);
    after(c, h);
    return err;
}

static int64_t ref_get_prot(hs_ctx_t *c, hs_region_t *h) {
    int64_t v = hsr_region_get_prot(h->ref);
    after(c, h);
    return v;
}

static int ref_map(hs_ctx_t *c, hs_region_t *h, uint32_t prot, uint32_t how, uint64_t offset,
                   uint64_t len, void **out) {
    int err = hsr_region_map(h->ref, prot, how, offset, len, out);
    after(c, h);
    return err;
}

static int ref_unmap(hs_ctx_t *c, hs_region_t *h, void *addr, uint64_t len) {
    int err = hsr_region_unmap(h->ref, addr, len);
    after(c, h);
    return err;
}

static int ref_pin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    int v = hsr_region_pin(h->ref, offset, len);
    after(c, h);
    return v;
}

static int ref_unpin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    int v = hsr_region_unpin(h->ref, offset, len);
    after(c, h);
    return v;
}

static int ref_pin_status(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return hsr_region_pin_status(h->ref, offset, len);
}

static int64_t ref_purge_all(hs_ctx_t *c, hs_region_t *h) {
    int64_t v = hsr_region_purge_all(h->ref);
    after(c, h);
    return v;
}

static int ref_fd(hs_ctx_t *c, hs_region_t *h) { return hsr_region_fd(h->ref); }

static int ref_close(hs_ctx_t *c, hs_region_t *h) {
    after(c, h);
    hsri_subject_unlink(c, &h->node);
    int err = hsr_region_close(h->ref);
    free(h);
    return err;
}

static const struct hs_region_ops ref_region_ops = {
    .struct_size = sizeof(struct hs_region_ops),
    .version = HS_REGION_OPS_VERSION,
    .caps = HS_REGION_CAP_PIN | HS_REGION_CAP_SET_SIZE | HS_REGION_CAP_NAME,
    .create = ref_create,
    .set_size = ref_set_size,
    .get_size = ref_get_size,
    .get_name = ref_get_name,
    .set_prot = ref_set_prot,
    .get_prot = ref_get_prot,
    .map = ref_map,
    .unmap = ref_unmap,
    .pin = ref_pin,
    .unpin = ref_unpin,
    .pin_status = ref_pin_status,
    .purge_all = ref_purge_all,
    .fd = ref_fd,
    .close = ref_close,
};

static const struct hs_subject ref_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-region",
    .version = SUBJECT_VERSION,
    .description = "heapspec reference region: ashmem semantics (size fixed at first map, "
                   "shrinking protection mask, pin/unpin/purge) on memfd",
    .flags = HS_SUBJECT_REFERENCE,
    .open = ctx_open,
    .close = hsri_subject_close,
    .region_ops = &ref_region_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_region_subject(void) { return &ref_subject; }

/* ----------------------------------------------------------------------
 * memfd: a plain memfd, AOSP memfd-shim semantics
 * -------------------------------------------------------------------- */

static int plain_create(hs_ctx_t *c, const char *name, uint64_t size, hs_region_t **out) {
    if (out == NULL)
        return -EINVAL;
    if (name == NULL)
        name = "none"; /* the shim's name for an unnamed region */
    if (strlen(name) > HSR_REGION_NAME_MAX || size > HSR_REGION_SIZE_MAX)
        return -EINVAL;
    int err = ask_backing(c, 0, size);
    if (err != 0)
        return err;
    struct hs_region_s *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -ENOMEM;
    err = hsri_glue_memfd_create(name, &h->fd);
    if (err != 0) {
        free(h);
        return err;
    }
    err = hsri_glue_ftruncate(h->fd, size);
    if (err == 0) /* the shim seals the size right away */
        err = hsri_glue_add_seals(h->fd, HSRI_GLUE_SEAL_GROW | HSRI_GLUE_SEAL_SHRINK);
    if (err != 0) {
        (void)hsri_glue_close(h->fd);
        free(h);
        return err;
    }
    memcpy(h->name, name, strlen(name) + 1);
    hsri_subject_link(c, &h->node, page_round(size));
    *out = h;
    return 0;
}

static int plain_set_size(hs_ctx_t *c, hs_region_t *h, uint64_t size) {
    return -EINVAL; /* sealed at create */
}

static int64_t plain_get_size(hs_ctx_t *c, hs_region_t *h) {
    uint64_t size = 0;
    int err = hsri_glue_fd_size(h->fd, &size);
    return err != 0 ? err : (int64_t)size;
}

static int plain_get_name(hs_ctx_t *c, hs_region_t *h, char *buf, size_t len) {
    size_t n = strlen(h->name);
    if (buf == NULL)
        return -EINVAL;
    if (len == 0)
        return -ERANGE;
    size_t k = n < len ? n : len - 1;
    memcpy(buf, h->name, k);
    buf[k] = '\0';
    return n < len ? 0 : -ERANGE;
}

/* The mask is the write seal: PROT_WRITE is gone once it is set. */
static int64_t plain_get_prot(hs_ctx_t *c, hs_region_t *h) {
    int seals = hsri_glue_get_seals(h->fd);
    if (seals < 0)
        return seals;
    uint32_t sealed = (uint32_t)seals & (HSRI_GLUE_SEAL_WRITE | HSRI_GLUE_SEAL_FUTURE_WRITE);
    return sealed != 0 ? HSR_REGION_PROT_ALL & ~HSR_REGION_PROT_WRITE : HSR_REGION_PROT_ALL;
}

static int plain_set_prot(hs_ctx_t *c, hs_region_t *h, uint32_t prot) {
    if ((prot & ~HSR_REGION_PROT_ALL) != 0)
        return -EINVAL;
    int64_t mask = plain_get_prot(c, h);
    if (mask < 0)
        return (int)mask;
    if ((prot & HSR_REGION_PROT_WRITE) != 0)
        return ((uint64_t)mask & HSR_REGION_PROT_WRITE) != 0 ? 0 : -EINVAL;
    return hsri_glue_add_seals(h->fd, HSRI_GLUE_SEAL_FUTURE_WRITE); /* READ/EXEC: no seal */
}

static int plain_map(hs_ctx_t *c, hs_region_t *h, uint32_t prot, uint32_t how,
                     uint64_t offset, uint64_t len, void **out) {
    int64_t size = plain_get_size(c, h);
    if (size < 0)
        return (int)size;
    if (out == NULL || size == 0 || len == 0 ||
        (how != HS_REGION_MAP_SHARED && how != HS_REGION_MAP_PRIVATE))
        return -EINVAL;
    if (h->nmaps == h->cap_maps) {
        uint32_t cap = h->cap_maps == 0 ? 4u : h->cap_maps * 2u;
        if (cap < h->cap_maps)
            return -ENOMEM;
        struct plain_map *m = realloc(h->maps, (size_t)cap * sizeof *m);
        if (m == NULL)
            return -ENOMEM;
        h->maps = m;
        h->cap_maps = cap;
    }
    if (len > HSR_REGION_SIZE_MAX)
        return -EINVAL;
    uint64_t maplen = page_round(len);
    void *p = NULL;
    int err = hsri_glue_mmap_fd(maplen, prot, how == HS_REGION_MAP_SHARED, h->fd, offset, &p);
    if (err != 0)
        return err;
    h->maps[h->nmaps].addr = p;
    h->maps[h->nmaps].len = maplen;
    h->nmaps++;
    *out = p;
    return 0;
}

static int plain_unmap(hs_ctx_t *c, hs_region_t *h, void *addr, uint64_t len) {
    uint32_t i = 0;
    while (i < h->nmaps && h->maps[i].addr != addr)
        i++;
    if (i == h->nmaps || len == 0 || len > HSR_REGION_SIZE_MAX ||
        page_round(len) != h->maps[i].len)
        return -EINVAL;
    int err = hsri_glue_munmap(addr, h->maps[i].len);
    if (err == 0)
        h->maps[i] = h->maps[--h->nmaps];
    return err;
}

static int plain_pin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return HS_REGION_NOT_PURGED; /* nothing is ever purged */
}

static int plain_unpin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return 0; /* a no-op, as in the shim */
}

static int plain_pin_status(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return HS_REGION_PINNED;
}

static int64_t plain_purge_all(hs_ctx_t *c, hs_region_t *h) { return 0; }

static int plain_fd(hs_ctx_t *c, hs_region_t *h) { return h->fd; }

static int plain_close(hs_ctx_t *c, hs_region_t *h) {
    int err = 0;
    hsri_subject_unlink(c, &h->node);
    for (uint32_t i = 0; i < h->nmaps; i++) {
        int e = hsri_glue_munmap(h->maps[i].addr, h->maps[i].len);
        if (err == 0)
            err = e;
    }
    int e = hsri_glue_close(h->fd);
    if (err == 0)
        err = e;
    free(h->maps);
    free(h);
    return err;
}

static const struct hs_region_ops plain_region_ops = {
    .struct_size = sizeof(struct hs_region_ops),
    .version = HS_REGION_OPS_VERSION,
    .caps = HS_REGION_CAP_NAME,
    .create = plain_create,
    .set_size = plain_set_size,
    .get_size = plain_get_size,
    .get_name = plain_get_name,
    .set_prot = plain_set_prot,
    .get_prot = plain_get_prot,
    .map = plain_map,
    .unmap = plain_unmap,
    .pin = plain_pin,
    .unpin = plain_unpin,
    .pin_status = plain_pin_status,
    .purge_all = plain_purge_all,
    .fd = plain_fd,
    .close = plain_close,
};

static const struct hs_subject plain_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "memfd",
    .version = SUBJECT_VERSION,
    .description = "plain memfd_create region with AOSP memfd-shim semantics (size sealed "
                   "at create, no pinning, protection by F_SEAL_FUTURE_WRITE only)",
    .flags = 0,
    .open = ctx_open,
    .close = hsri_subject_close,
    .region_ops = &plain_region_ops,
    .check = hsri_subject_check,
};

const struct hs_subject *hsr_memfd_subject(void) { return &plain_subject; }
