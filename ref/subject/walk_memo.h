/*
 * walk_memo.h — when a subject's check() need not walk again.
 *
 * A subject adapter counts the calls entered (hsri_memo_enter, first thing in
 * every entry point). check() takes a snapshot of the count; when the last
 * walk passed at that same count, nothing has run inside the subject since,
 * and the answer is that walk's: 0. Which walks this may skip is the
 * adapter's to say (ref/subject/subject_ctx.h, private_state;
 * ref/mspace/mspace_subject.c).
 */
#ifndef HEAPSPEC_REF_SUBJECT_WALK_MEMO_H
#define HEAPSPEC_REF_SUBJECT_WALK_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "ref/glue/attrs.h"

struct hsri_walk_memo {
    uint64_t entries;   /* calls entered */
    uint64_t passed_at; /* entries at the last walk that passed, */
    bool passed;        /* when there was one */
};

/* Counts a call; returns the count with it. */
static inline uint64_t hsri_memo_enter(struct hsri_walk_memo *m)
{
    /* relaxed: a checker may call from two threads at once (the threads
     * scenarios, the ring's SPSC case); check() runs between calls, never
     * during one */
    return __atomic_add_fetch(&m->entries, 1, __ATOMIC_RELAXED);
}

/* hsri_memo_enter for an adapter whose calls never run at once (its kind's
 * serial_calls): a plain add. */
static inline uint64_t hsri_memo_enter_serial(struct hsri_walk_memo *m)
{
    return ++m->entries;
}

/* The count now; *fresh: the last walk passed at this very count. */
static HSRI_WALKER_INLINE uint64_t hsri_memo_snapshot(const struct hsri_walk_memo *m, bool *fresh)
{
    uint64_t now = __atomic_load_n(&m->entries, __ATOMIC_RELAXED);
    *fresh = m->passed && m->passed_at == now;
    return now;
}

/* A walk taken at snapshot `at` ended: ok or not. */
static HSRI_WALKER_INLINE void hsri_memo_record(struct hsri_walk_memo *m, uint64_t at, bool ok)
{
    m->passed = ok;
    m->passed_at = at;
}

#endif
