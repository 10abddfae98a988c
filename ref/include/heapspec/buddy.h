/*
 * buddy.h — heapspec's reference binary buddy allocator (the "buddy" family).
 *
 * Manages the offsets [0, 2^max_order) in blocks of 2^min_order .. 2^max_order
 * bytes. It hands out offsets, not memory: the caller maps them onto whatever
 * it manages. Algorithm (Linux __rmqueue_smallest / __free_one_page, SQLite mem5):
 *   1. alloc(order k): search the free lists upward from k for the first
 *      non-empty one, at j; take its first block; split it down, returning
 *      the upper half at each level j-1, ..., k to that level's free list.
 *   2. free(offset): find the block's level from its control byte; while the
 *      buddy (offset XOR block size, validated: in range, a free block head
 *      of the same level) is free, take it off its list and merge; stop at
 *      max_order; put the result on its free list.
 * Every operation is O(max_order - min_order). External fragmentation is
 * bounded as for any binary buddy (Robson: at most a log2(max/min) factor).
 *
 * Metadata (caller storage, or malloc'd by hsr_buddy_create): one node and
 * one control byte per minimum block, i.e. nblocks = 2^(max_order -
 * min_order) of each; the reference caps that depth at HSR_BUDDY_MAX_DEPTH
 * (20: 1 Mi blocks, 9 MiB) and max_order at HSR_BUDDY_MAX_ORDER (30).
 *
 *    node[i], one per minimum block i (offset i * 2^min_order):
 *    +----------------+----------------+
 *    | next (u32)     | prev (u32)     |   free-list links by index,
 *    +----------------+----------------+   NIL = 0xffffffff
 *    ctrl[i], a separate byte array:
 *           bit 7  HEAD  i starts a block      (0 = inside a block: interior)
 *           bit 6  FREE  that block is free     (on free_head[level])
 *           0..4   level = order - min_order of that block
 *
 *    offsets:  0        1·u       2·u       3·u       4·u ...  (u = 2^min_order)
 *    ctrl:    [H|F|1]  [0]       [H|1]     [0]       ...   <- a free order-(min+1)
 *                                                             block, then a used one
 *
 * The control bytes are apart from the links so that the walker's check of a
 * block's interior (every byte 0) reads them densely: it runs after every
 * operation of a fuzz trace, and over 12-byte nodes it read one byte in
 * twelve. free_units counts the minimum blocks in free blocks (push and
 * unlink keep it; the walker checks it against the lists), so free_bytes
 * answers without walking them.
 * Invariants (BuddyValid in spec/acsl/buddy.acsl is the structural part
 * that WP proves is kept; hsr_buddy_check() walks all of them):
 *   B1 heads partition [0, nblocks): each head at i of level k has
 *      i % 2^k == 0, i + 2^k <= nblocks, and every node inside is interior;
 *   B2 free_head[k] lists exactly the free heads of level k, doubly linked;
 *   B3 coalesced: no free block of level k < depth has a free buddy of level k;
 *   B4 every link is NIL or an index < nblocks;
 *   B5 free_units is the number of minimum blocks inside free blocks.
 * The tree model: the complete binary tree over the range, node (k, p)
 * covering blocks [p·2^k, (p+1)·2^k), has states UNUSED (one free block),
 * USED (one allocated block), SPLIT (smaller blocks inside, some free),
 * FULL (smaller blocks inside, none free), NONE (inside a bigger block).
 * A node's state follows its children: SPLIT/FULL nodes have two children
 * that are not NONE; FULL iff both children are USED or FULL; never two
 * UNUSED children (B3). hsr_buddy_node_state() exposes it for tests.
 *
 * Errors are returned values (-EINVAL, -ENOMEM); an invalid free or double
 * free returns -EINVAL and changes nothing (spec clause 41), it does not go
 * to a usage-error hook, because the buddy family's ABI defines the answer.
 */
#ifndef HEAPSPEC_BUDDY_H
#define HEAPSPEC_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HSR_BUDDY_MAX_ORDER 30u /* largest max_order accepted */
#define HSR_BUDDY_MAX_DEPTH 20u /* largest max_order - min_order accepted */
#define HSR_BUDDY_NIL 0xffffffffu

#define HSR_BUDDY_CTRL_HEAD 0x80u
#define HSR_BUDDY_CTRL_FREE 0x40u
#define HSR_BUDDY_CTRL_LEVEL 0x1fu

/* Tree-model node states (hsr_buddy_node_state). */
#define HSR_BUDDY_NODE_NONE 0
#define HSR_BUDDY_NODE_UNUSED 1
#define HSR_BUDDY_NODE_USED 2
#define HSR_BUDDY_NODE_SPLIT 3
#define HSR_BUDDY_NODE_FULL 4

/* One metadata node per minimum block (layout above). */
struct hsr_buddy_node_s {
    uint32_t next; /* next free block of the same level, or NIL */
    uint32_t prev; /* previous free block of the same level, or NIL */
};
typedef struct hsr_buddy_node_s hsr_buddy_node_t;

/* The allocator. Public only so that callers can embed it (hsr_buddy_init);
 * use it only through the functions below. */
struct hsr_buddy_s {
    hsr_buddy_node_t *node; /* nblocks nodes (caller's, or own when owned) */
    uint8_t *ctrl;          /* nblocks control bytes: HEAD | FREE | level, or 0 */
    uint32_t nblocks;       /* 2^depth minimum blocks */
    uint32_t free_units;    /* minimum blocks inside free blocks */
    uint32_t min_order;     /* log2 of the minimum block size */
    uint32_t max_order;     /* log2 of the managed range */
    uint32_t depth;         /* max_order - min_order: the number of levels - 1 */
    uint64_t unit;          /* 2^min_order: bytes per minimum block */
    uint64_t range;         /* 2^max_order = nblocks * unit */
    uint32_t free_head[HSR_BUDDY_MAX_DEPTH + 1]; /* per level: first free block or NIL */
    uint32_t owned;         /* 1: made by hsr_buddy_create */
};
typedef struct hsr_buddy_s hsr_buddy_t;

#if defined(__FRAMAC__)
#include "acsl/buddy.acsl"
#endif

#if defined(__GNUC__) && !defined(__FRAMAC__)
#define HSR_BUDDY_API __attribute__((visibility("default")))
#else
#define HSR_BUDDY_API
#endif

/* Nodes of metadata that hsr_buddy_init needs for these orders, and control
 * bytes as many: 2^(max_order - min_order), or 0 when the orders are refused. */
/*@
  assigns \nothing;
  ensures \result <= 1048576;
  ensures min_order > max_order || max_order > 30 || max_order - min_order > 20 ==> \result == 0;
*/
HSR_BUDDY_API uint32_t hsr_buddy_meta_nodes(uint32_t min_order, uint32_t max_order);

/* Initialise b over the caller's nnodes metadata nodes and nnodes control
 * bytes: one free block of order max_order. The caller guarantees b,
 * node[0 .. nnodes-1] and ctrl[0 .. nnodes-1] valid and pairwise disjoint.
 * Returns 0; -EINVAL when min_order > max_order or max_order > 30 (b
 * unchanged); -ENOMEM when max_order - min_order > 20 or nnodes is less than
 * hsr_buddy_meta_nodes() (b unchanged). */
/*@
  requires \valid(b);
  requires \valid(node + (0 .. nnodes - 1));
  requires \valid(ctrl + (0 .. nnodes - 1));
  requires \separated(b, node + (0 .. nnodes - 1), ctrl + (0 .. nnodes - 1));
  assigns *b, node[0 .. nnodes - 1], ctrl[0 .. nnodes - 1];
  behavior bad_orders:
    assumes min_order > max_order || max_order > 30;
    ensures \result == -22;
  behavior good_orders:
    assumes min_order <= max_order <= 30;
    ensures \result == 0 || \result == -12;
    ensures \result == 0 ==> BuddyValid(b) && b->node == node && b->ctrl == ctrl &&
                             b->min_order == min_order && b->max_order == max_order;
  complete behaviors;
  disjoint behaviors;
*/
HSR_BUDDY_API int hsr_buddy_init(hsr_buddy_t *b, hsr_buddy_node_t *node, uint8_t *ctrl,
                                 uint32_t nnodes, uint32_t min_order, uint32_t max_order);

/* Create with own metadata (malloc). 0 and *out, or -EINVAL / -ENOMEM as
 * hsr_buddy_init (nothing allocated). The caller guarantees out is valid.
 * The contract is stated, not proved (WP 25 has no malloc model; it lives in
 * buddy_alloc.c, outside the proof); buddy_test checks it. */
/*@
  requires valid_out: \valid(out);
  assigns *out;
  ensures \result == 0 || \result == -22 || \result == -12;
  ensures max_order > 30 || min_order > max_order ==> \result == -22;
  ensures \result == 0 ==> \valid(*out) && BuddyValid(*out);
  ensures \result != 0 ==> *out == \old(*out);
*/
HSR_BUDDY_API int hsr_buddy_create(uint32_t min_order, uint32_t max_order, hsr_buddy_t **out);

/* Release an allocator made by hsr_buddy_create; NULL does nothing. Stated,
 * not proved (as create). */
/*@
  requires b == \null || \valid(b);
  assigns \nothing;
*/
HSR_BUDDY_API void hsr_buddy_destroy(hsr_buddy_t *b);

/* Allocate a block of 2^order bytes (order < min_order counts as min_order).
 * The caller guarantees BuddyValid(b) and a valid offset, disjoint from b's
 * storage. Returns 0 with *offset the block's offset (a multiple of its size,
 * inside the range), or -ENOMEM (order > max_order, or no free block large
 * enough; nothing changes). */
/*@
  requires BuddyValid(b);
  requires \valid(offset);
  requires \separated(offset, b, b->node + (0 .. b->nblocks - 1),
                      b->ctrl + (0 .. b->nblocks - 1));
  assigns *offset, b->free_head[0 .. 20], b->free_units, b->node[0 .. b->nblocks - 1],
          b->ctrl[0 .. b->nblocks - 1];
  ensures BuddyValid(b);
  ensures \result == 0 || \result == -12;
  ensures \result == 0 ==> *offset < b->range;
  behavior too_big:
    assumes order > b->max_order;
    assigns \nothing;
    ensures \result == -12;
  behavior fits:
    assumes order <= b->max_order;
  complete behaviors;
  disjoint behaviors;
*/
HSR_BUDDY_API int hsr_buddy_alloc_order(hsr_buddy_t *b, uint32_t order, uint64_t *offset);

/* Allocate a block of at least size bytes: size rounded up to a power of
 * two >= 2^min_order. Same guarantees as hsr_buddy_alloc_order. Returns 0
 * and *offset; -EINVAL for size 0; -ENOMEM when size exceeds the range or no
 * block fits (nothing changes on failure). */
/*@
  requires BuddyValid(b);
  requires \valid(offset);
  requires \separated(offset, b, b->node + (0 .. b->nblocks - 1),
                      b->ctrl + (0 .. b->nblocks - 1));
  assigns *offset, b->free_head[0 .. 20], b->free_units, b->node[0 .. b->nblocks - 1],
          b->ctrl[0 .. b->nblocks - 1];
  ensures BuddyValid(b);
  ensures \result == 0 ==> *offset < b->range;
  behavior zero:
    assumes size == 0;
    assigns \nothing;
    ensures \result == -22;
  behavior too_big:
    assumes size > b->range;
    assigns \nothing;
    ensures \result == -12;
  behavior some:
    assumes 0 < size <= b->range;
    ensures \result == 0 || \result == -12;
  complete behaviors;
  disjoint behaviors;
*/
HSR_BUDDY_API int hsr_buddy_alloc(hsr_buddy_t *b, uint64_t size, uint64_t *offset);

/* Free the block that starts at offset, merging it with free buddies. The
 * caller guarantees BuddyValid(b). Returns 0, or -EINVAL when offset is not
 * the start of an allocated block (out of range, unaligned, interior, or
 * already free): then nothing changes. */
/*@
  requires BuddyValid(b);
  assigns b->free_head[0 .. 20], b->free_units, b->node[0 .. b->nblocks - 1],
          b->ctrl[0 .. b->nblocks - 1];
  ensures BuddyValid(b);
  ensures \result == 0 || \result == -22;
  behavior outside:
    assumes offset >= b->range;
    assigns \nothing;
    ensures \result == -22;
  behavior inside:
    assumes offset < b->range;
  complete behaviors;
  disjoint behaviors;
*/
HSR_BUDDY_API int hsr_buddy_free(hsr_buddy_t *b, uint64_t offset);

/* Size in bytes of the allocated block starting at offset, or -EINVAL when
 * offset does not start an allocated block. The caller guarantees BuddyValid(b). */
/*@
  requires BuddyValid(b);
  assigns \nothing;
  ensures \result == -22 || 1 <= \result <= b->range;
*/
HSR_BUDDY_API int64_t hsr_buddy_block_size(const hsr_buddy_t *b, uint64_t offset);

/* Bytes in free blocks (free_units; the walker checks it against the free
 * lists). BuddyValid(b) guaranteed. */
/*@
  requires BuddyValid(b);
  assigns \nothing;
  ensures \result <= b->range;
*/
HSR_BUDDY_API uint64_t hsr_buddy_free_bytes(const hsr_buddy_t *b);

/* Size in bytes of the largest free block, 0 when none. */
/*@
  requires BuddyValid(b);
  assigns \nothing;
  ensures \result <= b->range;
*/
HSR_BUDDY_API uint64_t hsr_buddy_largest_free(const hsr_buddy_t *b);

/* Tree-model state of node (level, pos): level 0 .. depth, pos < 2^(depth -
 * level); HSR_BUDDY_NODE_* (see above); -EINVAL for a node outside the tree. */
/*@
  requires BuddyValid(b);
  assigns \nothing;
  ensures -22 <= \result <= 4;
*/
HSR_BUDDY_API int hsr_buddy_node_state(const hsr_buddy_t *b, uint32_t level, uint32_t pos);

/* The invariant walker: BuddyValid's geometry and links plus B1-B3 above.
 * Returns 1 when consistent, 0 otherwise; never aborts. The caller
 * guarantees that b is NULL or BuddyValid's memory part holds (b and its
 * nblocks nodes readable); the walker checks everything else. */
/*@
  requires b == \null || BuddyValid(b);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
*/
HSR_BUDDY_API int hsr_buddy_check(const hsr_buddy_t *b);

/* The "ref-buddy" conformance subject (ref/buddy/buddy_subject.c): a table of the
 * heapspec ABI (spec/include/heapspec/heapspec.h) offering the buddy family. */
struct hs_subject;
HSR_BUDDY_API const struct hs_subject *hsr_buddy_subject(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_BUDDY_H */
