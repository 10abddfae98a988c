/*
 * buddy.c — the reference binary buddy allocator (manual and layout: buddy.h).
 *
 * Written for Frama-C WP as much as for the compiler (TOOLCHAIN.md):
 *   - free lists are index-linked through the metadata array, not pointers,
 *     so "every link is NIL or < nblocks" (BuddyValid) is all the proof of
 *     memory safety needs;
 *   - powers of two come from a constant table whose values WP reads from
 *     its initializer (hsri_bytes_of), not "1 << k", and control
 *     bytes are built and read with + and %, not | and &: WP did not
 *     follow the bit forms. With levels <= 20 and the flag values 128
 *     and 192 (multiples of 32) the two forms agree. Where
 *     a test's value is not part of what is proved (the walker's alignment
 *     test, the side a buddy lies on, an index range-checked right after),
 *     & and >> stand for % and / by a power of two: the compiler cannot
 *     see that a table's entry is one, and made them divisions, a fifth of
 *     the walker's time;
 *   - every index derived from metadata (a list head, a buddy) is range
 *     checked where it is computed, so the branches marked NEVER are the
 *     proof's view of states the invariant excludes; they keep the
 *     structure consistent rather than trusting it.
 */
#include "heapspec/buddy.h"
#include "ref/glue/attrs.h"

#include <errno.h>
#include <stdlib.h>

#ifndef HSR_DEBUG
#define HSR_DEBUG 0
#endif

#if HSR_DEBUG >= 3 && !defined(__FRAMAC__)
#include "ref/glue/glue.h"
/* Debug builds: walk the whole structure after every mutation (STYLE 19);
 * an inconsistency is a bug of this file, so it fails fast. */
static void hsri_buddy_debug_check(const hsr_buddy_t *x)
{
    if (!hsr_buddy_check(x)) {
        hsri_glue_write_stderr("heapspec buddy: invariant walker failed after a mutation\n");
        hsri_glue_abort();
    }
}
#define HSRI_DEBUG_CHECK(x) hsri_buddy_debug_check(x)
#else
#define HSRI_DEBUG_CHECK(x) ((void)0)
#endif

#define HSRI_CTRL_USED_BASE 128u /* HSR_BUDDY_CTRL_HEAD */
#define HSRI_CTRL_FREE_BASE 192u /* HSR_BUDDY_CTRL_HEAD | HSR_BUDDY_CTRL_FREE */

/*@
  requires k <= 20;
  assigns \nothing;
  ensures 128 <= \result <= 148;
*/
static HSRI_WALKER_INLINE uint8_t hsri_ctrl_used(uint32_t k)
{
    return (uint8_t)(HSRI_CTRL_USED_BASE + k);
}

/*@
  requires k <= 20;
  assigns \nothing;
  ensures 192 <= \result <= 212;
*/
static HSRI_WALKER_INLINE uint8_t hsri_ctrl_free(uint32_t k)
{
    return (uint8_t)(HSRI_CTRL_FREE_BASE + k);
}

/* Powers of two from a table, not "1 << k" (WP did not follow the shift) nor
 * a doubling loop: inlined into instrumented code, a loop bumped a coverage
 * counter per doubling, a store chain of some five cycles a step, in every
 * push, unlink, free and query. With hsri_buddy_clear below, taking them out
 * made a replay of a buddy fuzz corpus 8% faster. WP reads the values from
 * the initializer (-wp-init-const, its default). */
static const uint64_t hsri_bytes_of[HSR_BUDDY_MAX_ORDER + 1] = {
    1u,         2u,         4u,         8u,         16u,         32u,        64u,
    128u,       256u,       512u,       1024u,      2048u,       4096u,      8192u,
    16384u,     32768u,     65536u,     131072u,    262144u,     524288u,    1048576u,
    2097152u,   4194304u,   8388608u,   16777216u,  33554432u,   67108864u,  134217728u,
    268435456u, 536870912u, 1073741824u,
};

/* 2^k for k <= 20, in minimum blocks: the bytes table's entry, which fits. */
/*@
  requires k <= 20;
  assigns \nothing;
  ensures 1 <= \result <= 1048576;
*/
static HSRI_WALKER_INLINE uint32_t hsri_buddy_units(uint32_t k)
{
    return (uint32_t)hsri_bytes_of[k];
}

/* 2^k for k <= 30, in bytes. */
/*@
  requires k <= 30;
  assigns \nothing;
  ensures 1 <= \result <= 1073741824;
*/
static HSRI_WALKER_INLINE uint64_t hsri_buddy_bytes(uint32_t k)
{
    return hsri_bytes_of[k];
}

/* Put block i on the free list of level k, mark it a free head and count
 * its 2^k minimum blocks free. */
/*@
  requires BuddyValid(b);
  requires k <= 20 && i < b->nblocks;
  assigns b->free_head[k], b->free_units, b->node[0 .. b->nblocks - 1],
          b->ctrl[0 .. b->nblocks - 1];
  ensures BuddyValid(b);
  ensures b->free_head[k] == i;
*/
static void hsri_buddy_push(hsr_buddy_t *b, uint32_t k, uint32_t i)
{
    uint32_t first = b->free_head[k];
    uint32_t h = hsri_buddy_units(k);
    b->node[i].next = first;
    b->node[i].prev = HSR_BUDDY_NIL;
    b->ctrl[i] = hsri_ctrl_free(k);
    if (first != HSR_BUDDY_NIL)
        b->node[first].prev = i;
    b->free_head[k] = i;
    if (h <= b->nblocks - b->free_units)
        b->free_units += h;
    else
        b->free_units = b->nblocks; /* NEVER: free blocks are disjoint */
}

/* Take block i off the free list of level k (the caller has checked it is
 * a free head of level k). */
/*@
  requires BuddyValid(b);
  requires k <= 20 && i < b->nblocks;
  assigns b->free_head[k], b->free_units, b->node[0 .. b->nblocks - 1];
  ensures BuddyValid(b);
*/
static void hsri_buddy_unlink(hsr_buddy_t *b, uint32_t k, uint32_t i)
{
    uint32_t h = hsri_buddy_units(k);
    uint32_t p = b->node[i].prev;
    uint32_t n = b->node[i].next;
    if (h <= b->free_units)
        b->free_units -= h;
    else
        b->free_units = 0; /* NEVER: the block was counted when pushed */
    if (p != HSR_BUDDY_NIL)
        b->node[p].next = n;
    else
        b->free_head[k] = n;
    if (n != HSR_BUDDY_NIL)
        b->node[n].prev = p;
    b->node[i].next = HSR_BUDDY_NIL;
    b->node[i].prev = HSR_BUDDY_NIL;
}

/* The free buddy of block i (h = 2^k minimum blocks, level k < depth), or
 * NIL. Computes the buddy (i XOR h, as i + h or i - h by the parity of i/h)
 * and validates it in the same place: inside the range, and the head of a
 * free block of the same level. */
/*@
  requires BuddyValid(b);
  requires k <= 20 && 1 <= h && i < b->nblocks && i + h <= b->nblocks;
  assigns \nothing;
  ensures \result == 4294967295 ||
          (\result < b->nblocks && \result + h <= b->nblocks &&
           (\result == i + h || \result + h == i));
*/
static HSRI_WALKER_INLINE uint32_t hsri_buddy_free_buddy(const hsr_buddy_t *b, uint32_t i, uint32_t k, uint32_t h)
{
    uint32_t bud;
    if ((i & h) == 0u) { /* i / h even: h is a power of two */
        if (b->nblocks - i < 2u * (uint64_t)h)
            return HSR_BUDDY_NIL; /* the buddy would lie past the range */
        bud = i + h;
    } else {
        if (i < h)
            return HSR_BUDDY_NIL;
        bud = i - h;
    }
    if (b->ctrl[bud] != hsri_ctrl_free(k))
        return HSR_BUDDY_NIL; /* allocated, split, or of another order */
    return bud;
}

uint32_t hsr_buddy_meta_nodes(uint32_t min_order, uint32_t max_order)
{
    if (min_order > max_order || max_order > HSR_BUDDY_MAX_ORDER)
        return 0;
    if (max_order - min_order > HSR_BUDDY_MAX_DEPTH)
        return 0;
    return hsri_buddy_units(max_order - min_order);
}

/* Every link NIL and every control byte 0: the metadata init starts from.
 * Not coverage-traced: its one loop has no branch of the allocator's, and
 * in a fuzzing build the counter it bumped per node was a store chain of
 * some five cycles a step (the 2^12 nodes of a fuzz allocator, at each
 * create). */
/*@
  requires \valid(node + (0 .. n - 1)) && \valid(ctrl + (0 .. n - 1));
  requires \separated(node + (0 .. n - 1), ctrl + (0 .. n - 1));
  assigns node[0 .. n - 1], ctrl[0 .. n - 1];
  ensures \forall integer j; 0 <= j < n ==>
      node[j].next == 4294967295 && node[j].prev == 4294967295;
*/
HSRI_NO_COVERAGE static void hsri_buddy_clear(hsr_buddy_node_t *node, uint8_t *ctrl, uint32_t n)
{
    /*@
      loop invariant 0 <= i <= n;
      loop invariant \forall integer j; 0 <= j < i ==>
          node[j].next == 4294967295 && node[j].prev == 4294967295;
      loop assigns i, node[0 .. n - 1], ctrl[0 .. n - 1];
      loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++) {
        node[i].next = HSR_BUDDY_NIL;
        node[i].prev = HSR_BUDDY_NIL;
        ctrl[i] = 0;
    }
}

int hsr_buddy_init(hsr_buddy_t *b, hsr_buddy_node_t *node, uint8_t *ctrl, uint32_t nnodes,
                   uint32_t min_order, uint32_t max_order)
{
    if (min_order > max_order || max_order > HSR_BUDDY_MAX_ORDER)
        return -EINVAL;
    uint32_t depth = max_order - min_order;
    if (depth > HSR_BUDDY_MAX_DEPTH)
        return -ENOMEM; /* the reference bounds its metadata */
    uint32_t nblocks = hsri_buddy_units(depth);
    if (nnodes < nblocks)
        return -ENOMEM;
    hsri_buddy_clear(node, ctrl, nblocks);
    b->node = node;
    b->ctrl = ctrl;
    b->nblocks = nblocks;
    b->free_units = 0;
    b->min_order = min_order;
    b->max_order = max_order;
    b->depth = depth;
    b->unit = hsri_buddy_bytes(min_order);
    b->range = (uint64_t)nblocks * b->unit;
    b->owned = 0;
    /*@
      loop invariant 0 <= k <= 21;
      loop invariant \forall integer j; 0 <= j < k ==> b->free_head[j] == 4294967295;
      loop assigns k, b->free_head[0 .. 20];
      loop variant 21 - k;
    */
    for (uint32_t k = 0; k <= HSR_BUDDY_MAX_DEPTH; k++)
        b->free_head[k] = HSR_BUDDY_NIL;
    /* BuddyValid in steps: as one goal, the provers timed out on it */
    //@ assert \valid(b->node + (0 .. b->nblocks - 1)) && \valid(b->ctrl + (0 .. b->nblocks - 1));
    //@ assert \separated(b, b->node + (0 .. b->nblocks - 1), b->ctrl + (0 .. b->nblocks - 1));
    /*@ assert \forall integer j; 0 <= j < b->nblocks ==>
          BuddyLink(b, b->node[j].next) && BuddyLink(b, b->node[j].prev); */
    hsri_buddy_push(b, depth, 0);
    HSRI_DEBUG_CHECK(b);
    return 0;
}

int hsr_buddy_alloc_order(hsr_buddy_t *b, uint32_t order, uint64_t *offset)
{
    if (order > b->max_order)
        return -ENOMEM;
    uint32_t k = order <= b->min_order ? 0u : order - b->min_order;
    uint32_t depth = b->depth;

    /* 1. The smallest non-empty free list at or above level k. */
    uint32_t j = k;
    /*@
      loop invariant k <= j <= depth + 1;
      loop assigns j;
      loop variant depth + 1 - j;
    */
    while (j <= depth && b->free_head[j] == HSR_BUDDY_NIL)
        j++;
    if (j > depth)
        return -ENOMEM;

    uint32_t i = b->free_head[j];
    uint32_t h = hsri_buddy_units(j);
    if (b->ctrl[i] != hsri_ctrl_free(j) || h > b->nblocks - i)
        return -ENOMEM; /* NEVER: a list holds only free heads that fit */
    hsri_buddy_unlink(b, j, i);

    /* 2. Split down to level k: the upper half of each split stays free. */
    /*@
      loop invariant BuddyValid(b);
      loop invariant b->node == \at(b->node, Pre) && b->ctrl == \at(b->ctrl, Pre) &&
                     b->nblocks == \at(b->nblocks, Pre);
      loop invariant k <= j <= depth;
      loop invariant 1 <= h && i < b->nblocks && i + h <= b->nblocks;
      loop assigns j, h, b->free_head[0 .. 20], b->free_units,
          \at(b->node, Pre)[0 .. \at(b->nblocks, Pre) - 1],
          \at(b->ctrl, Pre)[0 .. \at(b->nblocks, Pre) - 1];
      loop variant j;
    */
    while (j > k) {
        if (h < 2u) /* NEVER: h == 2^j >= 2 here; stop with a bigger block */
            break;
        h /= 2u;
        j--;
        hsri_buddy_push(b, j, i + h);
    }
    b->ctrl[i] = hsri_ctrl_used(j);
    //@ assert i * b->unit < b->nblocks * b->unit;
    *offset = (uint64_t)i * b->unit;
    HSRI_DEBUG_CHECK(b);
    return 0;
}

int hsr_buddy_alloc(hsr_buddy_t *b, uint64_t size, uint64_t *offset)
{
    if (size == 0u)
        return -EINVAL;
    if (size > b->range)
        return -ENOMEM;
    /* The smallest order whose block holds size bytes. */
    uint32_t order = b->min_order;
    uint64_t bytes = b->unit;
    /*@
      loop invariant b->min_order <= order <= b->max_order;
      loop invariant 1 <= bytes <= 2251799813685248;
      loop assigns order, bytes;
      loop variant b->max_order - order;
    */
    while (bytes < size && order < b->max_order) {
        bytes *= 2u;
        order++;
    }
    return hsr_buddy_alloc_order(b, order, offset);
}

/* The index of the allocated block head at offset, or NIL when offset does
 * not start an allocated block. */
/*@
  requires BuddyValid(b);
  assigns \nothing;
  ensures \result == 4294967295 || \result < b->nblocks;
  ensures offset >= b->range ==> \result == 4294967295;
*/
static uint32_t hsri_buddy_used_head(const hsr_buddy_t *b, uint64_t offset)
{
    if (offset >= b->range || (offset & (b->unit - 1u)) != 0u)
        return HSR_BUDDY_NIL;
    uint64_t i = offset >> b->min_order; /* offset / unit */
    if (i >= b->nblocks)
        return HSR_BUDDY_NIL; /* NEVER: offset < range */
    uint8_t c = b->ctrl[i];
    if (c < HSRI_CTRL_USED_BASE || c >= HSRI_CTRL_FREE_BASE)
        return HSR_BUDDY_NIL; /* interior, or a free block: double free */
    return (uint32_t)i;
}

int hsr_buddy_free(hsr_buddy_t *b, uint64_t offset)
{
    uint32_t i = hsri_buddy_used_head(b, offset);
    if (i == HSR_BUDDY_NIL)
        return -EINVAL;
    uint32_t k = (uint32_t)(b->ctrl[i] % 32u);
    if (k > b->depth)
        return -EINVAL; /* NEVER: levels stop at depth */
    uint32_t h = hsri_buddy_units(k);
    if (h > b->nblocks - i)
        return -EINVAL; /* NEVER: a block fits in the range */

    /* Merge while the buddy is a free block of the same level; the merged
     * block starts at the lower of the two. Stops at max_order (level depth). */
    /*@
      loop invariant BuddyValid(b);
      loop invariant b->node == \at(b->node, Pre) && b->ctrl == \at(b->ctrl, Pre) &&
                     b->nblocks == \at(b->nblocks, Pre);
      loop invariant k <= b->depth;
      loop invariant 1 <= h && i < b->nblocks && i + h <= b->nblocks;
      loop assigns i, k, h, b->free_head[0 .. 20], b->free_units,
          \at(b->node, Pre)[0 .. \at(b->nblocks, Pre) - 1],
          \at(b->ctrl, Pre)[0 .. \at(b->nblocks, Pre) - 1];
      loop variant b->depth - k;
    */
    while (k < b->depth) {
        uint32_t bud = hsri_buddy_free_buddy(b, i, k, h);
        if (bud == HSR_BUDDY_NIL)
            break;
        hsri_buddy_unlink(b, k, bud);
        if (bud < i) {
            b->ctrl[i] = 0; /* the upper half becomes interior */
            i = bud;
        } else {
            b->ctrl[bud] = 0;
        }
        k++;
        h *= 2u;
    }
    hsri_buddy_push(b, k, i);
    HSRI_DEBUG_CHECK(b);
    return 0;
}

int64_t hsr_buddy_block_size(const hsr_buddy_t *b, uint64_t offset)
{
    uint32_t i = hsri_buddy_used_head(b, offset);
    if (i == HSR_BUDDY_NIL)
        return -EINVAL;
    uint32_t k = (uint32_t)(b->ctrl[i] % 32u);
    if (k > b->depth)
        return -EINVAL; /* NEVER */
    uint32_t h = hsri_buddy_units(k);
    if (h > b->nblocks - i)
        return -EINVAL; /* NEVER */
    //@ assert h * b->unit <= b->nblocks * b->unit;
    return (int64_t)((uint64_t)h * b->unit);
}

/* The count push and unlink keep (the walker checks it against the lists;
 * walking them here, after every operation of a fuzz trace, was a tenth of
 * the run). */
uint64_t hsr_buddy_free_bytes(const hsr_buddy_t *b)
{
    //@ assert b->free_units * b->unit <= b->nblocks * b->unit;
    return (uint64_t)b->free_units * b->unit;
}

uint64_t hsr_buddy_largest_free(const hsr_buddy_t *b)
{
    uint32_t k = b->depth + 1u;
    /*@
      loop invariant 0 <= k <= b->depth + 1;
      loop assigns k;
      loop variant k;
    */
    while (k > 0u) {
        k--;
        uint32_t i = b->free_head[k];
        if (i != HSR_BUDDY_NIL) {
            uint32_t h = hsri_buddy_units(k);
            if (h > b->nblocks - i)
                return 0; /* NEVER */
            //@ assert h * b->unit <= b->nblocks * b->unit;
            return (uint64_t)h * b->unit;
        }
    }
    return 0;
}

int hsr_buddy_node_state(const hsr_buddy_t *b, uint32_t level, uint32_t pos)
{
    if (level > b->depth)
        return -EINVAL;
    uint32_t h = hsri_buddy_units(level);
    uint64_t p = (uint64_t)pos * h;
    if (p >= b->nblocks || h > b->nblocks - p)
        return -EINVAL;
    uint8_t c = b->ctrl[p];
    if (c < HSRI_CTRL_USED_BASE)
        return HSR_BUDDY_NODE_NONE; /* interior: inside a bigger block */
    uint32_t lv = (uint32_t)(c % 32u);
    if (lv > level)
        return HSR_BUDDY_NODE_NONE; /* starts a bigger block */
    if (lv == level)
        return c >= HSRI_CTRL_FREE_BASE ? HSR_BUDDY_NODE_UNUSED : HSR_BUDDY_NODE_USED;
    /* Smaller blocks inside: SPLIT if any of them is free, else FULL. */
    uint64_t end = p + h;
    uint64_t q = p;
    int any_free = 0;
    /*@
      loop invariant p <= q <= end;
      loop invariant any_free == 0 || any_free == 1;
      loop assigns q, any_free;
      loop variant end - q;
    */
    while (q < end) {
        uint8_t cq = b->ctrl[q];
        uint32_t lq = (uint32_t)(cq % 32u);
        if (cq < HSRI_CTRL_USED_BASE || lq > b->depth)
            return -EINVAL; /* not a block head: inconsistent */
        if (cq >= HSRI_CTRL_FREE_BASE)
            any_free = 1;
        uint32_t hq = hsri_buddy_units(lq);
        if (hq > end - q)
            return -EINVAL; /* block runs past the node: inconsistent */
        q += hq;
    }
    return any_free ? HSR_BUDDY_NODE_SPLIT : HSR_BUDDY_NODE_FULL;
}

HSRI_WALKER int hsr_buddy_check(const hsr_buddy_t *b)
{
    uint32_t cnt[HSR_BUDDY_MAX_DEPTH + 1];

    if (b == NULL)
        return 0;
    /* Geometry (BuddyValid's arithmetic part). */
    if (b->depth > HSR_BUDDY_MAX_DEPTH || b->max_order > HSR_BUDDY_MAX_ORDER ||
        b->min_order > b->max_order || b->max_order - b->min_order != b->depth)
        return 0;
    if (b->nblocks != hsri_buddy_units(b->depth) || b->unit != hsri_buddy_bytes(b->min_order) ||
        b->range != (uint64_t)b->nblocks * b->unit)
        return 0;

    /*@
      loop invariant 0 <= k <= 21;
      loop invariant \forall integer j; 0 <= j < k ==> cnt[j] == 0;
      loop assigns k, cnt[0 .. 20];
      loop variant 21 - k;
    */
    for (uint32_t k = 0; k <= HSR_BUDDY_MAX_DEPTH; k++)
        cnt[k] = 0;

    /* B1 (partition into aligned blocks with interior nodes inside) and
     * B3 (no free block has a free buddy of its own level); the free
     * minimum blocks counted for free_units. */
    uint32_t i = 0;
    uint32_t free_units = 0;
    /*@
      loop invariant 0 <= i <= b->nblocks;
      loop invariant \forall integer j; 0 <= j <= 20 ==> cnt[j] <= i;
      loop invariant free_units <= i;
      loop assigns i, free_units, cnt[0 .. 20];
      loop variant b->nblocks - i;
    */
    while (i < b->nblocks) {
        uint8_t c = b->ctrl[i];
        uint32_t k = (uint32_t)(c % 32u);
        if (c < HSRI_CTRL_USED_BASE || k > b->depth)
            return 0;
        if (c != hsri_ctrl_used(k) && c != hsri_ctrl_free(k))
            return 0;
        uint32_t h = hsri_buddy_units(k);
        if ((i & (h - 1u)) != 0u || h > b->nblocks - i) /* i % h: h is a power of two */
            return 0;
        /* Interior nodes: eight ctrl bytes a step (this loop was 83% of
         * the walker, which runs after every operation of a fuzz trace),
         * then the rest one by one. At 64-bit positions the compiler knows
         * the eight bytes are adjacent and compares them as one word. */
        uint64_t j = (uint64_t)i + 1u;
        uint64_t end = (uint64_t)i + h;
        /*@
          loop invariant i + 1 <= j <= end;
          loop assigns j;
          loop variant end - j;
        */
        while (end - j >= 8u) {
            if (((uint32_t)b->ctrl[j] | (uint32_t)b->ctrl[j + 1u] | (uint32_t)b->ctrl[j + 2u] |
                 (uint32_t)b->ctrl[j + 3u] | (uint32_t)b->ctrl[j + 4u] |
                 (uint32_t)b->ctrl[j + 5u] | (uint32_t)b->ctrl[j + 6u] |
                 (uint32_t)b->ctrl[j + 7u]) != 0u)
                return 0;
            j += 8u;
        }
        /*@
          loop invariant i + 1 <= j <= end;
          loop assigns j;
          loop variant end - j;
        */
        for (; j < end; j++)
            if (b->ctrl[j] != 0u)
                return 0;
        if (c == hsri_ctrl_free(k)) {
            cnt[k]++;
            free_units += h;
            if (k < b->depth && hsri_buddy_free_buddy(b, i, k, h) != HSR_BUDDY_NIL)
                return 0; /* B3: two free buddies left unmerged */
        }
        i += h;
    }
    if (free_units != b->free_units)
        return 0; /* B5: free_bytes would not tell the free blocks' bytes */

    /* B2: each free list holds exactly the free heads of its level,
     * with consistent back links; lists above depth are empty. */
    /*@
      loop invariant 0 <= k <= 21;
      loop assigns k;
      loop variant 21 - k;
    */
    for (uint32_t k = 0; k <= HSR_BUDDY_MAX_DEPTH; k++) {
        uint32_t x = b->free_head[k];
        if (k > b->depth) {
            if (x != HSR_BUDDY_NIL)
                return 0;
            continue;
        }
        uint32_t prev = HSR_BUDDY_NIL;
        uint32_t n = 0;
        /*@
          loop invariant 0 <= n <= cnt[k];
          loop invariant BuddyLink(b, x);
          loop assigns n, x, prev;
          loop variant cnt[k] - n;
        */
        while (x != HSR_BUDDY_NIL) {
            if (n >= cnt[k])
                return 0; /* longer than the number of free heads: a cycle */
            if (b->ctrl[x] != hsri_ctrl_free(k) || b->node[x].prev != prev)
                return 0;
            prev = x;
            x = b->node[x].next;
            n++;
        }
        if (n != cnt[k])
            return 0;
    }
    return 1;
}
