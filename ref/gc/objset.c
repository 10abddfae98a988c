/*
 * objset.c — the large-object space's live set with a mark flag per member
 * (ART keeps live/mark object sets for discontinuous spaces). Open
 * addressing with linear probing, at most half full; deletion shifts the
 * following cluster back (no tombstones), so a probe stops at the first
 * empty slot.
 */
#include <errno.h>
#include <stdlib.h>

#include "heapspec/gc.h"
#include "ref/gc/gc_impl.h"

static uint64_t slot_of(const hsri_gc_objset_t *s, const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p >> 4;
    x *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */
    return (x >> 17) & (s->cap - 1);
}

static int grow(hsri_gc_objset_t *s) {
    uint64_t ncap = s->cap == 0 ? 64 : s->cap * 2;
    void **keys = calloc((size_t)ncap, sizeof *keys);
    uint8_t *marks = calloc((size_t)ncap, sizeof *marks);
    if (keys == NULL || marks == NULL) {
        free(keys);
        free(marks);
        return -ENOMEM;
    }
    hsri_gc_objset_t old = *s;
    s->keys = keys;
    s->marks = marks;
    s->cap = ncap;
    s->n = 0;
    for (uint64_t i = 0; i < old.cap; i++) {
        if (old.keys[i] != NULL) {
            uint64_t j = slot_of(s, old.keys[i]);
            while (s->keys[j] != NULL) {
                j = (j + 1) & (s->cap - 1);
            }
            s->keys[j] = old.keys[i];
            s->marks[j] = old.marks[i];
            s->n++;
        }
    }
    free(old.keys);
    free(old.marks);
    return 0;
}

int hsri_objset_add(hsri_gc_objset_t *s, void *p) {
    if ((s->n + 1) * 2 > s->cap && grow(s) != 0) {
        return -ENOMEM;
    }
    uint64_t j = slot_of(s, p);
    while (s->keys[j] != NULL) {
        if (s->keys[j] == p) {
            return 0;
        }
        j = (j + 1) & (s->cap - 1);
    }
    s->keys[j] = p;
    s->marks[j] = 0;
    s->n++;
    return 0;
}

int64_t hsri_objset_find(const hsri_gc_objset_t *s, const void *p) {
    if (s->cap == 0 || p == NULL) {
        return -1;
    }
    uint64_t j = slot_of(s, p);
    while (s->keys[j] != NULL) {
        if (s->keys[j] == p) {
            return (int64_t)j;
        }
        j = (j + 1) & (s->cap - 1);
    }
    return -1;
}

void hsri_objset_remove_at(hsri_gc_objset_t *s, uint64_t i) {
    uint64_t mask = s->cap - 1;
    uint64_t hole = i;
    uint64_t j = (i + 1) & mask;
    s->keys[hole] = NULL;
    s->n--;
    /* Move back every member of the cluster whose home slot lies at or
     * before the hole (cyclically), so probes never stop early. */
    while (s->keys[j] != NULL) {
        uint64_t home = slot_of(s, s->keys[j]);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            s->keys[hole] = s->keys[j];
            s->marks[hole] = s->marks[j];
            s->keys[j] = NULL;
            hole = j;
        }
        j = (j + 1) & mask;
    }
}

void hsri_objset_free(hsri_gc_objset_t *s) {
    free(s->keys);
    free(s->marks);
    s->keys = NULL;
    s->marks = NULL;
    s->cap = 0;
    s->n = 0;
}
