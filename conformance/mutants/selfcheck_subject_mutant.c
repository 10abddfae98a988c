/*
 * selfcheck_subject_mutant.c — breaks MALLOC-SELFCHECK-1 (group SELFCHECK).
 *
 * A subject library whose malloc ops are glibc's own (through its exported
 * __libc_* entry points, so every other malloc clause holds) and whose
 * invariant walker, hs_subject.check, reports corruption once the subject has
 * served a block: the engine must judge the walker and fail the clause.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>

#include "heapspec/heapspec.h"

const struct hs_subject *heapspec_subject(void);
void *__libc_malloc(size_t n);
void __libc_free(void *p);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t a, size_t n);

static atomic_ulong served;
static char ctx_token;

static void *m_malloc(hs_ctx_t *c, size_t n)
{
    (void)c;
    atomic_fetch_add(&served, 1);
    return __libc_malloc(n);
}

static void m_free(hs_ctx_t *c, void *p)
{
    (void)c;
    __libc_free(p);
}

static void *m_calloc(hs_ctx_t *c, size_t n, size_t m)
{
    (void)c;
    atomic_fetch_add(&served, 1);
    return __libc_calloc(n, m);
}

static void *m_realloc(hs_ctx_t *c, void *p, size_t n)
{
    (void)c;
    atomic_fetch_add(&served, 1);
    return __libc_realloc(p, n);
}

static bool pow2(size_t a)
{
    return a != 0 && (a & (a - 1)) == 0;
}

static void *m_aligned_alloc(hs_ctx_t *c, size_t a, size_t n)
{
    (void)c;
    if (!pow2(a)) {
        errno = EINVAL;
        return NULL;
    }
    atomic_fetch_add(&served, 1);
    return __libc_memalign(a, n);
}

static int m_posix_memalign(hs_ctx_t *c, void **out, size_t a, size_t n)
{
    (void)c;
    if (!pow2(a) || a % sizeof(void *) != 0)
        return EINVAL;
    atomic_fetch_add(&served, 1);
    void *p = __libc_memalign(a, n);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

static int m_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    if (args != NULL && (args->fail_nth_backing || args->footprint_limit))
        return -ENOTSUP;
    *out = (hs_ctx_t *)(void *)&ctx_token;
    return 0;
}

static void m_close(hs_ctx_t *c)
{
    (void)c;
}

/* The planted bug: a walker that calls a healthy heap corrupt. */
static int m_check(hs_ctx_t *c, char *buf, size_t len)
{
    (void)c;
    if (atomic_load(&served) == 0)
        return 0;
    snprintf(buf, len, "mutant: free list of bin 3 is cyclic");
    return -1;
}

static const struct hs_malloc_ops ops = {
    .struct_size = sizeof ops,
    .version = HS_MALLOC_OPS_VERSION,
    .caps = HS_MALLOC_CAP_CALLOC | HS_MALLOC_CAP_REALLOC | HS_MALLOC_CAP_THREADS |
            HS_MALLOC_CAP_ALIGNED_ALLOC | HS_MALLOC_CAP_POSIX_MEMALIGN,
    .malloc = m_malloc,
    .free = m_free,
    .calloc = m_calloc,
    .realloc = m_realloc,
    .aligned_alloc = m_aligned_alloc,
    .posix_memalign = m_posix_memalign,
};

static const struct hs_subject subject = {
    .struct_size = sizeof subject,
    .abi_version = HS_ABI_VERSION,
    .name = "mutant-selfcheck",
    .version = "1",
    .description = "glibc malloc with an invariant walker that always reports corruption",
    .open = m_open,
    .close = m_close,
    .malloc_ops = &ops,
    .check = m_check,
};

__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void)
{
    return &subject;
}
