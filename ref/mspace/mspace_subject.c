/*
 * mspace_subject.c — the reference mspace as conformance subjects
 * (spec/include/heapspec/heapspec.h):
 *
 *   hsr_mspace_subject()  "ref-mspace": the mspace family, every capability;
 *   hsr_malloc_subject()  "ref": the malloc family over one locked mspace
 *                         per context (made in open()), all extensions,
 *                         THREADS and FORK.
 *
 * A context carries the fault-injection axis of hs_open_args:
 *   fail_nth_backing  the Nth request for backing memory fails. Requests are
 *                     counted per context: each own-memory create (mspace
 *                     family) and each growth of any of the context's
 *                     mspaces (through a counting morecore hook). The
 *                     default mspace made by open() is not counted.
 *   footprint_limit   set on every mspace of the context as it is made
 *                     (and the default mspace starts no larger than it).
 *   HS_OPEN_CHECKED   hsr_mspace_check after every mutating call; the first
 *                     failure sticks and is what check() reports.
 *
 * check() walks every mspace of the context, except when no call has entered
 * the subject since the last walk, which passed (ref/subject/walk_memo.h):
 * then the mspaces are as that walk found them. Their client memory lies
 * next to their headers, and the client may have written it since; a client
 * that writes only inside its blocks leaves the headers alone. A block the
 * subject made too small, or a usable size too large, shows at the walk
 * after the first call that follows the write. The checkers write client
 * memory in the operation that made the block or asked its usable size, so
 * their walk after each operation still follows every write. (A fuzz trace
 * of the malloc family has 44% of its operations reach no call: ids never
 * made, blocks already freed; the walk after them was a tenth of the run.)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/mspace/internal.h"
#include "ref/mspace/posix.h"
#include "heapspec/mspace_subject.h"
#include "ref/subject/walk_memo.h"

#define MAX_SPACES 256 /* mspaces alive at once in one context */

struct hs_ctx_s {
    uint64_t fail_nth;          /* 0: off */
    uint64_t nrequests;         /* backing requests so far (atomic) */
    size_t limit;               /* 0: none */
    bool checked;               /* HS_OPEN_CHECKED */
    char broken[192];           /* first failed check ("" while consistent) */
    struct hsri_walk_memo memo; /* calls entered; the last walk that passed */
    hsri_glue_mutex_t lock;     /* guards spaces/nspaces */
    hsr_mspace_t *spaces[MAX_SPACES]; /* live mspaces of this context */
    size_t nspaces;
    hsr_mspace_t *dflt;         /* the malloc family's mspace, or NULL */
    struct hs_ctx_s *next;      /* in the list of contexts (fork handlers) */
};

/* ---- contexts, fork handling ----------------------------------------- */

static hsri_glue_mutex_t ctx_list_lock = HSRI_GLUE_MUTEX_INIT;
static struct hs_ctx_s *ctx_list;
static int atfork_state; /* 0 none, 1 registered */

/* The default mspace of the last context closed, emptied by
 * hsr_mspace_reset: the next open() takes it rather than mapping a new one.
 * A harness opens a context per input; the mapping, its page faults and the
 * unmapping were a sixth of a malloc fuzz run, the reset's memset of the
 * first 64 KiB is a fraction of that. What the next context sees is the same:
 * a fresh mspace of one granule, zeroed (ref/include/heapspec/mspace.h).
 * Guarded by ctx_list_lock. */
static hsr_mspace_t *spare;

/* A default mspace of `cap` bytes: the spare when it has that capacity. */
static hsr_mspace_t *take_default(size_t cap) {
    hsr_mspace_t *ms = NULL;
    hsri_glue_mutex_lock(&ctx_list_lock);
    if (spare != NULL && (size_t)(spare->initial_end - spare->seg_base) == cap) {
        ms = spare;
        spare = NULL;
    }
    hsri_glue_mutex_unlock(&ctx_list_lock);
    return ms != NULL ? ms : hsr_mspace_create(cap, 1);
}

/* Ends a context's default mspace: kept as the spare when the slot is free
 * and the reset succeeds, else destroyed (unless the reset ended it). */
static void drop_default(hsr_mspace_t *ms) {
    int r = 1;
    hsri_glue_mutex_lock(&ctx_list_lock);
    if (spare == NULL) {
        r = hsr_mspace_reset(ms);
        if (r == 0) {
            spare = ms;
        }
    }
    hsri_glue_mutex_unlock(&ctx_list_lock);
    if (r != 0 && r != -EAGAIN) {
        (void)hsr_mspace_destroy(ms);
    }
}

static void on_prepare(void) {
    struct hs_ctx_s *c;
    hsri_glue_mutex_lock(&ctx_list_lock);
    for (c = ctx_list; c != NULL; c = c->next) {
        hsri_fork_prepare(c->dflt);
    }
}

static void on_parent(void) {
    struct hs_ctx_s *c;
    for (c = ctx_list; c != NULL; c = c->next) {
        hsri_fork_parent(c->dflt);
    }
    hsri_glue_mutex_unlock(&ctx_list_lock);
}

static void on_child(void) {
    struct hs_ctx_s *c;
    for (c = ctx_list; c != NULL; c = c->next) {
        hsri_fork_child(c->dflt);
    }
    (void)hsri_glue_mutex_init(&ctx_list_lock);
}

static int counting_morecore(void *arg, void *base, size_t old_commit, size_t new_commit) {
    struct hs_ctx_s *ctx = arg;
    if (new_commit > old_commit && ctx->fail_nth != 0 &&
        __atomic_add_fetch(&ctx->nrequests, 1, __ATOMIC_RELAXED) == ctx->fail_nth) {
        return -ENOMEM;
    }
    return hsr_mspace_default_morecore(NULL, base, old_commit, new_commit);
}

/* Count one backing request made outside morecore; false = injected failure. */
static bool backing_request_ok(struct hs_ctx_s *ctx) {
    return ctx->fail_nth == 0 ||
           __atomic_add_fetch(&ctx->nrequests, 1, __ATOMIC_RELAXED) != ctx->fail_nth;
}

static int ctx_open(const struct hs_open_args *args, hs_ctx_t **out, bool with_default) {
    struct hs_ctx_s *ctx;
    size_t i;
    if (out == NULL) {
        return -EINVAL;
    }
    ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        return -ENOMEM;
    }
    if (args != NULL) {
        if (args->struct_size < offsetof(struct hs_open_args, flags) + sizeof args->flags) {
            free(ctx);
            return -EINVAL;
        }
        ctx->fail_nth = args->fail_nth_backing;
        ctx->limit = args->footprint_limit > SIZE_MAX ? SIZE_MAX : (size_t)args->footprint_limit;
        ctx->checked = (args->flags & HS_OPEN_CHECKED) != 0;
        if ((args->flags & ~HS_OPEN_CHECKED) != 0) {
            free(ctx);
            return -ENOTSUP;
        }
        if (HS_HAS_FIELD(args, struct hs_open_args, reserved)) {
            for (i = 0; i < 4; i++) {
                if (args->reserved[i] != 0) {
                    free(ctx);
                    return -EINVAL;
                }
            }
            if (args->reserved0 != 0) {
                free(ctx);
                return -EINVAL;
            }
        }
    }
    if (hsri_glue_mutex_init(&ctx->lock) != 0) {
        free(ctx);
        return -ENOMEM;
    }
    if (with_default) {
        size_t page = hsri_glue_page_size();
        size_t cap = HSRI_GRANULE;
        if (ctx->limit != 0 && ctx->limit < cap) {
            cap = ctx->limit / page * page;
            if (cap < page) {
                cap = page;
            }
        }
        ctx->dflt = take_default(cap);
        if (ctx->dflt == NULL) {
            hsri_glue_mutex_destroy(&ctx->lock);
            free(ctx);
            return -ENOMEM;
        }
        hsr_mspace_set_morecore(ctx->dflt, counting_morecore, ctx);
        if (ctx->limit != 0) {
            (void)hsr_mspace_set_footprint_limit(ctx->dflt, ctx->limit);
        }
        ctx->spaces[ctx->nspaces++] = ctx->dflt;
        hsri_glue_mutex_lock(&ctx_list_lock);
        if (atfork_state == 0 && hsri_glue_atfork(on_prepare, on_parent, on_child) == 0) {
            atfork_state = 1;
        }
        ctx->next = ctx_list;
        ctx_list = ctx;
        hsri_glue_mutex_unlock(&ctx_list_lock);
    }
    *out = ctx;
    return 0;
}

static int open_mspace_family(const struct hs_open_args *args, hs_ctx_t **out) {
    return ctx_open(args, out, false);
}

static int open_malloc_family(const struct hs_open_args *args, hs_ctx_t **out) {
    return ctx_open(args, out, true);
}

static void ctx_close(hs_ctx_t *ctx) {
    size_t i;
    struct hs_ctx_s **pp;
    if (ctx == NULL) {
        return;
    }
    hsri_glue_mutex_lock(&ctx_list_lock);
    for (pp = &ctx_list; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == ctx) {
            *pp = ctx->next;
            break;
        }
    }
    hsri_glue_mutex_unlock(&ctx_list_lock);
    for (i = 0; i < ctx->nspaces; i++) {
        if (ctx->spaces[i] == ctx->dflt) {
            drop_default(ctx->dflt);
        } else {
            (void)hsr_mspace_destroy(ctx->spaces[i]);
        }
    }
    hsri_glue_mutex_destroy(&ctx->lock);
    free(ctx);
}

HSRI_WALKER static int ctx_check(hs_ctx_t *ctx, char *buf, size_t len) {
    size_t i;
    int r = 0;
    bool fresh;
    uint64_t at;
    if (ctx->broken[0] != '\0') {
        if (buf != NULL && len > 0) {
            (void)snprintf(buf, len, "%s", ctx->broken);
        }
        return -1;
    }
    at = hsri_memo_snapshot(&ctx->memo, &fresh);
    if (fresh) {
        if (buf != NULL && len > 0) {
            buf[0] = '\0';
        }
        return 0;
    }
    /* No lock, neither the context's nor the mspaces': check() runs between
     * calls (heapspec.h), so no call can be changing the list or a heap.
     * The two lock pairs were four of the seven atomic instructions of a
     * malloc-family op under the fuzzer, whose RSS thread makes every lock
     * a real one. */
    for (i = 0; i < ctx->nspaces && r == 0; i++) {
        r = hsri_check_locked(ctx->spaces[i], buf, len);
    }
    hsri_memo_record(&ctx->memo, at, r == 0);
    return r;
}

/* First thing in every entry point that takes a context. */
static void enter(hs_ctx_t *ctx) {
    hsri_memo_enter(&ctx->memo);
}

/* After a mutation, in a checked context: remember the first failure. */
static void after(hs_ctx_t *ctx, hsr_mspace_t *ms) {
    char msg[sizeof ctx->broken];
    if (ctx->checked && ctx->broken[0] == '\0' && hsr_mspace_check(ms, msg, sizeof msg) != 0) {
        (void)snprintf(ctx->broken, sizeof ctx->broken, "%s", msg[0] ? msg : "check failed");
    }
}

static void add_space(hs_ctx_t *ctx, hsr_mspace_t *ms) {
    hsri_glue_mutex_lock(&ctx->lock);
    if (ctx->nspaces < MAX_SPACES) {
        ctx->spaces[ctx->nspaces++] = ms;
    }
    hsri_glue_mutex_unlock(&ctx->lock);
}

static void remove_space(hs_ctx_t *ctx, hsr_mspace_t *ms) {
    size_t i;
    hsri_glue_mutex_lock(&ctx->lock);
    for (i = 0; i < ctx->nspaces; i++) {
        if (ctx->spaces[i] == ms) {
            ctx->spaces[i] = ctx->spaces[--ctx->nspaces];
            break;
        }
    }
    hsri_glue_mutex_unlock(&ctx->lock);
}

/* ---- mspace family --------------------------------------------------- */

#define MS(h) ((hsr_mspace_t *)(void *)(h))
#define HS(m) ((hs_mspace_t *)(void *)(m))

static hs_mspace_t *m_create_with_base(hs_ctx_t *ctx, void *base, size_t cap, int locked) {
    enter(ctx);
    hsr_mspace_t *ms;
    if (ctx->nspaces >= MAX_SPACES) {
        return NULL;
    }
    ms = hsr_mspace_create_with_base(base, cap, locked);
    if (ms != NULL) {
        if (ctx->limit != 0) {
            (void)hsr_mspace_set_footprint_limit(ms, ctx->limit);
        }
        add_space(ctx, ms);
    }
    return HS(ms);
}

static hs_mspace_t *m_create(hs_ctx_t *ctx, size_t cap, int locked) {
    enter(ctx);
    hsr_mspace_t *ms;
    if (ctx->nspaces >= MAX_SPACES || !backing_request_ok(ctx)) {
        return NULL;
    }
    ms = hsr_mspace_create(cap, locked);
    if (ms != NULL) {
        hsr_mspace_set_morecore(ms, counting_morecore, ctx);
        if (ctx->limit != 0) {
            (void)hsr_mspace_set_footprint_limit(ms, ctx->limit);
        }
        add_space(ctx, ms);
    }
    return HS(ms);
}

static size_t m_destroy(hs_ctx_t *ctx, hs_mspace_t *ms) {
    enter(ctx);
    remove_space(ctx, MS(ms));
    return hsr_mspace_destroy(MS(ms));
}

static void *m_malloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n) {
    enter(ctx);
    void *p = hsri_posix_malloc(MS(ms), n);
    after(ctx, MS(ms));
    return p;
}

static void m_free(hs_ctx_t *ctx, hs_mspace_t *ms, void *p) {
    enter(ctx);
    hsri_posix_free(MS(ms), p);
    after(ctx, MS(ms));
}

static void *m_calloc(hs_ctx_t *ctx, hs_mspace_t *ms, size_t n, size_t m) {
    enter(ctx);
    void *p = hsri_posix_calloc(MS(ms), n, m);
    after(ctx, MS(ms));
    return p;
}

static void *m_realloc(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n) {
    enter(ctx);
    void *q = hsri_posix_realloc(MS(ms), p, n);
    after(ctx, MS(ms));
    return q;
}

static void *m_realloc_in_place(hs_ctx_t *ctx, hs_mspace_t *ms, void *p, size_t n) {
    enter(ctx);
    void *q = hsr_mspace_realloc_in_place(MS(ms), p, n);
    after(ctx, MS(ms));
    return q;
}

static void *m_memalign(hs_ctx_t *ctx, hs_mspace_t *ms, size_t a, size_t n) {
    enter(ctx);
    void *p = hsri_posix_memalign_legacy(MS(ms), a, n);
    after(ctx, MS(ms));
    return p;
}

static size_t m_bulk_free(hs_ctx_t *ctx, hs_mspace_t *ms, void **array, size_t n) {
    enter(ctx);
    size_t r = hsr_mspace_bulk_free(MS(ms), array, n);
    after(ctx, MS(ms));
    return r;
}

static int m_trim(hs_ctx_t *ctx, hs_mspace_t *ms, size_t pad) {
    enter(ctx);
    int r = hsr_mspace_trim(MS(ms), pad);
    after(ctx, MS(ms));
    return r;
}

static size_t m_usable_size(hs_ctx_t *ctx, hs_mspace_t *ms, const void *p) {
    enter(ctx);
    return hsri_posix_usable_size(MS(ms), p);
}

static size_t m_footprint(hs_ctx_t *ctx, hs_mspace_t *ms) {
    enter(ctx);
    return hsr_mspace_footprint(MS(ms));
}

static size_t m_max_footprint(hs_ctx_t *ctx, hs_mspace_t *ms) {
    enter(ctx);
    return hsr_mspace_max_footprint(MS(ms));
}

static size_t m_footprint_limit(hs_ctx_t *ctx, hs_mspace_t *ms) {
    enter(ctx);
    return hsr_mspace_footprint_limit(MS(ms));
}

static size_t m_set_footprint_limit(hs_ctx_t *ctx, hs_mspace_t *ms, size_t bytes) {
    enter(ctx);
    size_t r = hsr_mspace_set_footprint_limit(MS(ms), bytes);
    after(ctx, MS(ms));
    return r;
}

static int m_mallinfo(hs_ctx_t *ctx, hs_mspace_t *ms, struct hs_mallinfo *out) {
    enter(ctx);
    hsr_mspace_stats_t st;
    if (out == NULL || out->struct_size < sizeof(struct hs_mallinfo)) {
        return -EINVAL;
    }
    if (hsr_mspace_mallinfo(MS(ms), &st) != 0) {
        return -EINVAL;
    }
    out->version = HS_MALLINFO_VERSION;
    out->arena = st.footprint;
    out->free_chunks = st.free_chunks;
    out->used_bytes = st.used_bytes;
    out->free_bytes = st.free_bytes;
    out->top_bytes = st.top_bytes;
    out->max_footprint = st.max_footprint;
    memset(out->reserved, 0, sizeof out->reserved);
    return 0;
}

static void m_inspect_all(hs_ctx_t *ctx, hs_mspace_t *ms, hs_inspect_fn fn, void *arg) {
    enter(ctx);
    hsr_mspace_inspect_all(MS(ms), fn, arg);
}

static const struct hs_mspace_ops mspace_ops = {
    .struct_size = sizeof(struct hs_mspace_ops),
    .version = HS_MSPACE_OPS_VERSION,
    .caps = HS_MSPACE_CAP_WITH_BASE | HS_MSPACE_CAP_OWN_MEMORY | HS_MSPACE_CAP_LOCKED |
            HS_MSPACE_CAP_REALLOC_IN_PLACE | HS_MSPACE_CAP_BULK_FREE | HS_MSPACE_CAP_TRIM |
            HS_MSPACE_CAP_FOOTPRINT_LIMIT | HS_MSPACE_CAP_INSPECT | HS_MSPACE_CAP_MALLINFO,
    .create_with_base = m_create_with_base,
    .create = m_create,
    .destroy = m_destroy,
    .malloc = m_malloc,
    .free = m_free,
    .calloc = m_calloc,
    .realloc = m_realloc,
    .realloc_in_place = m_realloc_in_place,
    .memalign = m_memalign,
    .bulk_free = m_bulk_free,
    .trim = m_trim,
    .usable_size = m_usable_size,
    .footprint = m_footprint,
    .max_footprint = m_max_footprint,
    .footprint_limit = m_footprint_limit,
    .set_footprint_limit = m_set_footprint_limit,
    .mallinfo = m_mallinfo,
    .inspect_all = m_inspect_all,
};

/* ---- malloc family --------------------------------------------------- */

static void *f_malloc(hs_ctx_t *ctx, size_t n) {
    enter(ctx);
    void *p = hsri_posix_malloc(ctx->dflt, n);
    after(ctx, ctx->dflt);
    return p;
}

static void f_free(hs_ctx_t *ctx, void *p) {
    enter(ctx);
    int saved = errno;
    hsri_posix_free(ctx->dflt, p);
    after(ctx, ctx->dflt);
    errno = saved;
}

static void *f_calloc(hs_ctx_t *ctx, size_t n, size_t m) {
    enter(ctx);
    void *p = hsri_posix_calloc(ctx->dflt, n, m);
    after(ctx, ctx->dflt);
    return p;
}

static void *f_realloc(hs_ctx_t *ctx, void *p, size_t n) {
    enter(ctx);
    void *q = hsri_posix_realloc(ctx->dflt, p, n);
    after(ctx, ctx->dflt);
    return q;
}

static void *f_reallocarray(hs_ctx_t *ctx, void *p, size_t n, size_t m) {
    enter(ctx);
    void *q = hsri_posix_reallocarray(ctx->dflt, p, n, m);
    after(ctx, ctx->dflt);
    return q;
}

static void *f_aligned_alloc(hs_ctx_t *ctx, size_t a, size_t n) {
    enter(ctx);
    void *p = hsri_posix_aligned_alloc(ctx->dflt, a, n);
    after(ctx, ctx->dflt);
    return p;
}

static int f_posix_memalign(hs_ctx_t *ctx, void **out, size_t a, size_t n) {
    enter(ctx);
    int r = hsri_posix_memalign(ctx->dflt, out, a, n);
    after(ctx, ctx->dflt);
    return r;
}

static void *f_memalign(hs_ctx_t *ctx, size_t a, size_t n) {
    enter(ctx);
    void *p = hsri_posix_memalign_legacy(ctx->dflt, a, n);
    after(ctx, ctx->dflt);
    return p;
}

static void *f_valloc(hs_ctx_t *ctx, size_t n) {
    enter(ctx);
    void *p = hsri_posix_valloc(ctx->dflt, n);
    after(ctx, ctx->dflt);
    return p;
}

static void *f_pvalloc(hs_ctx_t *ctx, size_t n) {
    enter(ctx);
    void *p = hsri_posix_pvalloc(ctx->dflt, n);
    after(ctx, ctx->dflt);
    return p;
}

static size_t f_usable_size(hs_ctx_t *ctx, const void *p) {
    enter(ctx);
    return hsri_posix_usable_size(ctx->dflt, p);
}

static void f_free_sized(hs_ctx_t *ctx, void *p, size_t n) {
    enter(ctx);
    f_free(ctx, p);
}

static void f_free_aligned_sized(hs_ctx_t *ctx, void *p, size_t a, size_t n) {
    enter(ctx);
    f_free(ctx, p);
}

static const struct hs_malloc_ops malloc_ops = {
    .struct_size = sizeof(struct hs_malloc_ops),
    .version = HS_MALLOC_OPS_VERSION,
    .caps = HS_MALLOC_CAP_CALLOC | HS_MALLOC_CAP_REALLOC | HS_MALLOC_CAP_REALLOCARRAY |
            HS_MALLOC_CAP_ALIGNED_ALLOC | HS_MALLOC_CAP_POSIX_MEMALIGN |
            HS_MALLOC_CAP_MEMALIGN | HS_MALLOC_CAP_VALLOC | HS_MALLOC_CAP_PVALLOC |
            HS_MALLOC_CAP_USABLE_SIZE | HS_MALLOC_CAP_FREE_SIZED |
            HS_MALLOC_CAP_FREE_ALIGNED_SIZED | HS_MALLOC_CAP_THREADS | HS_MALLOC_CAP_FORK,
    .malloc = f_malloc,
    .free = f_free,
    .calloc = f_calloc,
    .realloc = f_realloc,
    .reallocarray = f_reallocarray,
    .aligned_alloc = f_aligned_alloc,
    .posix_memalign = f_posix_memalign,
    .memalign = f_memalign,
    .valloc = f_valloc,
    .pvalloc = f_pvalloc,
    .usable_size = f_usable_size,
    .free_sized = f_free_sized,
    .free_aligned_sized = f_free_aligned_sized,
};

/* ---- the tables ------------------------------------------------------ */

static const struct hs_subject mspace_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref-mspace",
    .version = "hsr-mspace 1",
    .description = "heapspec reference dlmalloc-style mspace (ref/mspace)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = open_mspace_family,
    .close = ctx_close,
    .mspace_ops = &mspace_ops,
    .check = ctx_check,
};

static const struct hs_subject malloc_subject = {
    .struct_size = sizeof(struct hs_subject),
    .abi_version = HS_ABI_VERSION,
    .name = "ref",
    .version = "hsr-mspace 1",
    .description = "heapspec reference malloc: one locked mspace per context (ref/mspace)",
    .flags = HS_SUBJECT_REFERENCE,
    .open = open_malloc_family,
    .close = ctx_close,
    .malloc_ops = &malloc_ops,
    .check = ctx_check,
};

const struct hs_subject *hsr_mspace_subject(void) {
    return &mspace_subject;
}

const struct hs_subject *hsr_malloc_subject(void) {
    return &malloc_subject;
}
