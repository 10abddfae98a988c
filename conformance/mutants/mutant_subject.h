/*
 * mutant_subject.h — the subject adapter every list-keeping family mutant
 * shares (conformance/mutants/{buddy,ring,gc,spaces}): the heapspec context,
 * the list of live handles that close() and check() walk, and the one
 * exported entry point. The family file keeps only its handle type, its
 * ops table and the planted bug.
 *
 * A family handle wraps one reference object and BEGINS with a struct
 * mut_link (the shared code lists and frees the handle through it):
 *
 *     struct hs_ring_s {
 *         struct mut_link link; // first
 *         hsr_ring_t *ring;
 *     };
 *     _Static_assert(offsetof(struct hs_ring_s, link) == 0, "...");
 *
 * Its create() callocs the handle, makes the reference object, then
 * hands both to mut_handle_add(); its destroy() calls mut_handle_destroy().
 * The subject table uses mut_ctx_open, mut_ctx_close and (unless the bug is
 * in the walker) mut_ctx_check directly. Each mutant defines mut_family.
 *
 * The region and mspace mutants do not use this: their handle IS the
 * reference object, kept in a bounded array with its own overflow answer.
 */
#ifndef HEAPSPEC_MUTANT_SUBJECT_H
#define HEAPSPEC_MUTANT_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "heapspec/heapspec.h"

/* The context's live handles, newest first. */
struct mut_link {
    struct mut_link *next, *prev; /* prev == NULL: the list head */
};

/* What differs between the families. */
struct mut_family {
    const struct hs_subject *subject; /* what heapspec_subject() returns */
    bool refuse_fault_args;           /* open(): -ENOTSUP for fail_nth_backing or
                                         footprint_limit (else they are ignored) */
    void (*release)(void *handle);    /* destroys the handle's reference object */
    int (*check)(const void *handle, char *buf, size_t len); /* the reference walker
                                         on one handle: 0, or -1 with a message */
};

/* Defined by each mutant: its family, read by the functions below. */
extern const struct mut_family mut_family;

/* hs_subject.open: a context with no handles. args may be NULL. */
int mut_ctx_open(const struct hs_open_args *args, hs_ctx_t **out);

/* hs_subject.close: destroys every handle still listed, then the context. */
void mut_ctx_close(hs_ctx_t *c);

/* hs_subject.check: mut_family.check on every listed handle, newest first;
 * the first failure's -1 (and its message) is the answer. */
int mut_ctx_check(hs_ctx_t *c, char *buf, size_t len);

/* Ends a family's create. The caller guarantees handle came from calloc
 * and begins with its struct mut_link. err is the reference create's
 * answer: 0 lists the handle in c, anything else frees it (the reference
 * object was not made). Returns err. */
int mut_handle_add(hs_ctx_t *c, void *handle, int err);

/* A family's destroy: unlists the handle, releases its reference object and
 * frees it. NULL is a no-op. */
void mut_handle_destroy(hs_ctx_t *c, void *handle);

#endif /* HEAPSPEC_MUTANT_SUBJECT_H */
