/*
 * interpose_subject_mutant.c — breaks MALLOC-INTERPOSE-1 (group INTERPOSE).
 *
 * Not a preload: a subject library (heapspec_subject(), spec/include/heapspec/
 * heapspec.h) whose malloc ops claim HS_MALLOC_CAP_PROCESS_MALLOC ("these ops
 * are the process's malloc") while they really serve a private arena. libc's
 * strdup, getline, open_memstream and fopen still allocate from glibc, so
 * their blocks are foreign to these ops: usable_size answers 0 for them and
 * the engine must fail MALLOC-INTERPOSE-1. The ops themselves are a correct
 * (if wasteful) bump allocator, so the other clauses of the group hold.
 *
 *   arena (static, 64 MiB):  [hdr|block][hdr|block] ... top ->
 *   hdr (16 B): { uint64_t size; uint64_t magic; }, block 16-aligned
 *
 * free is a no-op: bump memory is never reused.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "heapspec/heapspec.h"

#define ARENA_BYTES (64u * 1024u * 1024u)
#define HDR 16u
#define MAGIC 0x696e746572706f73ull /* "interpos" */

struct hdr {
    uint64_t size;  /* requested size */
    uint64_t magic; /* MAGIC for a block of this arena */
};

static _Alignas(16) char arena[ARENA_BYTES];
static atomic_size_t top; /* bytes of arena handed out */
static char ctx_token;    /* the one context open() hands out */

static bool in_arena(const void *p)
{
    return (uintptr_t)p >= (uintptr_t)arena + HDR &&
           (uintptr_t)p < (uintptr_t)arena + ARENA_BYTES;
}

static void *m_malloc(hs_ctx_t *ctx, size_t n)
{
    (void)ctx;
    size_t need = n + HDR + 15u;
    if (n > (size_t)PTRDIFF_MAX || need < n) {
        errno = ENOMEM;
        return NULL;
    }
    need &= ~(size_t)15u;
    size_t off = atomic_fetch_add(&top, need);
    if (off > ARENA_BYTES || need > ARENA_BYTES - off) {
        errno = ENOMEM;
        return NULL;
    }
    struct hdr *h = (struct hdr *)(void *)(arena + off);
    h->size = n;
    h->magic = MAGIC;
    return arena + off + HDR;
}

static void m_free(hs_ctx_t *ctx, void *p)
{
    (void)ctx;
    (void)p; /* bump arena: nothing to give back */
}

static void *m_calloc(hs_ctx_t *ctx, size_t n, size_t m)
{
    size_t total;
    if (__builtin_mul_overflow(n, m, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = m_malloc(ctx, total);
    if (p != NULL)
        memset(p, 0, total);
    return p;
}

static size_t m_usable_size(hs_ctx_t *ctx, const void *p)
{
    (void)ctx;
    if (p == NULL || !in_arena(p))
        return 0; /* not ours: this is where libc's blocks show */
    const struct hdr *h = (const struct hdr *)(const void *)((const char *)p - HDR);
    return h->magic == MAGIC ? (size_t)h->size : 0;
}

static void *m_realloc(hs_ctx_t *ctx, void *p, size_t n)
{
    if (p == NULL)
        return m_malloc(ctx, n);
    void *q = m_malloc(ctx, n);
    if (q == NULL)
        return NULL; /* p stays live and unchanged */
    size_t old = m_usable_size(ctx, p); /* 0 for a foreign block: nothing kept */
    memcpy(q, p, old < n ? old : n);
    return q;
}

static const struct hs_malloc_ops ops = {
    .struct_size = sizeof(struct hs_malloc_ops),
    .version = HS_MALLOC_OPS_VERSION,
    .caps = HS_MALLOC_CAP_CALLOC | HS_MALLOC_CAP_REALLOC | HS_MALLOC_CAP_USABLE_SIZE |
            HS_MALLOC_CAP_PROCESS_MALLOC, /* BUG: these ops are not the process malloc */
    .malloc = m_malloc,
    .free = m_free,
    .calloc = m_calloc,
    .realloc = m_realloc,
    .usable_size = m_usable_size,
};

static int s_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    if (args != NULL && (args->fail_nth_backing != 0 || args->footprint_limit != 0))
        return -ENOTSUP;
    *out = (hs_ctx_t *)(void *)&ctx_token;
    return 0;
}

static void s_close(hs_ctx_t *ctx)
{
    (void)ctx;
}

static const struct hs_subject subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "mutant-interpose",
    .version = "1",
    .description = "claims to be the process malloc but serves a private bump arena",
    .flags = 0,
    .open = s_open,
    .close = s_close,
    .malloc_ops = &ops,
};

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void)
{
    return &subject;
}
