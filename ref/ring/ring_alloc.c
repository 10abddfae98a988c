/*
 * ring_alloc.c — hsr_ring_create / hsr_ring_destroy: a ring with its own
 * memory. Kept apart from ring.c because WP 25 has no model of malloc
 * (\fresh, \allocable are not implemented): ring.c is proved, this file is
 * tested only.
 */
#include "heapspec/ring.h"

#include <errno.h>
#include <stdlib.h>

int hsr_ring_create(uint64_t cap, uint32_t mode, hsr_ring_t **out)
{
    hsr_ring_t probe;
    /* Validate first so a bad capacity never reaches malloc. */
    char one[2];
    if (hsr_ring_init(&probe, one, cap, mode) != 0)
        return -EINVAL;
    hsr_ring_t *r = malloc(sizeof *r);
    if (r == NULL)
        return -ENOMEM;
    char *buf = malloc((size_t)cap);
    if (buf == NULL) {
        free(r);
        return -ENOMEM;
    }
    (void)hsr_ring_init(r, buf, cap, mode); /* cannot fail: validated above */
    r->owned = 1;
    *out = r;
    return 0;
}

void hsr_ring_destroy(hsr_ring_t *r)
{
    if (r == NULL || !r->owned)
        return;
    free(r->buf);
    free(r);
}
