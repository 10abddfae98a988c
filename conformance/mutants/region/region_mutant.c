/*
 * region_mutant.c — deliberately broken region subjects, one planted bug
 * each, to prove that conformance/region_check.c catches every clause group.
 *
 * Each mutant is this file compiled with one MUTANT_<NAME> macro (see
 * BUILD). Without any macro it is a faithful pass-through to the reference
 * region (ref/include/heapspec/region.h): the hs_region_t handle IS the
 * hsr_region_t, and the context only lists the open handles for check().
 *
 *   mutant      planted bug                                  caught by
 *   create      create rounds the size up to whole pages     REGION-CREATE-1
 *   name        get_name drops the name's last character     REGION-NAME-1
 *   mapname     the backing file is named NAME-x, and        REGION-NAME-2
 *               get_name hides the suffix: only
 *               /proc/self/maps shows it
 *   size        set_size after the first map "succeeds"      REGION-SIZE-2
 *   prot        set_prot adding a bit back answers 0         REGION-PROT-1
 *   map         MAP_PRIVATE is mapped MAP_SHARED             REGION-MAP-2
 *   pin         pin always answers NOT_PURGED                REGION-PIN-4
 *   purge       purge_all purges pinned pages too            REGION-PURGE-1
 *   close       close leaks the region (fd, mappings)        REGION-CLOSE-1
 *   selfcheck   the invariant walker always fails            REGION-SELFCHECK-1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/region.h"

#define MAX_OPEN 1024

struct hs_ctx_s {
    hsr_region_t *open[MAX_OPEN]; /* handles not yet closed (NULL: free slot) */
};

static hsr_region_t *R(hs_region_t *h) { return (hsr_region_t *)(void *)h; }

static int m_open(const struct hs_open_args *args, hs_ctx_t **out) {
    if (out == NULL)
        return -EINVAL;
    if (args != NULL && (args->fail_nth_backing != 0 || args->footprint_limit != 0))
        return -ENOTSUP;
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    *out = c;
    return 0;
}

static void m_close_ctx(hs_ctx_t *c) {
    if (c == NULL)
        return;
    for (size_t i = 0; i < MAX_OPEN; i++)
        if (c->open[i] != NULL)
            (void)hsr_region_close(c->open[i]);
    free(c);
}

static int m_create(hs_ctx_t *c, const char *name, uint64_t size, hs_region_t **out) {
    size_t slot = 0;
    while (slot < MAX_OPEN && c->open[slot] != NULL)
        slot++;
    if (out == NULL || slot == MAX_OPEN)
        return out == NULL ? -EINVAL : -EMFILE;
#ifdef MUTANT_CREATE
    size = (size + 4095u) & ~(uint64_t)4095u; /* BUG: rounded to pages */
#endif
#ifdef MUTANT_MAPNAME
    char named[320];
    if (name != NULL && name[0] != '\0' && strlen(name) < 256) {
        snprintf(named, sizeof named, "%s-x", name); /* BUG: the file has another name */
        name = named;
    }
#endif
    hsr_region_t *r = NULL;
    int err = hsr_region_create(name, size, &r);
    if (err != 0)
        return err;
    c->open[slot] = r;
    *out = (hs_region_t *)(void *)r;
    return 0;
}

static int m_set_size(hs_ctx_t *c, hs_region_t *h, uint64_t size) {
    int err = hsr_region_set_size(R(h), size);
#ifdef MUTANT_SIZE
    if (err == -EINVAL)
        err = 0; /* BUG: pretends the size changed after the first map */
#endif
    return err;
}

static int64_t m_get_size(hs_ctx_t *c, hs_region_t *h) { return hsr_region_get_size(R(h)); }

static int m_get_name(hs_ctx_t *c, hs_region_t *h, char *buf, size_t len) {
    int err = hsr_region_get_name(R(h), buf, len);
#ifdef MUTANT_NAME
    if (err == 0 && buf[0] != '\0')
        buf[strlen(buf) - 1] = '\0'; /* BUG: last character lost */
#endif
#ifdef MUTANT_MAPNAME
    size_t n = err == 0 ? strlen(buf) : 0;
    if (n >= 2 && strcmp(buf + n - 2, "-x") == 0)
        buf[n - 2] = '\0'; /* the suffix hidden from get_name */
#endif
    return err;
}

static int m_set_prot(hs_ctx_t *c, hs_region_t *h, uint32_t prot) {
#ifdef MUTANT_PROT
    int64_t mask = hsr_region_get_prot(R(h));
    if (mask >= 0 && (prot & ~(uint32_t)mask) != 0)
        return 0; /* BUG: adding a bit back "succeeds" (and changes nothing) */
#endif
    return hsr_region_set_prot(R(h), prot);
}

static int64_t m_get_prot(hs_ctx_t *c, hs_region_t *h) { return hsr_region_get_prot(R(h)); }

static int m_map(hs_ctx_t *c, hs_region_t *h, uint32_t prot, uint32_t how, uint64_t offset,
                 uint64_t len, void **out) {
#ifdef MUTANT_MAP
    if (how == HS_REGION_MAP_PRIVATE)
        how = HS_REGION_MAP_SHARED; /* BUG: private mappings share their writes */
#endif
    return hsr_region_map(R(h), prot, how, offset, len, out);
}

static int m_unmap(hs_ctx_t *c, hs_region_t *h, void *addr, uint64_t len) {
    return hsr_region_unmap(R(h), addr, len);
}

static int m_pin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    int v = hsr_region_pin(R(h), offset, len);
#ifdef MUTANT_PIN
    if (v == HSR_REGION_WAS_PURGED)
        v = HSR_REGION_NOT_PURGED; /* BUG: the purge goes unreported */
#endif
    return v;
}

static int m_unpin(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return hsr_region_unpin(R(h), offset, len);
}

static int m_pin_status(hs_ctx_t *c, hs_region_t *h, uint64_t offset, uint64_t len) {
    return hsr_region_pin_status(R(h), offset, len);
}

static int64_t m_purge_all(hs_ctx_t *c, hs_region_t *h) {
#ifdef MUTANT_PURGE
    /* BUG: every page is unpinned first, so pinned pages are purged too;
     * the pinned state is put back afterwards, as if nothing happened. */
    if (hsr_region_pin_status(R(h), 0, 0) == HSR_REGION_PINNED && hsr_region_unpin(R(h), 0, 0) == 0) {
        int64_t n = hsr_region_purge_all(R(h));
        (void)hsr_region_pin(R(h), 0, 0);
        return n > 0 ? 0 : n; /* and it answers "nothing purged" */
    }
#endif
    return hsr_region_purge_all(R(h));
}

static int m_fd(hs_ctx_t *c, hs_region_t *h) { return hsr_region_fd(R(h)); }

static int m_close(hs_ctx_t *c, hs_region_t *h) {
    for (size_t i = 0; i < MAX_OPEN; i++)
        if (c->open[i] == R(h))
            c->open[i] = NULL;
#ifdef MUTANT_CLOSE
    return 0; /* BUG: the region is never closed: descriptor and mappings leak */
#else
    return hsr_region_close(R(h));
#endif
}

static int m_check(hs_ctx_t *c, char *buf, size_t len) {
    const char *why = NULL;
    char msg[160] = "";
#ifdef MUTANT_SELFCHECK
    why = "planted: the walker always fails";
#endif
    for (size_t i = 0; i < MAX_OPEN && why == NULL; i++)
        if (c->open[i] != NULL && !hsr_region_check(c->open[i], msg, sizeof msg))
            why = msg;
    if (why == NULL)
        return 0;
    if (buf != NULL && len > 0) {
        size_t n = strlen(why) < len - 1 ? strlen(why) : len - 1;
        memcpy(buf, why, n);
        buf[n] = '\0';
    }
    return -1;
}

static const struct hs_region_ops mutant_ops = {
    .struct_size = sizeof(struct hs_region_ops),
    .version = HS_REGION_OPS_VERSION,
    .caps = HS_REGION_CAP_PIN | HS_REGION_CAP_SET_SIZE | HS_REGION_CAP_NAME,
    .create = m_create,
    .set_size = m_set_size,
    .get_size = m_get_size,
    .get_name = m_get_name,
    .set_prot = m_set_prot,
    .get_prot = m_get_prot,
    .map = m_map,
    .unmap = m_unmap,
    .pin = m_pin,
    .unpin = m_unpin,
    .pin_status = m_pin_status,
    .purge_all = m_purge_all,
    .fd = m_fd,
    .close = m_close,
};

static const struct hs_subject mutant_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "region-mutant",
    .version = "0",
    .description = "the reference region with one planted bug (conformance/mutants/region)",
    .flags = 0,
    .open = m_open,
    .close = m_close_ctx,
    .region_ops = &mutant_ops,
    .check = m_check,
};

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void) { return &mutant_subject; }
