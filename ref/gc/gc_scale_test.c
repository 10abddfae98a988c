/*
 * gc_scale_test.c — the marker at scale, on the release build (the O(heap)
 * walker runs after each collection here, not after every call):
 *   - a linked list of 10^6 nodes: all marked, none freed; then all freed;
 *   - a deep chain whose nodes each fan out to a leaf with a child, marked
 *     with a 1-entry stack: the overflow recovery (bitmap rescan) must run
 *     and must still find every object;
 *   - a complete binary tree of depth 16 with a 4-entry stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapspec/gc.h"
#include "heapspec/space.h"

#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);  \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

static hsr_gc_t *make(uint64_t max, uint32_t stack) {
    hsr_gc_config_t c;
    memset(&c, 0, sizeof c);
    c.max_bytes = max;
    c.mark_stack_entries = stack;
    hsr_gc_t *g = NULL;
    CHECK(hsr_gc_create(&c, &g) == 0);
    return g;
}

static void gc_ok(const hsr_gc_t *g) {
    char why[200];
    if (hsr_gc_check(g, HSR_GC_CHECK_REACHABLE, why, sizeof why) != 0) {
        fprintf(stderr, "gc check: %s\n", why);
        exit(1);
    }
}

static void test_list(void) {
    enum { N = 1000000 };
    hsr_gc_t *g = make((uint64_t)128 << 20, 0);
    void *head = hsr_gc_alloc(g, 1, 8);
    CHECK(head != NULL && hsr_gc_root_add(g, head) == 0);
    void *tail = head;
    for (int i = 1; i < N; i++) {
        void *p = hsr_gc_alloc(g, 1, 8);
        CHECK(p != NULL);
        hsr_gc_set_ref(g, tail, 0, p);
        tail = p;
    }
    CHECK(hsr_gc_collect(g) == 0);
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.marked_objects == N && st.objects == N && st.rescans == 0);
    gc_ok(g);
    CHECK(hsr_gc_root_remove(g, head) == 0);
    CHECK(hsr_gc_collect(g) == N);
    CHECK(!hsr_gc_is_live(g, head) && !hsr_gc_is_live(g, tail));
    gc_ok(g);
    hsr_gc_destroy(g);
}

static void test_deep_chain_tiny_stack(void) {
    enum { N = 100000 };
    hsr_gc_t *g = make((uint64_t)64 << 20, 1);
    void *head = hsr_gc_alloc(g, 2, 0);
    CHECK(head != NULL && hsr_gc_root_add(g, head) == 0);
    void *node = head;
    for (int i = 0; i < N; i++) {
        /* link each new object at once: an unlinked one is garbage to a
         * collection that the next allocation may run */
        void *leaf = hsr_gc_alloc(g, 1, 0);
        CHECK(leaf != NULL);
        hsr_gc_set_ref(g, node, 1, leaf);
        void *leaf2 = hsr_gc_alloc(g, 0, 8);
        CHECK(leaf2 != NULL);
        hsr_gc_set_ref(g, leaf, 0, leaf2);
        void *next = hsr_gc_alloc(g, 2, 0);
        CHECK(next != NULL);
        hsr_gc_set_ref(g, node, 0, next);
        node = next;
    }
    void *garbage = hsr_gc_alloc(g, 1, 0);
    CHECK(garbage != NULL);
    CHECK(hsr_gc_collect(g) == 1);
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.rescans > 0);                     /* the recovery ran */
    CHECK(st.marked_objects == 3 * (uint64_t)N + 1); /* and found everything */
    gc_ok(g);
    CHECK(hsr_gc_root_remove(g, head) == 0);
    CHECK(hsr_gc_collect(g) == 3 * (int64_t)N + 1);
    gc_ok(g);
    hsr_gc_destroy(g);
}

static void *tree(hsr_gc_t *g, int depth) {
    void *n = hsr_gc_alloc(g, 2, 8);
    CHECK(n != NULL);
    if (depth > 0) {
        CHECK(hsr_gc_root_add(g, n) == 0); /* alive while its children are made */
        hsr_gc_set_ref(g, n, 0, tree(g, depth - 1));
        hsr_gc_set_ref(g, n, 1, tree(g, depth - 1));
        CHECK(hsr_gc_root_remove(g, n) == 0);
    }
    return n;
}

static void test_tree(void) {
    hsr_gc_t *g = make((uint64_t)32 << 20, 4);
    void *root = tree(g, 16);
    CHECK(hsr_gc_root_add(g, root) == 0);
    void *drop = tree(g, 10);
    CHECK(drop != NULL && hsr_gc_is_live(g, drop));
    CHECK(hsr_gc_collect(g) == (1 << 11) - 1);
    hsr_gc_stats_t st;
    hsr_gc_stats(g, &st);
    CHECK(st.marked_objects == (1u << 17) - 1 && st.rescans > 0);
    gc_ok(g);
    hsr_gc_destroy(g);
}

int main(void) {
    test_list();
    test_deep_chain_tiny_stack();
    test_tree();
    printf("gc_scale_test: all passed\n");
    return 0;
}
