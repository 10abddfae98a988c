/*
 * ring_subject_test.c — ref-ring through the heapspec ABI: the linked table,
 * then (argv[1]) the shared object loaded with dlopen, which must export
 * heapspec_subject and nothing of the library itself.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/ring.h"

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static void exercise(const struct hs_subject *s)
{
    CHECK(s != NULL && s->struct_size >= sizeof(struct hs_subject));
    CHECK(s->abi_version == HS_ABI_VERSION && strcmp(s->name, "ref-ring") == 0);
    const struct hs_ring_ops *ops = s->ring_ops;
    CHECK(ops != NULL && ops->version == HS_RING_OPS_VERSION);
    CHECK(s->malloc_ops == NULL && s->buddy_ops == NULL);

    struct hs_open_args args = {sizeof args, 1, 0, 0, HS_OPEN_CHECKED, 0, {0, 0, 0, 0}};
    hs_ctx_t *c = NULL;
    CHECK(s->open(&args, &c) == 0 && c != NULL);
    hs_ring_t *r = NULL;
    CHECK(ops->create(c, 3, HS_RING_REFUSE, &r) == -EINVAL && r == NULL);
    CHECK(ops->create(c, 1, HS_RING_REFUSE, &r) == -EINVAL);
    CHECK(ops->create(c, 8, 7, &r) == -EINVAL);
    CHECK(ops->create(c, 8, HS_RING_REFUSE, &r) == 0 && r != NULL);
    CHECK(ops->write(c, r, "0123456789", 10) == 8);
    CHECK(ops->len(c, r) == 8 && ops->avail(c, r) == 0 && ops->capacity(c, r) == 8);
    char out[16];
    CHECK(ops->peek(c, r, out, 3) == 3 && memcmp(out, "012", 3) == 0);
    CHECK(ops->read(c, r, out, 16) == 8 && memcmp(out, "01234567", 8) == 0);
    hs_ring_t *w = NULL;
    CHECK(ops->create(c, 4, HS_RING_OVERWRITE, &w) == 0);
    CHECK(ops->write(c, w, "abcdef", 6) == 6 && ops->overruns(c, w) == 2);
    CHECK(ops->read(c, w, out, 16) == 4 && memcmp(out, "cdef", 4) == 0);
    char why[128];
    CHECK(s->check(c, why, sizeof why) == 0);
    ops->destroy(c, r);
    s->close(c); /* destroys w */

    /* fault injection: the 2nd backing request fails, then a footprint limit */
    args.flags = 0;
    args.fail_nth_backing = 2;
    CHECK(s->open(&args, &c) == 0);
    CHECK(ops->create(c, 16, HS_RING_REFUSE, &r) == 0);
    CHECK(ops->create(c, 16, HS_RING_REFUSE, &w) == -ENOMEM);
    CHECK(ops->create(c, 16, HS_RING_REFUSE, &w) == 0);
    s->close(c);
    args.fail_nth_backing = 0;
    args.footprint_limit = 100;
    CHECK(s->open(&args, &c) == 0);
    CHECK(ops->create(c, 64, HS_RING_REFUSE, &r) == 0);
    CHECK(ops->create(c, 64, HS_RING_REFUSE, &w) == -ENOMEM);
    CHECK(ops->create(c, 32, HS_RING_SPSC, &w) == 0);
    CHECK(s->check(c, why, sizeof why) == 0);
    s->close(c);
    args.reserved0 = 1;
    CHECK(s->open(&args, &c) == -EINVAL);
}

int main(int argc, char **argv)
{
    exercise(hsr_ring_subject());
    if (argc > 1) {
        void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        CHECK(so != NULL);
        hs_subject_entry_fn entry = (hs_subject_entry_fn)dlsym(so, HS_SUBJECT_ENTRY);
        CHECK(entry != NULL);
        CHECK(dlsym(so, "hsr_ring_write") == NULL); /* only heapspec_subject is exported */
        exercise(entry());
        dlclose(so);
    }
    printf("ring_subject_test: all passed\n");
    return 0;
}
