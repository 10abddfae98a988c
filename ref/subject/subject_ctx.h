/* subject_ctx.h — the context every reference subject adapter keeps.
 *
 * A context (hs_ctx_t, one per open()) holds the fault-injection axes of
 * hs_open_args and the list of handles made through it, so that close() can
 * destroy what a trace left behind and check() can walk them all. Adapters
 * (ref/<comp>/<comp>_subject.c) differ only in how a handle is walked and
 * destroyed and in whether they offer the fault axes: a struct
 * hsri_subject_kind says which. The rest is here:
 *
 *   1. open(): hs_open_args checked (subject_args.h), the axes kept.
 *   2. Before making backing memory the adapter calls hsri_subject_request():
 *      the fail_nth_backing'th request fails, and so does one that would take
 *      the bytes charged to live handles past footprint_limit (-ENOMEM).
 *   3. HS_OPEN_CHECKED: hsri_subject_after() after every mutating call runs
 *      the walker; the first failure sticks.
 *   4. check(): the sticky failure; else each handle's walker, then the
 *      charged bytes against the footprint (for a private_state kind, only
 *      the handles a call entered since their last walk that passed).
 *   5. close(): destroys every handle still listed, then the context.
 *
 * (ref/mspace/mspace_subject.c keeps its own context: a locked array shared
 * with threads and fork handlers, and its own answers to open()'s flags.)
 */
#ifndef HEAPSPEC_REF_SUBJECT_CTX_H
#define HEAPSPEC_REF_SUBJECT_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapspec/heapspec.h"

/* Room for a check() message, NUL included. */
#define HSRI_SUBJECT_WHY_MAX 200

/* Every handle an adapter makes begins with one of these, so the context can
 * list it (the adapter converts back with a cast: node is the first member). */
struct hsri_subject_node {
    struct hsri_subject_node *next; /* the context's list */
    struct hsri_subject_node *prev; /* the context's list */
    uint64_t charged;               /* bytes counted against footprint_limit */
    /* check()'s memo of this handle, for a private_state kind: */
    uint64_t touched;   /* the context's call count at the last call that entered h */
    uint64_t passed_at; /* the call count at h's last walk, when that walk passed */
    bool passed;        /* h has had a walk that passed (cleared by hsri_subject_link) */
};

/* What an adapter tells the context about its handles. */
struct hsri_subject_kind {
    /* The component's walker over h: true when consistent; else false with a
     * non-empty one-line reason in why[0 .. len-1] (why is left alone when
     * true). how is what the adapter passed to hsri_subject_after(); check()
     * passes 0. */
    bool (*walk)(const struct hsri_subject_node *h, uint32_t how, char *why, size_t len);
    /* Destroys h and all it holds, unlinking it (hsri_subject_unlink). */
    void (*destroy)(hs_ctx_t *c, struct hsri_subject_node *h);
    /* What h holds by the component's own count, which check() adds up
     * against the footprint; NULL: what was charged for it. */
    uint64_t (*held)(const struct hsri_subject_node *h);
    /* Offers fail_nth_backing and footprint_limit; if not, open() answers
     * -ENOTSUP for them. */
    bool faults;
    /* With faults: check()'s message when the handles do not add up to the
     * footprint. */
    const char *footprint_mismatch;
    /* The walkers read only what the adapter's calls write: no client memory
     * lies next to the component's state (buddy: offsets, no memory). Then
     * check() walks again only the handles a call has entered since their
     * last walk that passed (hsri_subject_enter_node), or all of them after
     * a call that may reach any (hsri_subject_enter); with none, it answers
     * 0 at once. Half of a buddy fuzz trace's operations never reach the
     * subject (unknown ids), and an operation names one allocator of up to
     * sixteen: walking them all after each was 40% of a run. Adapters of
     * such a kind enter first in every entry point that may write a
     * handle's state; what a handle's state is, and that a call on one
     * handle writes no other, the adapter must be able to show (buddy: the
     * `assigns` clauses of ref/include/heapspec/buddy.h, proved by WP). */
    bool private_state;
    /* The component's calls never run at once on a context (the component
     * takes no lock and offers no THREADS capability: buddy): the count of
     * calls entered is a plain add, not a locked one, which was 4% of a
     * buddy fuzz run. */
    bool serial_calls;
};

/* hs_subject.open for an adapter of the given kind (which must outlive the
 * context): -EINVAL for a NULL out or a malformed args, -ENOTSUP for a fault
 * axis the kind does not offer, -ENOMEM; else 0 with *out set. */
int hsri_subject_open(const struct hsri_subject_kind *kind, const struct hs_open_args *args,
                      hs_ctx_t **out);

/* hs_subject.close: destroys every listed handle, then c (NULL: nothing). */
void hsri_subject_close(hs_ctx_t *c);

/* hs_subject.check: 0 when consistent; else -1 with the reason in buf (when
 * buf is not NULL and len > 0, cut to len-1 characters). */
int hsri_subject_check(hs_ctx_t *c, char *buf, size_t len);

/* First in every entry point of an adapter whose kind has private_state
 * that may write any handle's state: counts the call, so that check() walks
 * every handle again. */
void hsri_subject_enter(hs_ctx_t *c);

/* The same, for an entry point that may write h's state and no other
 * handle's: check() walks h again, not the rest. h NULL: a call that writes
 * no listed handle's state (one that makes a handle, which is walked once
 * linked, or ends one; one refused at the door). */
void hsri_subject_enter_node(hs_ctx_t *c, struct hsri_subject_node *h);

/* After a mutating call on h: under HS_OPEN_CHECKED, and while nothing has
 * failed yet, run the walker with how and keep its failure for check(). */
void hsri_subject_after(hs_ctx_t *c, const struct hsri_subject_node *h, uint32_t how);

/* Counts one request for backing memory that would add grow bytes to the
 * footprint: -ENOMEM if it is the one fail_nth_backing names, or if grow
 * does not fit under footprint_limit; else 0. Charges nothing: the adapter
 * charges (hsri_subject_link or _charge) once the memory is there. */
int hsri_subject_request(hs_ctx_t *c, uint64_t grow);

/* Puts h, not yet listed, at the head of c's list, charged bytes. */
void hsri_subject_link(hs_ctx_t *c, struct hsri_subject_node *h, uint64_t bytes);

/* Charges h, listed, bytes in place of what it was charged before. */
void hsri_subject_charge(hs_ctx_t *c, struct hsri_subject_node *h, uint64_t bytes);

/* Takes h out of c's list and its charge off the footprint. */
void hsri_subject_unlink(hs_ctx_t *c, struct hsri_subject_node *h);

#endif
