/* trace.c — the corpus reader: text traces into cases (conformance/TRACE.md).
 *
 * Every problem in the input is an error with file:line; nothing here aborts.
 * All memory comes from the caller's arena. */
#include <ctype.h>
#include <dirent.h>
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_internal.h"

#define MAX_TOKENS 16
#define MAX_OPS_PER_CASE (1u << 22)

static const char *const harden_kinds[] = {"double_free", "interior_free", "foreign_free",
                                           "uaf_write"};

/* The malloc family's grammar; other families bring their own tables. */
static const struct hst_opdesc malloc_ops[] = {
    {"malloc", HSO_MALLOC, 1, 1, false, NULL, 0},
    {"calloc", HSO_CALLOC, 1, 2, false, NULL, 0},
    {"realloc", HSO_REALLOC, 2, 1, false, NULL, 0},
    {"reallocarray", HSO_REALLOCARRAY, 2, 2, false, NULL, 0},
    {"aligned_alloc", HSO_ALIGNED_ALLOC, 1, 2, false, NULL, 0},
    {"posix_memalign", HSO_POSIX_MEMALIGN, 1, 2, false, NULL, 0},
    {"memalign", HSO_MEMALIGN, 1, 2, false, NULL, 0},
    {"valloc", HSO_VALLOC, 1, 1, false, NULL, 0},
    {"pvalloc", HSO_PVALLOC, 1, 1, false, NULL, 0},
    {"free", HSO_FREE, 1, 0, true, NULL, 0},
    {"free_sized", HSO_FREE_SIZED, 1, 0, false, NULL, 0},
    {"free_aligned_sized", HSO_FREE_ALIGNED_SIZED, 1, 0, false, NULL, 0},
    {"usable_size", HSO_USABLE_SIZE, 1, 0, true, NULL, 0},
    {"write_usable", HSO_WRITE_USABLE, 1, 0, false, NULL, 0},
    {"verify", HSO_VERIFY, 0, 0, false, NULL, 0},
    {"threads", HSO_THREADS, 0, 3, false, NULL, 0},
    {"cross_free", HSO_CROSS_FREE, 0, 2, false, NULL, 0},
    {"thread_exit", HSO_THREAD_EXIT, 0, 2, false, NULL, 0},
    {"fork_under_threads", HSO_FORK, 0, 2, false, NULL, 0},
    {"interpose", HSO_INTERPOSE, 0, 0, false, NULL, 0},
    {"reuse", HSO_REUSE, 0, 2, false, NULL, 0},
    {"churn", HSO_CHURN, 0, 2, false, NULL, 0},
    {"harden", HSO_HARDEN, 0, 0, false, harden_kinds, 4},
};

static bool malloc_offered(const struct hs_subject *s)
{
    return s->malloc_ops != NULL;
}

const struct hst_family hst_malloc_family = {
    "malloc", malloc_ops, sizeof malloc_ops / sizeof malloc_ops[0], hst_malloc_run,
    malloc_offered, HSC_MALLOC_SELFCHECK_1,
};

/* The other families live in their own <family>_check.c; a family whose file
 * is not built is simply absent (weak references resolve to NULL). */
extern const struct hst_family hst_mspace_family __attribute__((weak));
extern const struct hst_family hst_region_family __attribute__((weak));
extern const struct hst_family hst_ring_family __attribute__((weak));
extern const struct hst_family hst_buddy_family __attribute__((weak));
extern const struct hst_family hst_gc_family __attribute__((weak));
extern const struct hst_family hst_spaces_family __attribute__((weak));

const struct hst_family *hst_families[16];

__attribute__((constructor)) static void families_init(void)
{
    const struct hst_family *all[] = {&hst_malloc_family, &hst_mspace_family, &hst_region_family,
                                      &hst_ring_family,   &hst_buddy_family,  &hst_gc_family,
                                      &hst_spaces_family};
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i] != NULL)
            hst_families[n++] = all[i];
    hst_families[n] = NULL;
}

const struct hst_family *hst_family_find(const char *name, size_t len)
{
    for (size_t i = 0; hst_families[i] != NULL; i++)
        if (strlen(hst_families[i]->name) == len && memcmp(hst_families[i]->name, name, len) == 0)
            return hst_families[i];
    return NULL;
}

int hst_family_index(const struct hst_family *f)
{
    for (int i = 0; hst_families[i] != NULL; i++)
        if (hst_families[i] == f)
            return i;
    return 0;
}

int hst_family_index_of(const char *name)
{
    const struct hst_family *f = hst_family_find(name, strlen(name));
    return f ? hst_family_index(f) : -1;
}

static const struct hst_opdesc *desc_of(const struct hst_family *f, unsigned kind)
{
    for (size_t i = 0; i < f->nops; i++)
        if (f->ops[i].kind == kind)
            return &f->ops[i];
    return NULL;
}

const char *hst_op_name(unsigned kind)
{
    const struct hst_opdesc *d = desc_of(&hst_malloc_family, kind);
    return d ? d->name : "?";
}

static const struct hst_opdesc *op_find(const struct hst_family *f, const char *s, size_t n)
{
    for (size_t i = 0; i < f->nops; i++)
        if (strlen(f->ops[i].name) == n && memcmp(f->ops[i].name, s, n) == 0)
            return &f->ops[i];
    return NULL;
}

/* ------------------------------------------------------------ helpers */

struct parser {
    struct hst_arena *arena;
    struct hst_corpus *corpus;
    const char *file;
    uint32_t line;
    char *err;
    size_t errlen;
    struct hst_case *cur; /* open case, or NULL */
    uint32_t ops_cap;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%u: %s", p->file, p->line, msg);
    return -1;
}

struct tok {
    const char *s;
    size_t n;
};

static bool tok_is(const struct tok *t, const char *w)
{
    return strlen(w) == t->n && memcmp(t->s, w, t->n) == 0;
}

/* Splits a line into tokens; a token starting with '#' but not "#<digit>"
 * starts a comment. Returns the count, or -1 when there are too many. */
static int tokenize(const char *s, size_t len, struct tok *t)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i >= len)
            break;
        if (s[i] == '#' && !(i + 1 < len && isdigit((unsigned char)s[i + 1])))
            break;
        size_t start = i;
        while (i < len && !isspace((unsigned char)s[i]))
            i++;
        if (n == MAX_TOKENS)
            return -1;
        t[n].s = s + start;
        t[n].n = i - start;
        n++;
    }
    return n;
}

static bool add_overflows(uint64_t a, uint64_t b, bool sub, uint64_t *out)
{
    if (sub) {
        if (b > a)
            return true;
        *out = a - b;
        return false;
    }
    return __builtin_add_overflow(a, b, out);
}

/* term: decimal | 0xhex | SIZE_MAX | PTRDIFF_MAX | PAGE | MAXALIGN, with an
 * optional K/M/G suffix on plain numbers; expr: term {(+|-) term}. */
static int parse_term(const char *s, size_t n, uint64_t *out)
{
    static const struct {
        const char *name;
        uint64_t v;
    } syms[] = {{"SIZE_MAX", SIZE_MAX},
                {"PTRDIFF_MAX", PTRDIFF_MAX},
                {"PAGE", 0},
                {"MAXALIGN", _Alignof(max_align_t)}};
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
        if (strlen(syms[i].name) == n && memcmp(syms[i].name, s, n) == 0) {
            *out = syms[i].v ? syms[i].v : (uint64_t)hst_page_size();
            return 0;
        }
    if (n == 0)
        return -1;
    uint64_t v = 0, mul = 1;
    size_t i = 0;
    char last = s[n - 1];
    if (last == 'K' || last == 'M' || last == 'G') {
        mul = last == 'K' ? 1024u : last == 'M' ? 1024u * 1024u : 1024u * 1024u * 1024u;
        n--;
    }
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        i = 2;
        for (; i < n; i++) {
            int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
                    : (s[i] >= 'a' && s[i] <= 'f') ? s[i] - 'a' + 10
                    : (s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 10
                                                   : -1;
            if (d < 0 || v > (UINT64_MAX >> 4))
                return -1;
            v = (v << 4) | (uint64_t)d;
        }
    } else {
        for (; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                return -1;
            if (__builtin_mul_overflow(v, 10u, &v) ||
                __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
                return -1;
        }
    }
    if (__builtin_mul_overflow(v, mul, &v))
        return -1;
    *out = v;
    return 0;
}

static int parse_num(const struct tok *t, uint64_t *out)
{
    size_t i = 0, start = 0;
    uint64_t acc = 0;
    bool sub = false, first = true;
    for (i = 0; i <= t->n; i++) {
        if (i == t->n || ((t->s[i] == '+' || t->s[i] == '-') && i > start)) {
            uint64_t v;
            if (parse_term(t->s + start, i - start, &v) != 0)
                return -1;
            if (first) {
                acc = v;
                first = false;
            } else if (add_overflows(acc, v, sub, &acc)) {
                return -1;
            }
            if (i < t->n)
                sub = t->s[i] == '-';
            start = i + 1;
        }
    }
    *out = acc;
    return 0;
}

static int parse_id(struct parser *p, const struct tok *t, bool may_be_null, uint32_t *out)
{
    if (tok_is(t, "null")) {
        if (!may_be_null)
            return fail(p, "`null` is not allowed here");
        *out = HST_NULL_ID;
        return 0;
    }
    if (t->n < 2 || t->s[0] != '#')
        return fail(p, "expected a block id like #1, got `%.*s`", (int)t->n, t->s);
    uint64_t v = 0;
    for (size_t i = 1; i < t->n; i++) {
        if (!isdigit((unsigned char)t->s[i]) || (v = v * 10u + (uint64_t)(t->s[i] - '0')) > HST_MAX_ID)
            return fail(p, "bad block id `%.*s` (#0..#%u)", (int)t->n, t->s, HST_MAX_ID);
    }
    *out = (uint32_t)v;
    return 0;
}

static int push_op(struct parser *p, const struct hst_op *op)
{
    struct hst_case *c = p->cur;
    if (c->nops == p->ops_cap) {
        if (p->ops_cap >= MAX_OPS_PER_CASE)
            return fail(p, "case %s has more than %u operations", c->name, MAX_OPS_PER_CASE);
        uint32_t ncap = p->ops_cap ? p->ops_cap * 2u : 64u;
        struct hst_op *n = hst_arena_alloc(p->arena, sizeof *n * ncap);
        if (n == NULL)
            return fail(p, "out of memory reading the corpus");
        if (c->nops)
            memcpy(n, c->ops, sizeof *n * c->nops);
        c->ops = n;
        p->ops_cap = ncap;
    }
    c->ops[c->nops++] = *op;
    return 0;
}

/* --------------------------------------------------------- generators */

/* random SEED COUNT [MAXSIZE]: a reproducible mix over ids 1000..1255. */
static int gen_random(struct parser *p, uint64_t seed, uint64_t count, uint64_t maxsize)
{
    enum { BASE = 1000, NIDS = 256 };
    bool live[NIDS] = {false};
    uint64_t x = seed;
    if (maxsize < 1)
        return fail(p, "random: MAXSIZE must be at least 1");
    for (uint64_t i = 0; i < count; i++) {
        x = hst_mix(x);
        uint32_t slot = (uint32_t)(x % NIDS);
        uint32_t id = BASE + slot;
        uint64_t r = (x >> 8) % 100u;
        uint64_t y = hst_mix(x ^ 0x5bd1e995u);
        /* log-uniform size in [1, maxsize]: small blocks dominate, as in real programs */
        unsigned bits = 64u - (unsigned)__builtin_clzll(maxsize);
        uint64_t sz = (y >> 7) & ((1ull << ((y % bits) + 1u)) - 1u);
        if (sz > maxsize)
            sz = maxsize;
        if (sz == 0 && (y & 1u))
            sz = 1;
        struct hst_op op = {0};
        op.line = p->line;
        op.src = HST_NULL_ID;
        if (!live[slot]) {
            op.dst = id;
            if (r < 70) {
                op.kind = HSO_MALLOC;
                op.a = sz;
            } else if (r < 80) {
                op.kind = HSO_CALLOC;
                op.a = (sz % 16u) + 1u;
                op.b = sz / op.a + 1u;
            } else if (r < 90) {
                op.kind = HSO_REALLOC;
                op.a = sz;
            } else {
                static const uint64_t al[] = {16, 32, 64, 128, 256, 4096};
                op.kind = (r & 1u) ? HSO_POSIX_MEMALIGN : HSO_ALIGNED_ALLOC;
                op.a = al[y % 6u];
                op.b = sz;
            }
            live[slot] = true;
        } else if (r < 55) {
            op.kind = HSO_FREE;
            op.dst = id;
            live[slot] = false;
        } else if (r < 85) {
            op.kind = HSO_REALLOC;
            op.dst = op.src = id;
            op.a = sz;
        } else if (r < 99) {
            op.kind = HSO_USABLE_SIZE;
            op.dst = id;
        } else {
            op.kind = HSO_VERIFY;
        }
        if (push_op(p, &op) != 0)
            return -1;
    }
    return 0;
}

/* The sizes each_huge walks: (PTRDIFF_MAX, SIZE_MAX] from both ends. */
static uint32_t huge_sizes(uint64_t *out)
{
    uint32_t n = 0;
    for (unsigned k = 0; k < 63; k++)
        out[n++] = (uint64_t)PTRDIFF_MAX + (1ull << k);
    for (unsigned k = 0; k < 63; k++)
        out[n++] = UINT64_MAX - ((1ull << k) - 1u);
    out[n++] = UINT64_MAX - 4095u;
    out[n++] = UINT64_MAX - 15u;
    out[n++] = UINT64_MAX - 7u;
    return n;
}

static int parse_op_line(struct parser *p, struct tok *t, int nt);

static int gen_each_huge(struct parser *p, struct tok *t, int nt)
{
    uint64_t sizes[160];
    uint32_t n = huge_sizes(sizes);
    char buf[MAX_TOKENS][32];
    for (uint32_t i = 0; i < n; i++) {
        struct tok sub[MAX_TOKENS];
        for (int k = 1; k < nt; k++) {
            if (tok_is(&t[k], "$N")) {
                int len = snprintf(buf[k], sizeof buf[k], "0x%llx", (unsigned long long)sizes[i]);
                sub[k - 1].s = buf[k];
                sub[k - 1].n = (size_t)len;
            } else {
                sub[k - 1] = t[k];
            }
        }
        if (parse_op_line(p, sub, nt - 1) != 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- lines */

static int parse_op_line(struct parser *p, struct tok *t, int nt)
{
    const struct hst_family *fam = p->cur->fam;
    if (fam == &hst_malloc_family && tok_is(&t[0], "random")) {
        uint64_t seed, count, maxsize = 4096;
        if (nt < 3 || nt > 4 || parse_num(&t[1], &seed) || parse_num(&t[2], &count) ||
            (nt == 4 && parse_num(&t[3], &maxsize)))
            return fail(p, "usage: random SEED COUNT [MAXSIZE]");
        if (count > MAX_OPS_PER_CASE)
            return fail(p, "random: COUNT above %u", MAX_OPS_PER_CASE);
        return gen_random(p, seed, count, maxsize);
    }
    if (fam == &hst_malloc_family && tok_is(&t[0], "each_huge")) {
        if (nt < 2)
            return fail(p, "usage: each_huge OP ARGS... with $N for the size");
        return gen_each_huge(p, t, nt);
    }
    const struct hst_opdesc *d = op_find(fam, t[0].s, t[0].n);
    if (d == NULL)
        return fail(p, "unknown operation `%.*s` (family %s)", (int)t[0].n, t[0].s, fam->name);
    struct hst_op op = {0};
    op.kind = d->kind;
    op.line = p->line;
    op.dst = op.src = HST_NULL_ID;
    if (d->words != NULL) {
        if (nt == 2)
            for (uint64_t k = 0; k < d->nwords; k++)
                if (tok_is(&t[1], d->words[k])) {
                    op.a = k;
                    return push_op(p, &op);
                }
        char list[256];
        size_t n = 0;
        list[0] = '\0';
        for (uint8_t k = 0; k < d->nwords && n + 2 < sizeof list; k++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", k ? "|" : "", d->words[k]);
        if (nt == 2)
            return fail(p, "unknown %s kind `%.*s` (%s)", d->name, (int)t[1].n, t[1].s, list);
        return fail(p, "usage: %s %s", d->name, list);
    }
    int want = 1 + d->nids + d->nnums;
    if (nt != want)
        return fail(p, "`%s` takes %d argument%s, got %d", d->name, want - 1, want == 2 ? "" : "s",
                    nt - 1);
    int k = 1;
    if (d->nids >= 1 && parse_id(p, &t[k++], d->id_may_be_null, &op.dst) != 0)
        return -1;
    if (d->nids == 2 && parse_id(p, &t[k++], true, &op.src) != 0)
        return -1;
    uint64_t *nums[3] = {&op.a, &op.b, &op.c};
    for (int i = 0; i < d->nnums; i++, k++)
        if (parse_num(&t[k], nums[i]) != 0)
            return fail(p, "bad number `%.*s`", (int)t[k].n, t[k].s);
    if (fam == &hst_malloc_family &&
        (d->kind == HSO_THREADS || d->kind == HSO_CROSS_FREE || d->kind == HSO_FORK ||
         d->kind == HSO_THREAD_EXIT) &&
        (op.a == 0 || op.a > 64))
        return fail(p, "`%s`: thread count must be 1..64", d->name);
    if (fam == &hst_malloc_family && d->kind >= HSO_THREADS)
        p->cur->scenario = true;
    return push_op(p, &op);
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
    struct tok t[MAX_TOKENS];
    int nt = tokenize(s, len, t);
    if (nt < 0)
        return fail(p, "too many words on one line (at most %d)", MAX_TOKENS);
    if (nt == 0)
        return 0;
    if (tok_is(&t[0], "case")) {
        if (p->cur != NULL)
            return fail(p, "`case` inside case %s (missing `end`)", p->cur->name);
        if (nt != 2)
            return fail(p, "usage: case NAME");
        for (size_t i = 0; i < t[1].n; i++) {
            char ch = t[1].s[i];
            if (!isalnum((unsigned char)ch) && ch != '-' && ch != '_' && ch != '.')
                return fail(p, "case name may hold only letters, digits, '-', '_', '.'");
        }
        for (uint32_t i = 0; i < p->corpus->ncases; i++)
            if (strlen(p->corpus->cases[i].name) == t[1].n &&
                memcmp(p->corpus->cases[i].name, t[1].s, t[1].n) == 0)
                return fail(p, "case %.*s is already defined at %s:%u", (int)t[1].n, t[1].s,
                            p->corpus->cases[i].file, p->corpus->cases[i].line);
        struct hst_corpus *c = p->corpus;
        if (c->ncases == c->cap) {
            uint32_t ncap = c->cap ? c->cap * 2u : 64u;
            struct hst_case *n = hst_arena_alloc(p->arena, sizeof *n * ncap);
            if (n == NULL)
                return fail(p, "out of memory reading the corpus");
            if (c->ncases)
                memcpy(n, c->cases, sizeof *n * c->ncases);
            c->cases = n;
            c->cap = ncap;
        }
        p->cur = &c->cases[c->ncases++];
        memset(p->cur, 0, sizeof *p->cur);
        p->cur->name = hst_arena_strdup(p->arena, t[1].s, t[1].n);
        p->cur->file = p->file;
        p->cur->line = p->line;
        p->cur->family = "malloc";
        p->cur->fam = &hst_malloc_family;
        p->cur->timeout_s = 20;
        p->ops_cap = 0;
        return p->cur->name ? 0 : fail(p, "out of memory reading the corpus");
    }
    if (p->cur == NULL)
        return fail(p, "`%.*s` outside a case (start one with `case NAME`)", (int)t[0].n, t[0].s);
    struct hst_case *c = p->cur;
    if (tok_is(&t[0], "end")) {
        if (nt != 1)
            return fail(p, "`end` takes no argument");
        if (c->nclauses == 0)
            return fail(p, "case %s names no clause (add a `clauses` line)", c->name);
        p->cur = NULL;
        return 0;
    }
    if (tok_is(&t[0], "family")) {
        const struct hst_family *f = nt == 2 ? hst_family_find(t[1].s, t[1].n) : NULL;
        if (f == NULL) {
            char list[128];
            size_t n = 0;
            for (size_t i = 0; hst_families[i] != NULL && n + 2 < sizeof list; i++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                                      hst_families[i]->name);
            return fail(p, "unknown family (this engine judges: %s)", list);
        }
        if (c->nops > 0)
            return fail(p, "`family` must come before the case's operations");
        c->fam = f;
        c->family = f->name;
        return 0;
    }
    if (tok_is(&t[0], "clauses")) {
        if (nt < 2)
            return fail(p, "usage: clauses ID...");
        for (int i = 1; i < nt; i++) {
            int id = hst_clause_find(t[i].s, t[i].n);
            if (id < 0)
                return fail(p, "unknown clause id `%.*s`", (int)t[i].n, t[i].s);
            if (c->nclauses == sizeof c->clauses / sizeof c->clauses[0])
                return fail(p, "too many clauses for one case");
            c->clauses[c->nclauses++] = id;
        }
        return 0;
    }
    if (tok_is(&t[0], "timeout")) {
        uint64_t v;
        if (nt != 2 || parse_num(&t[1], &v) || v < 1 || v > 600)
            return fail(p, "usage: timeout SECONDS (1..600)");
        c->timeout_s = (uint32_t)v;
        return 0;
    }
    if (tok_is(&t[0], "fault")) {
        uint64_t v;
        if (nt != 3 || parse_num(&t[2], &v) || v == 0)
            return fail(p, "usage: fault fail_nth N | fault footprint_limit BYTES (N, BYTES > 0)");
        if (tok_is(&t[1], "fail_nth"))
            c->fail_nth = v;
        else if (tok_is(&t[1], "footprint_limit"))
            c->footprint_limit = v;
        else
            return fail(p, "usage: fault fail_nth N | fault footprint_limit BYTES");
        return 0;
    }
    if (tok_is(&t[0], "profile")) {
        if (nt == 2 && tok_is(&t[1], "default"))
            c->profile = HST_PROFILE_DEFAULT;
        else if (nt == 2 && tok_is(&t[1], "hardening"))
            c->profile = HST_PROFILE_HARDENING;
        else
            return fail(p, "usage: profile default|hardening");
        return 0;
    }
    return parse_op_line(p, t, nt);
}

int hst_parse(struct hst_arena *a, struct hst_corpus *c, const char *file, const char *text,
              size_t len, char *err, size_t errlen)
{
    struct parser p = {a, c, file, 0, err, errlen, NULL, 0};
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        p.line++;
        for (size_t k = i; k < e; k++)
            if (text[k] == '\0')
                return fail(&p, "NUL byte in a trace file");
        if (parse_line(&p, text + i, e - i) != 0)
            return -1;
        i = e + 1;
    }
    if (p.cur != NULL)
        return fail(&p, "end of file inside case %s (missing `end`)", p.cur->name);
    return 0;
}

static int load_file(struct hst_arena *a, struct hst_corpus *c, const char *path, char *err,
                     size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
        snprintf(err, errlen, "%s: not a regular file of at most 64 MiB", path);
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *text = hst_arena_alloc(a, len + 1);
    size_t got = 0;
    while (text != NULL && got < len) {
        ssize_t n = read(fd, text + got, len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (text == NULL || got != len) {
        snprintf(err, errlen, "%s: could not read the file", path);
        return -1;
    }
    /* Report corpus files by their path in the repository, wherever they were
     * read from (runfiles, an absolute path). */
    const char *shown = strstr(path, "conformance/corpus/");
    if (shown == NULL)
        shown = path;
    const char *name = hst_arena_strdup(a, shown, strlen(shown));
    return hst_parse(a, c, name ? name : path, text, len, err, errlen);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int hst_load_path(struct hst_arena *a, struct hst_corpus *c, const char *path, char *err,
                  size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return load_file(a, c, path, err, errlen);
    DIR *d = opendir(path);
    if (d == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        struct stat sub;
        bool is_dir = stat(full, &sub) == 0 && S_ISDIR(sub.st_mode);
        if (!is_dir && (l < 7 || strcmp(e->d_name + l - 6, ".trace") != 0))
            continue;
        if (n == sizeof names / sizeof names[0]) {
            snprintf(err, errlen, "%s: more than %zu entries", path, n);
            rc = -1;
            break;
        }
        names[n] = hst_arena_strdup(a, full, strlen(full));
        if (names[n] == NULL) {
            snprintf(err, errlen, "out of memory reading the corpus");
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc != 0)
        return rc;
    qsort(names, n, sizeof names[0], cmp_str);
    for (size_t i = 0; i < n; i++)
        if (hst_load_path(a, c, names[i], err, errlen) != 0)
            return -1;
    return 0;
}

void hst_op_format_in(const struct hst_family *f, const struct hst_op *op, char *buf, size_t len)
{
    const struct hst_opdesc *d = desc_of(f, op->kind);
    if (d == NULL) {
        snprintf(buf, len, "?");
        return;
    }
    size_t n = (size_t)snprintf(buf, len, "%s", d->name);
    if (d->words != NULL) {
        snprintf(buf + n, len - n, " %s", op->a < d->nwords ? d->words[op->a] : "?");
        return;
    }
    uint32_t ids[2] = {op->dst, op->src};
    for (uint8_t i = 0; i < d->nids && n < len; i++) {
        if (ids[i] == HST_NULL_ID)
            n += (size_t)snprintf(buf + n, len - n, " null");
        else
            n += (size_t)snprintf(buf + n, len - n, " #%u", ids[i]);
    }
    const uint64_t nums[3] = {op->a, op->b, op->c};
    for (uint8_t i = 0; i < d->nnums && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, " %llu", (unsigned long long)nums[i]);
}

uint32_t hst_case_id_bound(const struct hst_case *cs)
{
    uint32_t hi = 0;
    for (uint32_t i = 0; i < cs->nops; i++) {
        const struct hst_op *op = &cs->ops[i];
        if (op->dst <= HST_MAX_ID && op->dst + 1 > hi)
            hi = op->dst + 1;
        if (op->src <= HST_MAX_ID && op->src + 1 > hi)
            hi = op->src + 1;
    }
    return hi;
}

void hst_op_format(const struct hst_op *op, char *buf, size_t len)
{
    hst_op_format_in(&hst_malloc_family, op, buf, len);
}
