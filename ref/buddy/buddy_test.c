/*
 * buddy_test.c — unit tests of the reference buddy allocator (buddy.h).
 *
 * The shadow model is one owner id per minimum block. Against it, after every
 * operation:
 *   - a successful alloc returns a block aligned to its size, inside the
 *     range, of size = the request rounded up to a power of two >= 2^min_order,
 *     overlapping nothing live;
 *   - an alloc fails with -ENOMEM iff no aligned, wholly free region of that
 *     size exists (full coalescing makes that the exact condition);
 *   - free_bytes and largest_free equal the shadow's figures;
 *   - hsr_buddy_check() passes, and the tree model (hsr_buddy_node_state)
 *     follows its children and agrees with the shadow.
 * Tests: bad input (nothing changes on a rejected call); randomized
 * differential runs over several geometries; exhaustive sequences of small
 * operations on an 8-block range; free-all returns to one max-order block;
 * the checker catches a corrupted structure; create/destroy.
 */
#include "heapspec/buddy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- the shadow ---- */
#define MAX_BLOCKS 1024
#define MAX_LIVE 1024
struct shadow {
    uint32_t nblocks;
    uint64_t unit;
    uint32_t owner[MAX_BLOCKS]; /* 0 = free, else live id */
    uint64_t off[MAX_LIVE + 1], size[MAX_LIVE + 1];
    uint32_t live[MAX_LIVE], nlive, next_id;
};

static int region_free(const struct shadow *s, uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < first + n; i++)
        if (s->owner[i])
            return 0;
    return 1;
}

/* Largest aligned wholly-free power-of-two region, in minimum blocks. */
static uint32_t shadow_largest(const struct shadow *s)
{
    for (uint32_t n = s->nblocks; n >= 1; n /= 2)
        for (uint32_t p = 0; p < s->nblocks; p += n)
            if (region_free(s, p, n))
                return n;
    return 0;
}

static uint64_t shadow_free_bytes(const struct shadow *s)
{
    uint64_t f = 0;
    for (uint32_t i = 0; i < s->nblocks; i++)
        f += s->owner[i] == 0;
    return f * s->unit;
}

/* The tree model follows its children and matches the shadow. */
static void check_tree(const hsr_buddy_t *b, const struct shadow *s)
{
    for (uint32_t level = 0; level <= b->depth; level++) {
        uint32_t n = 1u << level;
        for (uint32_t pos = 0; pos < s->nblocks / n; pos++) {
            int st = hsr_buddy_node_state(b, level, pos);
            CHECK(st >= HSR_BUDDY_NODE_NONE && st <= HSR_BUDDY_NODE_FULL);
            uint32_t p = pos * n;
            if (st == HSR_BUDDY_NODE_UNUSED)
                CHECK(region_free(s, p, n));
            if (st == HSR_BUDDY_NODE_USED) {
                CHECK(s->owner[p] != 0);
                for (uint32_t i = p; i < p + n; i++)
                    CHECK(s->owner[i] == s->owner[p]);
                CHECK(s->size[s->owner[p]] == n * s->unit);
            }
            if (st == HSR_BUDDY_NODE_FULL)
                for (uint32_t i = p; i < p + n; i++)
                    CHECK(s->owner[i] != 0);
            if (level == 0)
                continue;
            int l = hsr_buddy_node_state(b, level - 1, 2 * pos);
            int r = hsr_buddy_node_state(b, level - 1, 2 * pos + 1);
            if (st == HSR_BUDDY_NODE_SPLIT || st == HSR_BUDDY_NODE_FULL) {
                CHECK(l != HSR_BUDDY_NODE_NONE && r != HSR_BUDDY_NODE_NONE);
                int lf = l == HSR_BUDDY_NODE_USED || l == HSR_BUDDY_NODE_FULL;
                int rf = r == HSR_BUDDY_NODE_USED || r == HSR_BUDDY_NODE_FULL;
                CHECK((st == HSR_BUDDY_NODE_FULL) == (lf && rf));
                CHECK(!(l == HSR_BUDDY_NODE_UNUSED && r == HSR_BUDDY_NODE_UNUSED));
            } else {
                CHECK(l == HSR_BUDDY_NODE_NONE && r == HSR_BUDDY_NODE_NONE);
            }
        }
    }
}

static void compare(const hsr_buddy_t *b, const struct shadow *s, int tree)
{
    CHECK(hsr_buddy_check(b) == 1);
    CHECK(hsr_buddy_free_bytes(b) == shadow_free_bytes(s));
    CHECK(hsr_buddy_largest_free(b) == shadow_largest(s) * s->unit);
    if (tree)
        check_tree(b, s);
}

static void shadow_init(struct shadow *s, const hsr_buddy_t *b)
{
    memset(s, 0, sizeof *s);
    s->nblocks = b->nblocks;
    s->unit = b->unit;
    s->next_id = 1;
}

static unsigned long n_alloc_ok, n_alloc_nomem;

/* alloc (by size when by_order == 0) on both; checks the answer. */
static void do_alloc(hsr_buddy_t *b, struct shadow *s, uint64_t req, int by_order)
{
    uint64_t want = s->unit; /* rounded block size */
    if (by_order) {
        want = req <= b->min_order ? s->unit : (UINT64_C(1) << req);
    } else {
        while (want < req)
            want *= 2;
    }
    uint64_t off = 12345;
    int rc = by_order ? hsr_buddy_alloc_order(b, (uint32_t)req, &off) : hsr_buddy_alloc(b, req, &off);
    uint64_t range = (uint64_t)s->nblocks * s->unit;
    if (!by_order && req == 0) {
        CHECK(rc == -EINVAL && off == 12345);
        return;
    }
    if (want > range) {
        CHECK(rc == -ENOMEM && off == 12345);
        return;
    }
    uint32_t n = (uint32_t)(want / s->unit);
    int possible = shadow_largest(s) >= n;
    if (!possible) {
        CHECK(rc == -ENOMEM && off == 12345);
        n_alloc_nomem++;
        return;
    }
    CHECK(rc == 0);
    n_alloc_ok++;
    CHECK(off % want == 0 && off + want <= range);
    CHECK(hsr_buddy_block_size(b, off) == (int64_t)want);
    uint32_t p = (uint32_t)(off / s->unit);
    CHECK(region_free(s, p, n));
    CHECK(s->nlive < MAX_LIVE);
    uint32_t id = s->live[s->nlive++] = s->next_id++;
    if (s->next_id > MAX_LIVE)
        s->next_id = 1; /* ids are reused only after their block is gone */
    for (uint32_t i = p; i < p + n; i++)
        s->owner[i] = id;
    s->off[id] = off;
    s->size[id] = want;
}

static void do_free(hsr_buddy_t *b, struct shadow *s, uint32_t which)
{
    uint32_t id = s->live[which];
    CHECK(hsr_buddy_free(b, s->off[id]) == 0);
    uint32_t p = (uint32_t)(s->off[id] / s->unit);
    for (uint32_t i = p; i < p + s->size[id] / s->unit; i++)
        s->owner[i] = 0;
    s->live[which] = s->live[--s->nlive];
}

/* A rejected free must leave every byte of the allocator as it was. */
static void bad_free_changes_nothing(hsr_buddy_t *b, uint64_t offset)
{
    static hsr_buddy_node_t saved_nodes[MAX_BLOCKS];
    static uint8_t saved_ctrl[MAX_BLOCKS];
    hsr_buddy_t saved = *b;
    memcpy(saved_nodes, b->node, b->nblocks * sizeof *b->node);
    memcpy(saved_ctrl, b->ctrl, b->nblocks);
    CHECK(hsr_buddy_free(b, offset) == -EINVAL);
    CHECK(hsr_buddy_block_size(b, offset) == -EINVAL);
    CHECK(memcmp(&saved, b, sizeof saved) == 0);
    CHECK(memcmp(saved_nodes, b->node, b->nblocks * sizeof *b->node) == 0);
    CHECK(memcmp(saved_ctrl, b->ctrl, b->nblocks) == 0);
}

static void test_bad_input(void)
{
    static hsr_buddy_node_t nodes[MAX_BLOCKS];
    static uint8_t ctrl[MAX_BLOCKS];
    hsr_buddy_t b;
    memset(&b, 0x5a, sizeof b);
    CHECK(hsr_buddy_init(&b, nodes, ctrl, MAX_BLOCKS, 5, 4) == -EINVAL);
    CHECK(hsr_buddy_init(&b, nodes, ctrl, MAX_BLOCKS, 20, 31) == -EINVAL);
    CHECK(hsr_buddy_init(&b, nodes, ctrl, MAX_BLOCKS, 0, 62) == -EINVAL);
    CHECK(hsr_buddy_init(&b, nodes, ctrl, MAX_BLOCKS, 0, 21) == -ENOMEM); /* depth cap */
    CHECK(hsr_buddy_init(&b, nodes, ctrl, 15, 4, 8) == -ENOMEM);          /* 16 nodes needed */
    CHECK(b.nblocks == 0x5a5a5a5a);                                 /* untouched */
    CHECK(hsr_buddy_meta_nodes(4, 8) == 16 && hsr_buddy_meta_nodes(8, 4) == 0);
    CHECK(hsr_buddy_meta_nodes(0, 21) == 0 && hsr_buddy_meta_nodes(10, 30) == 1u << 20);
    CHECK(hsr_buddy_check(NULL) == 0);

    CHECK(hsr_buddy_init(&b, nodes, ctrl, 16, 4, 8) == 0); /* 256 bytes in 16-byte blocks */
    CHECK(hsr_buddy_check(&b) == 1);
    CHECK(hsr_buddy_free_bytes(&b) == 256 && hsr_buddy_largest_free(&b) == 256);
    uint64_t off = 7;
    CHECK(hsr_buddy_alloc(&b, 0, &off) == -EINVAL && off == 7);
    CHECK(hsr_buddy_alloc(&b, 257, &off) == -ENOMEM && off == 7);
    CHECK(hsr_buddy_alloc_order(&b, 9, &off) == -ENOMEM && off == 7);
    CHECK(hsr_buddy_alloc(&b, 40, &off) == 0 && off == 0); /* rounded to 64 */
    CHECK(hsr_buddy_block_size(&b, 0) == 64);
    bad_free_changes_nothing(&b, 16);   /* interior */
    bad_free_changes_nothing(&b, 3);    /* unaligned */
    bad_free_changes_nothing(&b, 64);   /* start of a free block */
    bad_free_changes_nothing(&b, 256);  /* out of range */
    bad_free_changes_nothing(&b, UINT64_MAX);
    CHECK(hsr_buddy_free(&b, 0) == 0);
    bad_free_changes_nothing(&b, 0); /* double free */
    CHECK(hsr_buddy_check(&b) == 1 && hsr_buddy_largest_free(&b) == 256);

    /* the checker notices corruption */
    CHECK(hsr_buddy_alloc_order(&b, 4, &off) == 0 && off == 0);
    hsr_buddy_t copy = b;
    static hsr_buddy_node_t cnodes[16];
    static uint8_t cctrl[16];
    memcpy(cnodes, nodes, sizeof cnodes);
    memcpy(cctrl, ctrl, sizeof cctrl);
    copy.node = cnodes;
    copy.ctrl = cctrl;
    CHECK(hsr_buddy_check(&copy) == 1);
    cctrl[1] = 0; /* the free buddy of block 0 vanishes */
    CHECK(hsr_buddy_check(&copy) == 0);
    memcpy(cctrl, ctrl, sizeof cctrl);
    cctrl[0] = (uint8_t)(HSR_BUDDY_CTRL_HEAD | HSR_BUDDY_CTRL_FREE); /* free, not listed */
    CHECK(hsr_buddy_check(&copy) == 0);
    memcpy(cctrl, ctrl, sizeof cctrl);
    copy.free_head[1] = HSR_BUDDY_NIL; /* a free block missing from its list */
    CHECK(hsr_buddy_check(&copy) == 0);
    copy.free_head[1] = b.free_head[1];
    CHECK(hsr_buddy_check(&copy) == 1);
    copy.free_units++; /* free_bytes would be off by a block (B5) */
    CHECK(hsr_buddy_check(&copy) == 0);
    copy.free_units -= 2;
    CHECK(hsr_buddy_check(&copy) == 0);
    copy.free_units++;
    /* any bit of any interior byte is seen, at every position of the
     * eight-a-step loop and of the rest: a fresh allocator, one free block
     * of 64 units (63 interior bytes: seven steps of eight, then seven) */
    static hsr_buddy_node_t fnodes[64];
    static uint8_t fctrl[64];
    hsr_buddy_t f;
    CHECK(hsr_buddy_init(&f, fnodes, fctrl, 64, 0, 6) == 0 && hsr_buddy_check(&f) == 1);
    for (uint32_t x = 1; x < 64; x++) {
        for (uint8_t v = 1; v != 0; v = (uint8_t)(v << 1)) {
            fctrl[x] = v;
            CHECK(hsr_buddy_check(&f) == 0);
        }
        fctrl[x] = 0;
    }
    CHECK(hsr_buddy_check(&f) == 1);
}

static void test_differential(void)
{
    static hsr_buddy_node_t nodes[MAX_BLOCKS];
    static uint8_t ctrl[MAX_BLOCKS];
    static struct shadow s;
    const uint32_t geo[][2] = {{0, 0}, {0, 1}, {4, 8}, {3, 10}, {12, 20}, {20, 30}, {0, 10}};
    unsigned long steps = 0;
    for (size_t g = 0; g < sizeof geo / sizeof geo[0]; g++) {
        hsr_buddy_t b;
        uint32_t mn = geo[g][0], mx = geo[g][1];
        CHECK(hsr_buddy_init(&b, nodes, ctrl, MAX_BLOCKS, mn, mx) == 0);
        shadow_init(&s, &b);
        int tree = b.nblocks <= 64;
        compare(&b, &s, 1);
        for (int i = 0; i < 6000; i++, steps++) {
            uint64_t r = rnd() % 10;
            if (r < 5 || s.nlive == 0) {
                if (r % 2)
                    do_alloc(&b, &s, rnd() % (mx + 2), 1);
                else
                    do_alloc(&b, &s, rnd() % ((UINT64_C(1) << mx) + (UINT64_C(1) << mx) / 4 + 2) >>
                                         (rnd() % (mx - mn + 1)), 0);
            } else {
                do_free(&b, &s, (uint32_t)(rnd() % s.nlive));
            }
            compare(&b, &s, tree);
        }
        /* free everything: back to the initial single block */
        while (s.nlive)
            do_free(&b, &s, 0);
        compare(&b, &s, 1);
        CHECK(hsr_buddy_largest_free(&b) == b.range && hsr_buddy_free_bytes(&b) == b.range);
        CHECK(hsr_buddy_node_state(&b, b.depth, 0) == HSR_BUDDY_NODE_UNUSED);
        CHECK(b.free_head[b.depth] == 0 && b.node[0].next == HSR_BUDDY_NIL);
    }
    printf("differential: %lu random steps against the shadow (%lu allocs, %lu exact -ENOMEM), "
           "0 mismatches\n", steps, n_alloc_ok, n_alloc_nomem);
    CHECK(n_alloc_ok > 10000 && n_alloc_nomem > 1000);
}

/* Every sequence of 6 operations on an 8-block range, where an operation is
 * alloc of order 0..3 or free of the i-th live block (i < 4). */
static unsigned long exhaustive_count;

static void explore(hsr_buddy_t *b, struct shadow *s, int depth_left)
{
    static hsr_buddy_node_t saved_nodes[7][8];
    static uint8_t saved_ctrl[7][8];
    static struct shadow saved_s[7];
    if (depth_left == 0) {
        exhaustive_count++;
        return;
    }
    for (int op = 0; op < 8; op++) {
        if (op >= 4 && (uint32_t)(op - 4) >= s->nlive)
            continue;
        hsr_buddy_t saved = *b;
        memcpy(saved_nodes[depth_left], b->node, sizeof saved_nodes[0]);
        memcpy(saved_ctrl[depth_left], b->ctrl, sizeof saved_ctrl[0]);
        saved_s[depth_left] = *s;
        if (op < 4)
            do_alloc(b, s, (uint64_t)op, 1);
        else
            do_free(b, s, (uint32_t)(op - 4));
        compare(b, s, 1);
        explore(b, s, depth_left - 1);
        *b = saved;
        memcpy(b->node, saved_nodes[depth_left], sizeof saved_nodes[0]);
        memcpy(b->ctrl, saved_ctrl[depth_left], sizeof saved_ctrl[0]);
        *s = saved_s[depth_left];
    }
}

static void test_exhaustive(void)
{
    static hsr_buddy_node_t nodes[8];
    static uint8_t ctrl[8];
    static struct shadow s;
    hsr_buddy_t b;
    CHECK(hsr_buddy_init(&b, nodes, ctrl, 8, 0, 3) == 0);
    shadow_init(&s, &b);
    explore(&b, &s, 6);
    printf("exhaustive: %lu operation sequences of length 6 on an 8-block range\n",
           exhaustive_count);
    CHECK(exhaustive_count > 20000);
}

static void test_create(void)
{
    hsr_buddy_t *b = NULL;
    CHECK(hsr_buddy_create(4, 3, &b) == -EINVAL && b == NULL);
    CHECK(hsr_buddy_create(0, 25, &b) == -ENOMEM && b == NULL);
    CHECK(hsr_buddy_create(12, 30, &b) == 0 && b != NULL);
    uint64_t off;
    CHECK(hsr_buddy_alloc(b, 1, &off) == 0 && hsr_buddy_block_size(b, off) == 4096);
    CHECK(hsr_buddy_alloc(b, UINT64_C(1) << 29, &off) == 0 && off == UINT64_C(1) << 29);
    CHECK(hsr_buddy_free_bytes(b) == (UINT64_C(1) << 29) - 4096);
    CHECK(hsr_buddy_check(b) == 1);
    hsr_buddy_destroy(b);
    hsr_buddy_destroy(NULL);
}

int main(void)
{
    test_bad_input();
    test_create();
    test_differential();
    test_exhaustive();
    printf("buddy_test: all passed\n");
    return 0;
}
