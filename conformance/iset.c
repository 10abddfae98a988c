/* iset.c — the ordered set of live blocks that every checker's overlap test
 * uses: a treap keyed by start address, whose nodes are indexed by object id
 * (links are id + 1; 0 is "none"), so it lives in a plain array of the arena
 * and needs no allocation of its own. Insert, remove and the neighbours of an
 * address are O(log n) expected. */
#include "hs_internal.h"

HST_NO_COVERAGE static uint32_t merge(struct hst_inode *n, uint32_t l, uint32_t g)
{
    if (!l)
        return g;
    if (!g)
        return l;
    if (n[l - 1].prio > n[g - 1].prio) {
        n[l - 1].right = merge(n, n[l - 1].right, g);
        return l;
    }
    n[g - 1].left = merge(n, l, n[g - 1].left);
    return g;
}

/* Splits t into the keys < key (l) and >= key (g). */
HST_NO_COVERAGE static void split(struct hst_inode *n, uint32_t t, uintptr_t key, uint32_t *l, uint32_t *g)
{
    if (!t) {
        *l = *g = 0;
        return;
    }
    if (n[t - 1].key < key) {
        split(n, n[t - 1].right, key, &n[t - 1].right, g);
        *l = t;
    } else {
        split(n, n[t - 1].left, key, l, &n[t - 1].left);
        *g = t;
    }
}

void hst_iset_insert(struct hst_iset *s, uint32_t id, uintptr_t key)
{
    uint32_t l, g;
    s->rng = hst_mix(s->rng);
    s->n[id].key = key;
    s->n[id].prio = (uint32_t)s->rng;
    s->n[id].left = s->n[id].right = 0;
    split(s->n, s->root, key, &l, &g);
    s->root = merge(s->n, merge(s->n, l, id + 1), g);
}

void hst_iset_remove(struct hst_iset *s, uint32_t id)
{
    uint32_t *link = &s->root;
    uintptr_t key = s->n[id].key;
    /* equal keys cannot both be live (that is an overlap), but stay total */
    while (*link && *link != id + 1) {
        struct hst_inode *x = &s->n[*link - 1];
        link = key < x->key || (key == x->key && *link > id + 1) ? &x->left : &x->right;
    }
    if (*link)
        *link = merge(s->n, s->n[id].left, s->n[id].right);
}

HST_NO_COVERAGE void hst_iset_neighbours(const struct hst_iset *s, uintptr_t key, uint32_t *pred, uint32_t *succ)
{
    uint32_t t = s->root;
    *pred = *succ = 0;
    while (t) {
        const struct hst_inode *x = &s->n[t - 1];
        if (x->key <= key) {
            *pred = t;
            t = x->right;
        } else {
            *succ = t;
            t = x->left;
        }
    }
}
