/*
 * buddy_alloc.c — hsr_buddy_create / hsr_buddy_destroy: an allocator with its
 * own metadata. Kept apart from buddy.c because WP 25 has no model of malloc
 * (\fresh, \allocable are not implemented): buddy.c is proved, this file is
 * tested only.
 */
#include "heapspec/buddy.h"

#include <errno.h>
#include <stdlib.h>

int hsr_buddy_create(uint32_t min_order, uint32_t max_order, hsr_buddy_t **out)
{
    if (min_order > max_order || max_order > HSR_BUDDY_MAX_ORDER)
        return -EINVAL;
    uint32_t nnodes = hsr_buddy_meta_nodes(min_order, max_order);
    if (nnodes == 0)
        return -ENOMEM; /* deeper than the reference's metadata bound */
    hsr_buddy_t *b = malloc(sizeof *b);
    if (b == NULL)
        return -ENOMEM;
    hsr_buddy_node_t *node = malloc((size_t)nnodes * sizeof *node);
    uint8_t *ctrl = malloc(nnodes);
    if (node == NULL || ctrl == NULL) {
        free(ctrl);
        free(node);
        free(b);
        return -ENOMEM;
    }
    int rc = hsr_buddy_init(b, node, ctrl, nnodes, min_order, max_order);
    if (rc != 0) { /* NEVER: the orders were checked above */
        free(ctrl);
        free(node);
        free(b);
        return rc;
    }
    b->owned = 1;
    *out = b;
    return 0;
}

void hsr_buddy_destroy(hsr_buddy_t *b)
{
    if (b == NULL || !b->owned)
        return;
    free(b->ctrl);
    free(b->node);
    free(b);
}
