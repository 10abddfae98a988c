/*
 * space_subject_test.c — ref-spaces through the heapspec ABI: the linked
 * table, then (argv[1]) the shared object loaded with dlopen, which must
 * export heapspec_subject and none of the library's own symbols.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/space.h"

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static void exercise(const struct hs_subject *s) {
    CHECK(s != NULL && s->struct_size >= sizeof(struct hs_subject));
    CHECK(s->abi_version == HS_ABI_VERSION && strcmp(s->name, "ref-spaces") == 0);
    const struct hs_spaces_ops *ops = s->spaces_ops;
    CHECK(ops != NULL && ops->version == HS_SPACES_OPS_VERSION && s->gc_ops == NULL);

    struct hs_open_args args = {sizeof args, 1, 0, 0, HS_OPEN_CHECKED, 0, {0, 0, 0, 0}};
    hs_ctx_t *c = NULL;
    args.fail_nth_backing = 1;
    CHECK(s->open(&args, &c) == -ENOTSUP);
    args.fail_nth_backing = 0;
    CHECK(s->open(&args, &c) == 0);
    struct hs_spaces_config cfg = {sizeof cfg, HS_SPACES_CONFIG_VERSION, 1 << 20, 4 << 20,
                                   2 << 20, 0, 0, {0, 0, 0, 0}};
    hs_spaces_t *h = NULL;
    CHECK(ops->create(c, &cfg, &h) == -EINVAL && h == NULL); /* growth > capacity */
    cfg.capacity = 8 << 20;
    CHECK(ops->create(c, &cfg, &h) == 0 && h != NULL);
    uint64_t ba = 0, us = 0;
    void *a = ops->alloc(c, h, 100, 0, &ba, &us);
    CHECK(a != NULL && ba >= us && us >= 100 && ops->allocation_size(c, h, a) == ba);
    CHECK(ops->space_of(c, h, a) == HS_SPACE_MAIN);
    void *l = ops->alloc(c, h, 20000, HS_SPACES_ALLOC_LARGE_OK, &ba, &us);
    CHECK(l != NULL && ops->space_of(c, h, l) == HS_SPACE_LARGE_OBJECT && us >= 20000);
    void *n = ops->alloc(c, h, 64, HS_SPACES_ALLOC_NON_MOVABLE, &ba, &us);
    CHECK(n != NULL && ops->space_of(c, h, n) == HS_SPACE_NON_MOVING);
    memset(a, 0x3c, 100);
    CHECK(ops->zygote_split(c, h) == 0);
    CHECK(ops->zygote_split(c, h) == -EPERM);
    /* The tool's old pointer now names the zygote copy. */
    CHECK(ops->space_of(c, h, a) == HS_SPACE_ZYGOTE);
    CHECK(ops->space_of(c, h, n) == HS_SPACE_ZYGOTE);
    CHECK(ops->free(c, h, a) == -EPERM && ops->free(c, h, n) == -EPERM);
    CHECK(ops->allocation_size(c, h, a) == ops->allocation_size(c, h, a) &&
          ops->allocation_size(c, h, a) >= 100);
    CHECK(ops->free(c, h, l) > 0);
    void *b = ops->alloc(c, h, 100, 0, &ba, &us);
    CHECK(b != NULL && ops->space_of(c, h, b) == HS_SPACE_MAIN && ops->free(c, h, b) > 0);
    CHECK(ops->footprint(c, h) <= ops->growth_limit(c, h));
    ops->clear_growth_limit(c, h);
    CHECK(ops->growth_limit(c, h) == 8 << 20);
    char why[200];
    CHECK(s->check(c, why, sizeof why) == 0);
    s->close(c); /* destroys the heap too */
}

int main(int argc, char **argv) {
    exercise(hsr_spaces_subject());
    if (argc > 1) {
        void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        CHECK(so != NULL);
        hs_subject_entry_fn entry = (hs_subject_entry_fn)dlsym(so, HS_SUBJECT_ENTRY);
        CHECK(entry != NULL);
        CHECK(dlsym(so, "hsr_spaces_create") == NULL);
        CHECK(dlsym(so, "hsr_mspace_malloc") == NULL);
        exercise(entry());
        dlclose(so);
    }
    printf("space_subject_test: all passed\n");
    return 0;
}
