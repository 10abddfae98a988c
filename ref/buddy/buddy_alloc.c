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
    /* One block: the state, then the nodes, then the control bytes (one
     * malloc and one free per allocator, where three of each were a tenth
     * of a buddy fuzz run's time in the C library). */
    size_t node_at = (sizeof(hsr_buddy_t) + _Alignof(hsr_buddy_node_t) - 1) /
                     _Alignof(hsr_buddy_node_t) * _Alignof(hsr_buddy_node_t);
    size_t ctrl_at = node_at + (size_t)nnodes * sizeof(hsr_buddy_node_t);
    char *mem = malloc(ctrl_at + nnodes);
    if (mem == NULL)
        return -ENOMEM;
    hsr_buddy_t *b = (hsr_buddy_t *)(void *)mem;
    hsr_buddy_node_t *node = (hsr_buddy_node_t *)(void *)(mem + node_at);
    uint8_t *ctrl = (uint8_t *)(mem + ctrl_at);
    int rc = hsr_buddy_init(b, node, ctrl, nnodes, min_order, max_order);
    if (rc != 0) { /* NEVER: the orders were checked above */
        free(mem);
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
    free(b); /* the nodes and control bytes are in the same block */
}
