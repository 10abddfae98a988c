/*
 * buddy_subject_test.c — ref-buddy through the heapspec ABI: the linked
 * table, then (argv[1]) the shared object loaded with dlopen, which must
 * export heapspec_subject and nothing of the library itself.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/buddy.h"
#include "heapspec/heapspec.h"

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
    CHECK(s->abi_version == HS_ABI_VERSION && strcmp(s->name, "ref-buddy") == 0);
    const struct hs_buddy_ops *ops = s->buddy_ops;
    CHECK(ops != NULL && ops->version == HS_BUDDY_OPS_VERSION);
    CHECK(s->ring_ops == NULL && s->malloc_ops == NULL);

    struct hs_open_args args = {sizeof args, 1, 0, 0, HS_OPEN_CHECKED, 0, {0, 0, 0, 0}};
    hs_ctx_t *c = NULL;
    CHECK(s->open(&args, &c) == 0);
    hs_buddy_t *b = NULL;
    CHECK(ops->create(c, 5, 4, &b) == -EINVAL && b == NULL);
    CHECK(ops->create(c, 0, 63, &b) == -EINVAL);
    CHECK(ops->create(c, 10, 31, &b) == -EINVAL); /* beyond the reference's 30 */
    CHECK(ops->create(c, 0, 30, &b) == -ENOMEM);  /* beyond its metadata bound */
    CHECK(ops->create(c, 4, 12, &b) == 0 && b != NULL);
    uint64_t off = 99, off2 = 99;
    CHECK(ops->alloc(c, b, 0, &off) == -EINVAL && off == 99);
    CHECK(ops->alloc(c, b, 4097, &off) == -ENOMEM && off == 99);
    CHECK(ops->alloc(c, b, 100, &off) == 0 && ops->block_size(c, b, off) == 128);
    CHECK(ops->alloc_order(c, b, 11, &off2) == 0 && off2 == 2048);
    CHECK(ops->free_bytes(c, b) == 4096 - 128 - 2048);
    CHECK(ops->largest_free(c, b) == 1024);
    CHECK(ops->free(c, b, off + 16) == -EINVAL);
    CHECK(ops->free(c, b, off) == 0);
    CHECK(ops->free(c, b, off) == -EINVAL); /* double free */
    CHECK(ops->block_size(c, b, off) == -EINVAL);
    CHECK(ops->free(c, b, off2) == 0);
    CHECK(ops->largest_free(c, b) == 4096);
    char why[128];
    CHECK(s->check(c, why, sizeof why) == 0);
    s->close(c);

    args.fail_nth_backing = 1;
    CHECK(s->open(&args, &c) == 0);
    CHECK(ops->create(c, 4, 12, &b) == -ENOMEM);
    CHECK(ops->create(c, 4, 12, &b) == 0);
    s->close(c);
}

int main(int argc, char **argv)
{
    exercise(hsr_buddy_subject());
    if (argc > 1) {
        void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        CHECK(so != NULL);
        hs_subject_entry_fn entry = (hs_subject_entry_fn)dlsym(so, HS_SUBJECT_ENTRY);
        CHECK(entry != NULL);
        CHECK(dlsym(so, "hsr_buddy_alloc") == NULL); /* only heapspec_subject is exported */
        exercise(entry());
        dlclose(so);
    }
    printf("buddy_subject_test: all passed\n");
    return 0;
}
