/*
 * limits.c — the spaces heap's limit and routing arithmetic (contracts:
 * ref/space/space_impl.h, over spec/acsl/space.acsl).
 *
 * This file is the part of ref/space that WP proves (proofs/prove.sh
 * space): page rounding, the routing decision of hsr_spaces_alloc,
 * SetFootprintLimit, ClearGrowthLimit and ClampGrowthLimit on one
 * continuous space (each keeps ContinuousSpaceValid), the backup main
 * space following the main space's limits (BackupSpaceValid), and the
 * heap's clear and clamp built from them (SpacesValid kept). space.c calls
 * them between its heap check and its debug walker, and passes the page
 * size it reads from the glue. Written for WP (TOOLCHAIN.md):
 *   - page rounding adds pg - x % pg where space.c computed
 *     (x + pg - 1) / pg * pg (the same value: lemma PageUpCeil), so the
 *     one sum that could wrap is tested first and the case that does not
 *     fit in 64 bits has a named answer, UINT64_MAX;
 *   - the flags are tested with & against constants only;
 *   - the asserts below split the heap-wide frame goals (SpacesValid
 *     after a write to a space) one write at a time; whole, one took the
 *     provers 5 s, split, each takes under 1 s.
 */
#include <stdint.h>

/* The state without the mspace and region headers (see space_impl.h);
 * space.h includes space_impl.h under Frama-C, so this comes first. */
#define HSRI_SPACE_STATE_ONLY 1
#include "heapspec/space.h"
#include "ref/space/space_impl.h"

uint64_t hsri_space_page_up(uint64_t x, uint64_t pg) {
    uint64_t r = x % pg;
    if (r == 0) {
        return x;
    }
    if (x > UINT64_MAX - (pg - r)) {
        return UINT64_MAX; /* the next multiple of pg is 2^64 or more */
    }
    return x + (pg - r);
}

uint32_t hsri_spaces_route(uint64_t n, uint32_t flags, uint64_t large_threshold) {
    if (n > HSRI_SPACES_MAX_REQUEST) {
        return HSR_SPACE_NONE;
    }
    if ((flags & HSR_SPACES_ALLOC_LARGE_OK) != 0 && n >= large_threshold) {
        return HSR_SPACE_LARGE_OBJECT;
    }
    if ((flags & HSR_SPACES_ALLOC_NON_MOVABLE) != 0) {
        return HSR_SPACE_NON_MOVING;
    }
    return HSR_SPACE_MAIN;
}

uint64_t hsri_space_set_footprint_limit(hsr_space_t *s, uint64_t bytes, uint64_t pg) {
    uint64_t limit = bytes > s->growth_limit ? s->growth_limit : hsri_space_page_up(bytes, pg);
    if (limit > s->growth_limit) {
        limit = s->growth_limit; /* rounding up passed it */
    }
    s->footprint_limit = limit < s->footprint ? s->footprint : limit;
    return s->footprint_limit;
}

void hsri_space_clear_growth_limit(hsr_space_t *s) {
    s->growth_limit = s->capacity;
}

void hsri_space_clamp_growth_limit(hsr_space_t *s) {
    /* growth_limit >= footprint always, so no object is cut off. */
    s->capacity = s->growth_limit;
}

void hsri_spaces_backup_follow(hsr_spaces_t *h) {
    h->backup->capacity = h->main->capacity;
    //@ assert \at(SpacesValid(h), Pre) ==> SpacesValid(h);
    h->backup->growth_limit = h->main->growth_limit;
}

void hsri_spaces_clear_growth_limit(hsr_spaces_t *h) {
    hsri_space_clear_growth_limit(h->main);
    //@ assert SpacesValid(h);
    hsri_spaces_backup_follow(h);
}

void hsri_spaces_clamp_growth_limit(hsr_spaces_t *h) {
    hsri_space_clamp_growth_limit(h->main);
    //@ assert SpacesValid(h);
    hsri_spaces_backup_follow(h);
}
