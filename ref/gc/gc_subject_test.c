/*
 * gc_subject_test.c — the "ref-gc" and "boehm" subjects through the
 * heapspec ABI: linked tables, then the shared objects via dlopen
 * (argv[1]: ref-gc, argv[2]: boehm). Reachable objects must survive with
 * their contents; unreachable ones must be freed by ref-gc (PRECISE) and,
 * for the conservative boehm, mostly freed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/heapspec.h"

const struct hs_subject *hsr_boehm_subject(void);

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static void count_fn(void *obj, void *arg) {
    (void)obj;
    (*(uint64_t *)arg)++;
}

/* Garbage whose addresses leave no trace in the caller's frame. */
__attribute__((noinline)) static void make_garbage(const struct hs_gc_ops *ops, hs_ctx_t *c,
                                                   hs_gc_t *g, int n) {
    for (int i = 0; i < n; i++) {
        void *p = ops->alloc(c, g, 1, 32);
        CHECK(p != NULL);
    }
}

static void exercise(const struct hs_subject *s, const char *name, int precise) {
    CHECK(s != NULL && strcmp(s->name, name) == 0 && s->abi_version == HS_ABI_VERSION);
    const struct hs_gc_ops *ops = s->gc_ops;
    CHECK(ops != NULL && ops->version == HS_GC_OPS_VERSION && s->spaces_ops == NULL);
    CHECK(((ops->caps & HS_GC_CAP_PRECISE) != 0) == precise);
    CHECK((ops->caps & (HS_GC_CAP_WALK | HS_GC_CAP_IS_LIVE)) ==
          (HS_GC_CAP_WALK | HS_GC_CAP_IS_LIVE));
    struct hs_open_args args = {sizeof args, 1, 0, 0, HS_OPEN_CHECKED, 0, {0, 0, 0, 0}};
    hs_ctx_t *c = NULL;
    CHECK(s->open(&args, &c) == 0);
    hs_gc_t *g = NULL;
    CHECK(ops->create(c, 64 << 20, &g) == 0);
    void *a = ops->alloc(c, g, 2, 16);
    CHECK(a != NULL);
    ops->root_add(c, g, a);
    void *b = ops->alloc(c, g, 0, 100);
    CHECK(b != NULL && ((char *)ops->payload(c, g, b))[99] == 0);
    ops->set_ref(c, g, a, 1, b);
    memcpy(ops->payload(c, g, b), "survivor", 9);
    make_garbage(ops, c, g, 3000);
    int64_t freed = ops->collect(c, g);
    CHECK(precise ? freed > 0 : freed > 1500); /* ref-gc may have collected some already */
    CHECK(ops->is_live(c, g, a) && ops->is_live(c, g, b));
    CHECK(ops->get_ref(c, g, a, 1) == b && ops->get_ref(c, g, a, 0) == NULL);
    CHECK(memcmp(ops->payload(c, g, b), "survivor", 9) == 0);
    uint64_t n = 0;
    ops->walk(c, g, count_fn, &n);
    CHECK(precise ? n == 2 : n >= 2);
    ops->root_remove(c, g, a);
    if (precise) {
        CHECK(ops->collect(c, g) == 2 && !ops->is_live(c, g, a) && !ops->is_live(c, g, b));
    }
    if (s->check != NULL) {
        char why[200];
        CHECK(s->check(c, why, sizeof why) == 0);
    }
    ops->destroy(c, g);
    s->close(c);
}

static void via_dlopen(const char *path, const char *name, int precise) {
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (so == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    hs_subject_entry_fn entry = (hs_subject_entry_fn)dlsym(so, HS_SUBJECT_ENTRY);
    CHECK(entry != NULL && dlsym(so, "hsr_gc_create") == NULL);
    exercise(entry(), name, precise);
    /* libgc cannot be unloaded safely: keep the objects loaded. */
}

int main(int argc, char **argv) {
    exercise(hsr_gc_subject(), "ref-gc", 1);
    exercise(hsr_boehm_subject(), "boehm", 0);
    if (argc > 2) {
        via_dlopen(argv[1], "ref-gc", 1);
        via_dlopen(argv[2], "boehm", 0);
    }
    printf("gc_subject_test: all passed\n");
    return 0;
}
