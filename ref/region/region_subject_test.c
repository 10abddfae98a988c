/*
 * region_subject_test.c — drives "ref-region" and "memfd" only through the
 * heapspec ABI tables, the way the conformance engine will, and checks the
 * answers where the two must agree and where they must differ. With an
 * argument, also dlopen()s that shared object and checks that it exports
 * heapspec_subject (and nothing of the library) and that the table works.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heapspec/heapspec.h"
#include "heapspec/region_subject.h"

static int failures;
static int checks;

#define EXPECT_EQ(a, b)                                                                  \
    do {                                                                                 \
        long long a_ = (long long)(a), b_ = (long long)(b);                              \
        checks++;                                                                        \
        if (a_ != b_) {                                                                  \
            fprintf(stderr, "%s:%d: [%s] FAIL: %s == %s (%lld != %lld)\n", __FILE__,     \
                    __LINE__, subject_name, #a, #b, a_, b_);                             \
            failures++;                                                                  \
        }                                                                                \
    } while (0)
#define EXPECT(c) EXPECT_EQ(!!(c), 1)

static const char *subject_name = "";
static uint64_t P;

static void expect_consistent(const struct hs_subject *s, hs_ctx_t *c) {
    char why[200] = "";
    int rc = s->check(c, why, sizeof why);
    EXPECT_EQ(rc, 0);
    if (rc != 0)
        fprintf(stderr, "  check: %s\n", why);
}

/* What both subjects must do (REGION-CREATE, -NAME, -MAP, -PROT). */
static void common_body(const struct hs_subject *s) {
    const struct hs_region_ops *o = s->region_ops;
    subject_name = s->name;
    EXPECT(o != NULL && HS_HAS_FIELD(o, struct hs_region_ops, close));
    hs_ctx_t *c = NULL;
    struct hs_open_args args;
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.flags = HS_OPEN_CHECKED;
    EXPECT_EQ(s->open(&args, &c), 0);
    hs_region_t *r = NULL;
    EXPECT_EQ(o->create(c, "subject-common", 2 * P, &r), 0);
    EXPECT_EQ(o->get_size(c, r), 2 * P);
    char name[64];
    EXPECT_EQ(o->get_name(c, r, name, sizeof name), 0);
    EXPECT(strcmp(name, "subject-common") == 0);
    EXPECT(o->fd(c, r) >= 0);
    void *a = NULL, *b = NULL;
    EXPECT_EQ(o->map(c, r, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, 2 * P, &a), 0);
    EXPECT_EQ(o->map(c, r, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, 2 * P, &b), 0);
    EXPECT_EQ(o->map(c, r, PROT_READ, HS_REGION_MAP_SHARED, 0, 0, &b), -EINVAL);
    if (a != NULL && b != NULL) {
        ((char *)a)[5] = 'x';
        EXPECT_EQ(((char *)b)[5], 'x');
    }
    EXPECT_EQ(o->set_size(c, r, 4 * P), -EINVAL); /* mapped (ref) / sealed (memfd) */
    EXPECT_EQ(o->set_prot(c, r, PROT_READ), 0);
    EXPECT_EQ(o->get_prot(c, r) & PROT_WRITE, 0);
    EXPECT_EQ(o->set_prot(c, r, PROT_READ | PROT_WRITE), -EINVAL);
    void *w = NULL;
    EXPECT_EQ(o->map(c, r, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, P, &w), -EPERM);
    EXPECT_EQ(o->unmap(c, r, b, 2 * P), 0);
    expect_consistent(s, c);
    EXPECT_EQ(o->close(c, r), 0);
    EXPECT_EQ(o->create(c, NULL, 0, &r), 0);
    EXPECT_EQ(o->map(c, r, PROT_READ, HS_REGION_MAP_SHARED, 0, P, &w), -EINVAL); /* size 0 */
    EXPECT_EQ(o->close(c, r), 0);
    expect_consistent(s, c);
    s->close(c);
}

/* ref-region: pinning really purges; faults are injected cleanly. */
static void ref_body(const struct hs_subject *s) {
    const struct hs_region_ops *o = s->region_ops;
    subject_name = s->name;
    EXPECT(strcmp(s->name, "ref-region") == 0);
    EXPECT_EQ(o->caps, HS_REGION_CAP_PIN | HS_REGION_CAP_SET_SIZE | HS_REGION_CAP_NAME);
    EXPECT((s->flags & HS_SUBJECT_REFERENCE) != 0);
    hs_ctx_t *c = NULL;
    EXPECT_EQ(s->open(NULL, &c), 0);
    hs_region_t *r = NULL;
    EXPECT_EQ(o->create(c, "subject-pin", 0, &r), 0);
    EXPECT_EQ(o->set_size(c, r, 3 * P), 0);
    char *a = NULL;
    EXPECT_EQ(o->map(c, r, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, 3 * P, (void **)&a),
              0);
    if (a != NULL)
        memset(a, 1, 3 * P);
    EXPECT_EQ(o->unpin(c, r, P, P), 0);
    EXPECT_EQ(o->pin_status(c, r, 0, 0), HS_REGION_UNPINNED);
    EXPECT_EQ(o->purge_all(c, r), 1);
    if (a != NULL)
        EXPECT_EQ(a[P], 0);
    EXPECT_EQ(o->pin(c, r, P, P), HS_REGION_WAS_PURGED);
    EXPECT_EQ(o->pin_status(c, r, 0, 0), HS_REGION_PINNED);
    expect_consistent(s, c);
    s->close(c); /* closes r and unmaps a */

    /* Fault injection: the 2nd backing request fails, then all is well. */
    struct hs_open_args args;
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.fail_nth_backing = 2;
    EXPECT_EQ(s->open(&args, &c), 0);
    EXPECT_EQ(o->create(c, "f1", P, &r), 0);
    hs_region_t *r2 = NULL;
    EXPECT_EQ(o->create(c, "f2", P, &r2), -ENOMEM);
    EXPECT_EQ(o->set_size(c, r, 2 * P), 0);
    EXPECT_EQ(o->get_size(c, r), 2 * P);
    expect_consistent(s, c);
    s->close(c);

    /* Footprint limit of 3 pages. */
    args.fail_nth_backing = 0;
    args.footprint_limit = 3 * P;
    EXPECT_EQ(s->open(&args, &c), 0);
    EXPECT_EQ(o->create(c, "l1", 2 * P, &r), 0);
    EXPECT_EQ(o->create(c, "l2", 2 * P, &r2), -ENOMEM);
    EXPECT_EQ(o->create(c, "l2", P, &r2), 0);
    EXPECT_EQ(o->set_size(c, r, 3 * P), -ENOMEM);
    EXPECT_EQ(o->set_size(c, r, P), 0); /* shrinking frees room */
    EXPECT_EQ(o->set_size(c, r2, 2 * P), 0);
    expect_consistent(s, c);
    s->close(c);

    args.reserved0 = 1;
    EXPECT_EQ(s->open(&args, &c), -EINVAL);
}

/* memfd: the shim's answers, where it differs from ashmem. */
static void memfd_body(const struct hs_subject *s) {
    const struct hs_region_ops *o = s->region_ops;
    subject_name = s->name;
    EXPECT(strcmp(s->name, "memfd") == 0);
    EXPECT_EQ(o->caps, HS_REGION_CAP_NAME);
    hs_ctx_t *c = NULL;
    EXPECT_EQ(s->open(NULL, &c), 0);
    hs_region_t *r = NULL;
    EXPECT_EQ(o->create(c, NULL, 2 * P, &r), 0);
    char name[16];
    EXPECT_EQ(o->get_name(c, r, name, sizeof name), 0);
    EXPECT(strcmp(name, "none") == 0);
    EXPECT_EQ(o->set_size(c, r, 3 * P), -EINVAL); /* sealed before any map */
    char *a = NULL;
    EXPECT_EQ(o->map(c, r, PROT_READ | PROT_WRITE, HS_REGION_MAP_SHARED, 0, 2 * P, (void **)&a),
              0);
    if (a != NULL)
        memset(a, 7, 2 * P);
    EXPECT_EQ(o->unpin(c, r, 0, 0), 0);
    EXPECT_EQ(o->pin_status(c, r, 0, 0), HS_REGION_PINNED); /* unpin is a no-op */
    EXPECT_EQ(o->purge_all(c, r), 0);
    if (a != NULL)
        EXPECT_EQ(a[P], 7);
    EXPECT_EQ(o->pin(c, r, 0, 0), HS_REGION_NOT_PURGED);
    EXPECT_EQ(o->set_prot(c, r, PROT_READ), 0); /* only the write seal is real */
    EXPECT_EQ(o->get_prot(c, r), PROT_READ | PROT_EXEC);
    expect_consistent(s, c);
    s->close(c);
}

int main(int argc, char **argv) {
    P = (uint64_t)sysconf(_SC_PAGESIZE);
    common_body(hsr_region_subject());
    common_body(hsr_memfd_subject());
    ref_body(hsr_region_subject());
    memfd_body(hsr_memfd_subject());

    if (argc > 1) { /* the shared object */
        subject_name = argv[1];
        void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        EXPECT(so != NULL);
        if (so == NULL) {
            fprintf(stderr, "dlopen: %s\n", dlerror());
        } else {
            hs_subject_entry_fn entry = (hs_subject_entry_fn)dlsym(so, HS_SUBJECT_ENTRY);
            EXPECT(entry != NULL);
            EXPECT(dlsym(so, "hsr_region_create") == NULL); /* nothing else exported */
            EXPECT(dlsym(so, "hsr_region_subject") == NULL);
            EXPECT(dlsym(so, "hsri_glue_memfd_create") == NULL);
            if (entry != NULL) {
                const struct hs_subject *s = entry();
                EXPECT(s != NULL && s != hsr_region_subject()); /* its own copy */
                if (s != NULL) {
                    EXPECT_EQ(s->abi_version, HS_ABI_VERSION);
                    common_body(s);
                    ref_body(s);
                }
            }
            dlclose(so);
        }
    }
    printf("region_subject_test: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
