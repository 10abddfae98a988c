/* arena.c — the engine's own memory: a bump arena on mmap, never malloc. */
#include <string.h>
#include <sys/mman.h>

#include "hs_internal.h"

int hst_arena_init(struct hst_arena *a, size_t size)
{
    /* MAP_NORESERVE: the arena is sized for the worst case and touched lazily. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        a->base = NULL;
        a->size = a->used = 0;
        return -1;
    }
    a->base = p;
    a->size = size;
    a->used = 0;
    return 0;
}

void hst_arena_fini(struct hst_arena *a)
{
    if (a->base != NULL)
        munmap(a->base, a->size);
    a->base = NULL;
    a->size = a->used = 0;
}

void *hst_arena_alloc(struct hst_arena *a, size_t n)
{
    size_t start = (a->used + 15u) & ~(size_t)15u;
    if (start > a->size || n > a->size - start)
        return NULL;
    a->used = start + n;
    return a->base + start; /* fresh anonymous pages are zero; never reused */
}

char *hst_arena_strdup(struct hst_arena *a, const char *s, size_t n)
{
    char *d = hst_arena_alloc(a, n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}
