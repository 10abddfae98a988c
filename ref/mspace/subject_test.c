/*
 * subject_test.c — the mspace subjects driven only through the ABI of
 * heapspec/heapspec.h: the linked tables (hsr_mspace_subject,
 * hsr_malloc_subject) and, when paths are given as arguments, the shared
 * objects loaded with dlopen, exactly as the conformance engine loads them.
 *
 * It checks the fault-injection axis too: with fail_nth_backing = N the Nth
 * backing request fails cleanly (NULL + ENOMEM) and check() still passes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/heapspec.h"
#include "heapspec/mspace_subject.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

static void ctx_ok(const struct hs_subject *s, hs_ctx_t *ctx) {
    char msg[256];
    if (s->check(ctx, msg, sizeof msg) != 0) {
        fprintf(stderr, "subject %s check failed: %s\n", s->name, msg);
        exit(1);
    }
}

static void regions(void *start, void *end, size_t used, void *arg) {
    size_t *n = arg;
    (void)start;
    (void)end;
    (void)used;
    (*n)++;
}

static void drive_mspace(const struct hs_subject *s) {
    const struct hs_mspace_ops *m = s->mspace_ops;
    struct hs_open_args args;
    hs_ctx_t *ctx;
    hs_mspace_t *ms;
    void *p;
    void *arr[4];
    size_t n = 0;
    static _Alignas(16) char base[1 << 16];

    CHECK(strcmp(s->name, "ref-mspace") == 0 && m != NULL && s->malloc_ops == NULL);
    CHECK(HS_HAS_FIELD(m, struct hs_mspace_ops, inspect_all));
    CHECK(s->open(NULL, &ctx) == 0);
    ms = m->create(ctx, 0, 1);
    CHECK(ms != NULL);
    CHECK(m->footprint_limit(ctx, ms) == SIZE_MAX);
    p = m->malloc(ctx, ms, 100);
    CHECK(p != NULL && m->usable_size(ctx, ms, p) >= 100);
    p = m->realloc(ctx, ms, p, 5000);
    CHECK(p != NULL);
    arr[0] = p;
    arr[1] = m->calloc(ctx, ms, 10, 10);
    arr[2] = m->memalign(ctx, ms, 4096, 10);
    arr[3] = NULL;
    CHECK(arr[2] != NULL && (uintptr_t)arr[2] % 4096 == 0);
    m->inspect_all(ctx, ms, regions, &n);
    CHECK(n >= 4);
    {
        struct hs_mallinfo mi;
        memset(&mi, 0, sizeof mi);
        mi.struct_size = sizeof mi;
        CHECK(m->mallinfo(ctx, ms, &mi) == 0);
        CHECK(mi.arena == m->footprint(ctx, ms) && mi.used_bytes > 5000);
    }
    CHECK(m->bulk_free(ctx, ms, arr, 4) == 0 && arr[0] == NULL && arr[2] == NULL);
    CHECK(m->set_footprint_limit(ctx, ms, 100000) == 102400);
    errno = 0;
    CHECK(m->malloc(ctx, ms, 200000) == NULL && errno == ENOMEM);
    ctx_ok(s, ctx);
    {
        hs_mspace_t *b = m->create_with_base(ctx, base, sizeof base, 0);
        CHECK(b != NULL);
        CHECK(m->create_with_base(ctx, base, 10, 0) == NULL);
        CHECK(m->malloc(ctx, b, 1000) != NULL);
        ctx_ok(s, ctx);
        CHECK(m->destroy(ctx, b) == 0);
    }
    CHECK(m->destroy(ctx, ms) > 0);
    s->close(ctx);

    /* fault injection: the 1st request (the create) and later growths */
    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.fail_nth_backing = 1;
    args.flags = HS_OPEN_CHECKED;
    CHECK(s->open(&args, &ctx) == 0);
    CHECK(m->create(ctx, 0, 0) == NULL);
    ms = m->create(ctx, 0, 0);
    CHECK(ms != NULL);
    s->close(ctx);
    args.fail_nth_backing = 3;
    CHECK(s->open(&args, &ctx) == 0);
    ms = m->create(ctx, 4096, 0); /* request 1 */
    {
        int fails = 0;
        int i;
        for (i = 0; i < 50; i++) {
            errno = 0;
            p = m->malloc(ctx, ms, 100000); /* each needs a growth */
            if (p == NULL) {
                CHECK(errno == ENOMEM);
                fails++;
            }
            ctx_ok(s, ctx);
        }
        CHECK(fails == 1);
    }
    s->close(ctx);
}

static void drive_malloc(const struct hs_subject *s) {
    const struct hs_malloc_ops *m = s->malloc_ops;
    struct hs_open_args args;
    hs_ctx_t *ctx;
    void *p;
    void *out = (void *)0x1;
    int i;
    int fails = 0;

    CHECK(strcmp(s->name, "ref") == 0 && m != NULL && s->mspace_ops == NULL);
    CHECK((m->caps & HS_MALLOC_CAP_THREADS) && (m->caps & HS_MALLOC_CAP_FORK));
    CHECK(!(m->caps & HS_MALLOC_CAP_PROCESS_MALLOC));
    CHECK(s->open(NULL, &ctx) == 0);
    p = m->malloc(ctx, 10);
    CHECK(p != NULL);
    errno = 0;
    CHECK(m->reallocarray(ctx, p, SIZE_MAX, 2) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(m->aligned_alloc(ctx, 3, 10) == NULL && errno == EINVAL);
    CHECK(m->posix_memalign(ctx, &out, 3, 10) == EINVAL && out == (void *)0x1);
    errno = 5;
    m->free(ctx, p);
    CHECK(errno == 5);
    p = m->pvalloc(ctx, 0);
    CHECK(p != NULL && m->usable_size(ctx, p) >= 4096);
    m->free_sized(ctx, p, 4096);
    ctx_ok(s, ctx);
    s->close(ctx);

    memset(&args, 0, sizeof args);
    args.struct_size = sizeof args;
    args.version = HS_OPEN_ARGS_VERSION;
    args.fail_nth_backing = 2;
    args.footprint_limit = 1u << 20;
    CHECK(s->open(&args, &ctx) == 0);
    for (i = 0; i < 40; i++) {
        errno = 0;
        p = m->malloc(ctx, 50000);
        if (p == NULL) {
            CHECK(errno == ENOMEM);
            fails++;
        }
        ctx_ok(s, ctx);
    }
    CHECK(fails >= 2); /* the injected failure, then the 1 MiB limit */
    s->close(ctx);
    args.fail_nth_backing = 3;
    CHECK(s->open(&args, &ctx) == 0);
    p = m->malloc(ctx, 60000);
    CHECK(p != NULL);
    memset(p, 0xff, 60000);
    s->close(ctx);

    /* The next context starts from nothing the last one did (its default
     * mspace may be the last one's, reset): no limit, no fault to come,
     * and memory as fresh as a new mapping's. */
    CHECK(s->open(NULL, &ctx) == 0);
    for (i = 0; i < 2; i++) {
        unsigned char *q = m->malloc(ctx, 60000);
        size_t k;
        CHECK(q != NULL);
        if (i == 0) {
            for (k = 0; k < 60000; k++) {
                CHECK(q[k] == 0);
            }
        }
    }
    p = m->malloc(ctx, 4u << 20);
    CHECK(p != NULL);
    m->free(ctx, p);
    ctx_ok(s, ctx);
    s->close(ctx);
}

static const struct hs_subject *load(const char *path) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    hs_subject_entry_fn entry;
    if (h == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    *(void **)&entry = dlsym(h, HS_SUBJECT_ENTRY);
    CHECK(entry != NULL);
    CHECK(dlsym(h, "hsr_mspace_malloc") == NULL); /* only the entry point is exported */
    return entry();
}

int main(int argc, char **argv) {
    int i;
    drive_mspace(hsr_mspace_subject());
    drive_malloc(hsr_malloc_subject());
    for (i = 1; i < argc; i++) {
        const struct hs_subject *s = load(argv[i]);
        CHECK(s->abi_version == HS_ABI_VERSION && s->struct_size == sizeof *s);
        if (s->mspace_ops != NULL) {
            drive_mspace(s);
        } else {
            drive_malloc(s);
        }
        printf("loaded %s: %s\n", argv[i], s->name);
    }
    printf("subject_test: all passed\n");
    return 0;
}
