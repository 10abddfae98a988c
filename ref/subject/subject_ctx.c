/* subject_ctx.c — see subject_ctx.h. */
#include "subject_ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subject_args.h"
#include "walk_memo.h"

/* The ABI's opaque context, the same for every adapter built on this file. */
struct hs_ctx_s {
    const struct hsri_subject_kind *kind; /* the adapter's walker, destroy... */
    uint32_t flags;                       /* HS_OPEN_* */
    uint64_t fail_nth;                    /* 0: off; N: the Nth backing request fails */
    uint64_t nrequests;                   /* backing requests seen so far */
    uint64_t limit;                       /* 0: none; else bytes of backing allowed */
    uint64_t footprint;                   /* sum of charged over the list */
    struct hsri_subject_node *head;       /* handles made through this context */
    char broken[HSRI_SUBJECT_WHY_MAX];    /* first walker failure under HS_OPEN_CHECKED */
    struct hsri_walk_memo memo;           /* calls entered (private_state kinds) */
    uint64_t wide;                        /* memo's count at the last hsri_subject_enter */
};

int hsri_subject_open(const struct hsri_subject_kind *kind, const struct hs_open_args *args,
                      hs_ctx_t **out)
{
    if (out == NULL)
        return -EINVAL;
    int bad = hsri_subject_args_check(args);
    if (bad != 0)
        return bad;
    /* a well-formed struct reaches `flags`, so both fault fields are there */
    if (!kind->faults && args != NULL &&
        (args->fail_nth_backing != 0 || args->footprint_limit != 0))
        return -ENOTSUP;
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    c->kind = kind;
    if (args != NULL) {
        c->flags = args->flags;
        c->fail_nth = args->fail_nth_backing;
        c->limit = args->footprint_limit;
    }
    *out = c;
    return 0;
}

void hsri_subject_close(hs_ctx_t *c)
{
    if (c == NULL)
        return;
    while (c->head != NULL)
        c->kind->destroy(c, c->head); /* unlinks it */
    free(c);
}

/* Counts a call entered: atomically unless the kind's calls are serial. */
static inline uint64_t count_call(hs_ctx_t *c)
{
    return c->kind->serial_calls ? hsri_memo_enter_serial(&c->memo) : hsri_memo_enter(&c->memo);
}

void hsri_subject_enter(hs_ctx_t *c)
{
    __atomic_store_n(&c->wide, count_call(c), __ATOMIC_RELAXED);
}

void hsri_subject_enter_node(hs_ctx_t *c, struct hsri_subject_node *h)
{
    uint64_t now = count_call(c);
    if (h != NULL)
        __atomic_store_n(&h->touched, now, __ATOMIC_RELAXED);
}

/* Need h be walked again? Always, but for a private_state kind whose h
 * passed a walk after every call that may have written it. */
static HSRI_WALKER_INLINE bool stale(const hs_ctx_t *c, const struct hsri_subject_node *h)
{
    return !c->kind->private_state || !h->passed || h->touched > h->passed_at ||
           c->wide > h->passed_at;
}

HSRI_WALKER int hsri_subject_check(hs_ctx_t *c, char *buf, size_t len)
{
    bool fresh;
    uint64_t entries = hsri_memo_snapshot(&c->memo, &fresh);
    if (c->kind->private_state && fresh)
        return 0; /* nothing entered since the check that passed */
    char why[sizeof c->broken];
    memcpy(why, c->broken, sizeof why);
    bool ok = why[0] == 0;
    uint64_t sum = 0;
    for (struct hsri_subject_node *h = c->head; h != NULL && ok; h = h->next) {
        sum += c->kind->held != NULL ? c->kind->held(h) : h->charged;
        if (!stale(c, h))
            continue; /* not written since the walk that passed */
        ok = c->kind->walk(h, 0, why, sizeof why);
        h->passed = ok;
        h->passed_at = entries;
    }
    /* only a whole walk has the whole sum */
    if (ok && c->kind->faults && sum != c->footprint) {
        snprintf(why, sizeof why, "%s", c->kind->footprint_mismatch);
        ok = false;
    }
    hsri_memo_record(&c->memo, entries, ok);
    if (ok)
        return 0;
    if (buf != NULL && len > 0)
        snprintf(buf, len, "%s", why);
    return -1;
}

void hsri_subject_after(hs_ctx_t *c, const struct hsri_subject_node *h, uint32_t how)
{
    if ((c->flags & HS_OPEN_CHECKED) == 0 || c->broken[0] != 0)
        return;
    /* the walker writes broken only when it fails, so the first failure stays */
    (void)c->kind->walk(h, how, c->broken, sizeof c->broken);
}

int hsri_subject_request(hs_ctx_t *c, uint64_t grow)
{
    c->nrequests++;
    if (c->fail_nth != 0 && c->nrequests == c->fail_nth)
        return -ENOMEM;
    /* the footprint stays under the limit; were it past, nothing would fit */
    if (c->limit != 0 && grow > (c->limit > c->footprint ? c->limit - c->footprint : 0))
        return -ENOMEM;
    return 0;
}

void hsri_subject_link(hs_ctx_t *c, struct hsri_subject_node *h, uint64_t bytes)
{
    h->prev = NULL;
    h->next = c->head;
    if (c->head != NULL)
        c->head->prev = h;
    c->head = h;
    h->charged = 0;
    h->passed = false; /* walked at the next check */
    hsri_subject_charge(c, h, bytes);
}

void hsri_subject_charge(hs_ctx_t *c, struct hsri_subject_node *h, uint64_t bytes)
{
    c->footprint -= h->charged;
    h->charged = bytes;
    c->footprint += h->charged;
}

void hsri_subject_unlink(hs_ctx_t *c, struct hsri_subject_node *h)
{
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        c->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    c->footprint -= h->charged;
}
