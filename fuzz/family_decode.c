/* family_decode.c — the generic family harness's byte format (see
 * family_decode.h). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz/data_producer.h"
#include "fuzz/family_decode.h"

#define NULL_BYTE 0xFFu
#define BOUNDARY_CLASS 0xF0u
#define LARGE_CLASS 0xC0u
#define NSMALL 10u  /* classes 0..9: values below 512 */
#define NLARGE 12u  /* classes 10..21: values up to 2^21 - 1 */
#define HEADER_LIMIT 0xD0u
#define LIMIT_UNIT ((uint64_t)64 << 10)

static const uint64_t boundary[16] = {
    0, 1, 2, 3, 4095, 4096, 4097, 65535, 65536, 65537, (uint64_t)1 << 20, ((uint64_t)1 << 20) + 1,
    (uint64_t)1 << 24, UINT32_MAX, (uint64_t)1 << 32, UINT64_MAX,
};

/* Ops the fuzzer never makes: they fork or start threads (slow, and not
 * deterministic per input), or belong to the hardening profile. */
static const struct {
    const char *family, *op;
} skipped_ops[] = {
    {"ring", "spsc"},
    {"region", "fork_write"},
    {"region", "fork_set_prot"},
    {"region", "unmap_foreign"},
    {"spaces", "fork"},
};

/* Bounds on numbers that cost memory or time: number `idx` (0: a, 1: b,
 * 2: c) of op `op` of `family` is at most `max` (clamped), or, with rel < 3,
 * at most number `rel` + `max` (wrapped: see bounded()). (The PROT of map and set_prot is not bounded: the
 * checker judges the uint32_t the ABI passes, and a bit outside
 * READ|WRITE|EXEC may be refused with -EINVAL; both found by this harness.) */
#define NOREL 3u /* an absolute bound */
#define HUGE 4u  /* an absolute bound, but a number above PTRDIFF_MAX passes:
                  * every subject must refuse such a size at once, at no cost
                  * (MSPACE-HUGE-1; calloc's overflow, MSPACE-CALLOC-2) */

/* The budget column (family_decode.h, "Budgets"): a number with one is
 * also cut to what the input's ops before it left of that budget.
 *   - Steps: a buddy churn step is an alloc or a free judged four ways (the
 *     call, block_size, free_bytes, largest_free against the shadow). With
 *     counts of 32 and up to 500 ops an input could make 16,000 of them; the
 *     corpora of ten-minute runs held inputs of up to 5,000 steps, and a
 *     tenth of their inputs had more than 400. Their mutants took most of a
 *     run.
 *   - Bytes: the bytes of ring writes, reads and peeks are made, copied in,
 *     copied out and verified. With sizes of 64 KiB an input could move
 *     32 MiB; the corpora held inputs of up to 8 MiB, and a run that kept
 *     such inputs early spent 72% of its time in ring I/O (13,222 exec/s).
 *     At 1 MiB a run still fell to 10,700; at 256 KiB the same seed ran
 *     19,159.
 *   - Ring churn steps are charged to the steps: a churn's sizes are drawn
 *     in the checker, from the ring's capacity (1 step in 8 up to 1.5 x
 *     capacity, 6 KiB on average in a 64 KiB ring), so the decoder cannot
 *     count their bytes. Uncharged, they were the ring's way around the
 *     byte budget: a ten-minute corpus's slowest inputs were 22 to 51
 *     churns of 32 steps on rings of up to 64 KiB, 200 to 300 us each. */
static const struct {
    const char *family, *op;
    unsigned idx;
    uint64_t max;
    unsigned rel;   /* NOREL, HUGE, or the number the bound is added to */
    uint8_t budget; /* hsf_budget_kind: the input's budget it is charged to */
} limits[] = {
    {"ring", "create", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_NONE},
    {"ring", "write", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_BYTES},
    {"ring", "read", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_BYTES},
    {"ring", "peek", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_BYTES},
    {"ring", "churn", 1, 32, NOREL, HSF_BUDGET_STEPS},
    {"buddy", "create", 0, 20, NOREL, HSF_BUDGET_NONE},
    /* MAX <= MIN + 12: init and the walker are linear in 2^(MAX-MIN), and
     * 2^16 nodes made buddy_create 90% of a run (the corpus has the deep
     * ones); wrapped, so the depths 0..12 are equally likely */
    {"buddy", "create", 1, 12, 0, HSF_BUDGET_NONE},
    {"buddy", "alloc", 0, (uint64_t)1 << 21, NOREL, HSF_BUDGET_NONE},
    {"buddy", "alloc_order", 0, 24, NOREL, HSF_BUDGET_NONE},
    {"buddy", "churn", 1, 32, NOREL, HSF_BUDGET_STEPS},
    {"mspace", "create", 0, (uint64_t)16 << 20, NOREL, HSF_BUDGET_NONE},
    {"mspace", "create_with_base", 0, (uint64_t)16 << 20, NOREL, HSF_BUDGET_NONE},
    {"mspace", "malloc", 0, (uint64_t)1 << 16, HUGE, HSF_BUDGET_NONE},
    {"mspace", "calloc", 0, (uint64_t)1 << 16, HUGE, HSF_BUDGET_NONE},
    {"mspace", "calloc", 1, 16, NOREL, HSF_BUDGET_NONE},
    {"mspace", "memalign", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_NONE},
    {"mspace", "memalign", 1, (uint64_t)1 << 16, HUGE, HSF_BUDGET_NONE},
    {"mspace", "realloc", 0, (uint64_t)1 << 16, HUGE, HSF_BUDGET_NONE},
    {"mspace", "realloc_in_place", 0, (uint64_t)1 << 16, NOREL, HSF_BUDGET_NONE},
    {"mspace", "trim", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "create", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "set_size", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "map_shared", 1, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "map_shared", 2, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "map_private", 1, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "map_private", 2, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "write", 0, 256, NOREL, HSF_BUDGET_NONE},
    {"region", "pin", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "pin", 1, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "unpin", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "unpin", 1, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "pin_status", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"region", "pin_status", 1, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    /* gc: heaps of at most 1 MiB, small objects, bounded loops (an exhaust
     * of 512 objects of <= 64 KiB, a churn of 256 steps). Smaller, for gc and
     * spaces, than the corpus uses: a
     * reference subject runs its walker (a whole-heap check) after every
     * call, and at 4-16 MiB with 1024-step loops a run took 20-1000 ms */
    {"gc", "create", 0, (uint64_t)1 << 20, NOREL, HSF_BUDGET_NONE},
    {"gc", "alloc", 0, 64, NOREL, HSF_BUDGET_NONE},
    {"gc", "alloc", 1, (uint64_t)64 << 10, NOREL, HSF_BUDGET_NONE},
    {"gc", "set", 0, 64, NOREL, HSF_BUDGET_NONE},
    {"gc", "get", 0, 64, NOREL, HSF_BUDGET_NONE},
    {"gc", "exhaust", 0, (uint64_t)64 << 10, NOREL, HSF_BUDGET_NONE},
    {"gc", "exhaust", 1, 512, NOREL, HSF_BUDGET_NONE},
    {"gc", "churn", 1, 256, NOREL, HSF_BUDGET_NONE},
    /* spaces: capacities of at most 4 MiB; objects of <= 256 KiB (past the
     * large threshold, bounded bytes to fill and verify); bounded loops */
    {"spaces", "create", 0, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "create", 1, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "create", 2, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "create_t4k", 0, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "create_t4k", 1, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "create_t4k", 2, (uint64_t)4 << 20, NOREL, HSF_BUDGET_NONE},
    {"spaces", "alloc", 0, (uint64_t)256 << 10, NOREL, HSF_BUDGET_NONE},
    {"spaces", "fill", 0, (uint64_t)256 << 10, NOREL, HSF_BUDGET_NONE},
    {"spaces", "fill", 2, 256, NOREL, HSF_BUDGET_NONE},
    {"spaces", "churn", 1, 256, NOREL, HSF_BUDGET_NONE},
};

static bool skipped(const char *family, const char *op)
{
    for (size_t i = 0; i < sizeof skipped_ops / sizeof skipped_ops[0]; i++)
        if (strcmp(skipped_ops[i].family, family) == 0 && strcmp(skipped_ops[i].op, op) == 0)
            return true;
    return false;
}

/* The bound of number idx of op d, or UINT64_MAX, what it is relative to
 * and the budget it is charged to (looked up once, by hsf_family_init, into
 * f->max, f->rel and f->budget). */
static uint64_t lookup_bound(const struct hsf_family *f, const struct hst_opdesc *d, unsigned idx,
                             uint8_t *rel, uint8_t *budget)
{
    *rel = NOREL;
    *budget = HSF_BUDGET_NONE;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (limits[i].idx == idx && strcmp(limits[i].family, f->fam->name) == 0 &&
            strcmp(limits[i].op, d->name) == 0) {
            *rel = (uint8_t)(limits[i].rel < idx || limits[i].rel == HUGE ? limits[i].rel
                                                                           : NOREL);
            *budget = limits[i].budget;
            return limits[i].max;
        }
    return UINT64_MAX;
}

/* Number i of an op of slot, as v bounded; nums[0 .. i-1] are its numbers
 * before it (a relative bound adds to one of them). */
static uint64_t bounded(const struct hsf_family *f, unsigned slot, unsigned i, uint64_t v,
                        const uint64_t *const *nums)
{
    uint64_t max = f->max[slot][i];
    unsigned rel = f->rel[slot][i];
    if (rel < i) {
        /* Relative: v above base + max wraps into [base, base + max] (a v
         * below base, an error the checker judges, stays). Clamping would
         * make the widest case the usual one: most random bytes are large,
         * and a buddy of 2^12 blocks is the walker's slowest. */
        uint64_t base = *nums[rel];
        if (v > base && v - base > max)
            return base + (v - base) % (max + 1);
        return v;
    }
    if (rel == HUGE && v > (uint64_t)PTRDIFF_MAX)
        return v;
    return v > max ? max : v;
}

void hsf_family_budget_init(struct hsf_family_budget *b)
{
    b->left[HSF_BUDGET_NONE] = UINT64_MAX; /* never charged */
    b->left[HSF_BUDGET_STEPS] = HSF_FAM_STEP_BUDGET;
    b->left[HSF_BUDGET_BYTES] = HSF_FAM_BYTE_BUDGET;
}

/* Number i of an op of slot, bounded (bounded()) and, when it is charged to
 * a budget, cut to what is left of it and charged. */
static uint64_t charged(const struct hsf_family *f, unsigned slot, unsigned i, uint64_t v,
                        const uint64_t *const *nums, struct hsf_family_budget *bud)
{
    v = bounded(f, slot, i, v, nums);
    uint8_t k = f->budget[slot][i];
    if (k != HSF_BUDGET_NONE) {
        if (v > bud->left[k])
            v = bud->left[k];
        bud->left[k] -= v;
    }
    return v;
}

int hsf_family_init(struct hsf_family *f, const char *name)
{
    memset(f, 0, sizeof *f);
    f->fam = hst_family_find(name, strlen(name));
    if (f->fam == NULL)
        return -1;
    for (size_t i = 0; i < f->fam->nops && f->nallowed < sizeof f->allowed; i++)
        if (!skipped(name, f->fam->ops[i].name)) {
            for (unsigned k = 0; k < 3; k++)
                f->max[f->nallowed][k] = lookup_bound(f, &f->fam->ops[i], k,
                                                      &f->rel[f->nallowed][k],
                                                      &f->budget[f->nallowed][k]);
            f->allowed[f->nallowed++] = (uint8_t)i;
        }
    return f->nallowed > 0 ? 0 : -1;
}

static unsigned class_bytes(unsigned k)
{
    return (k - 1 + 7) / 8;
}

static uint64_t read_num(struct hsf_dp *dp)
{
    unsigned c = hsf_dp_u8(dp);
    if (c >= BOUNDARY_CLASS)
        return boundary[c & 15u];
    unsigned k = c >= LARGE_CLASS ? NSMALL + (c - LARGE_CLASS) % NLARGE : c % NSMALL;
    if (k == 0)
        return 0;
    uint64_t base = (uint64_t)1 << (k - 1);
    return base + (hsf_dp_bytes(dp, class_bytes(k)) & (base - 1));
}

static uint32_t read_id(struct hsf_dp *dp, bool nullable)
{
    unsigned b = hsf_dp_u8(dp);
    if (nullable && b == NULL_BYTE)
        return HST_NULL_ID;
    return b % HSF_FAM_IDS;
}

int hsf_family_decode(const struct hsf_family *f, const uint8_t *data, size_t size,
                      struct hst_arena *a, struct hsf_family_input *out)
{
    struct hsf_dp dp;
    memset(out, 0, sizeof *out);
    out->cs.name = "fuzz";
    out->cs.file = "fuzz";
    out->cs.family = f->fam->name;
    out->cs.fam = f->fam;
    out->cs.ops = hst_arena_alloc(a, sizeof(struct hst_op) * HSF_FAM_MAX_OPS);
    if (out->cs.ops == NULL)
        return -1;
    hsf_dp_init(&dp, data, size);
    unsigned h = hsf_dp_u8(&dp);
    if (h >= HEADER_LIMIT && h < HEADER_LIMIT + 16u && strcmp(f->fam->name, "mspace") == 0)
        out->footprint_limit = (h - HEADER_LIMIT + 1u) * LIMIT_UNIT;
    out->cs.footprint_limit = out->footprint_limit;
    uint32_t n = 0;
    struct hsf_family_budget bud;
    hsf_family_budget_init(&bud);
    while (n < HSF_FAM_MAX_OPS && !hsf_dp_empty(&dp)) {
        unsigned slot = hsf_dp_u8(&dp) % f->nallowed;
        const struct hst_opdesc *d = &f->fam->ops[f->allowed[slot]];
        struct hst_op *op = &out->cs.ops[n++];
        memset(op, 0, sizeof *op);
        op->kind = d->kind;
        op->dst = op->src = HST_NULL_ID;
        if (d->nids >= 1)
            op->dst = read_id(&dp, d->id_may_be_null);
        if (d->nids >= 2)
            op->src = read_id(&dp, true);
        if (d->words != NULL && d->nwords > 0) {
            op->a = hsf_dp_u8(&dp) % d->nwords;
            continue;
        }
        uint64_t *num[3] = {&op->a, &op->b, &op->c};
        for (unsigned i = 0; i < d->nnums && i < 3; i++) {
            *num[i] = charged(f, slot, i, read_num(&dp), (const uint64_t *const *)num, &bud);
        }
    }
    out->cs.nops = n;
    return 0;
}

/* ------------------------------------------------------------- encoder */

uint8_t hsf_family_encode_header(const struct hsf_family *f, uint64_t footprint_limit)
{
    if (footprint_limit == 0 || strcmp(f->fam->name, "mspace") != 0)
        return 0;
    uint64_t u = (footprint_limit + LIMIT_UNIT - 1) / LIMIT_UNIT;
    return (uint8_t)(HEADER_LIMIT + (u > 16 ? 16 : u) - 1);
}

static unsigned bit_length(uint64_t v)
{
    unsigned n = 0;
    for (; v; v >>= 1)
        n++;
    return n;
}

/* Appends NUM for v; returns the value it decodes to (before the bound). */
static uint64_t put_num(uint8_t *out, size_t *len, uint64_t v)
{
    unsigned k = bit_length(v);
    if (k > NSMALL + NLARGE - 1) {
        unsigned i = 0;
        while (i < 16 && boundary[i] != v)
            i++;
        if (i < 16) {
            out[(*len)++] = (uint8_t)(BOUNDARY_CLASS + i);
            return v;
        }
        k = NSMALL + NLARGE - 1; /* the largest class's top value */
        v = ((uint64_t)1 << k) - 1;
    }
    out[(*len)++] = (uint8_t)(k < NSMALL ? k : LARGE_CLASS + (k - NSMALL));
    if (k > 0) {
        uint64_t rest = v - ((uint64_t)1 << (k - 1));
        for (unsigned i = 0; i < class_bytes(k); i++)
            out[(*len)++] = (uint8_t)(rest >> (8 * i));
    }
    return v;
}

static uint32_t put_id(uint8_t *out, size_t *len, uint32_t id, bool nullable)
{
    if (nullable && id == HST_NULL_ID) {
        out[(*len)++] = NULL_BYTE;
        return HST_NULL_ID;
    }
    uint32_t v = id == HST_NULL_ID ? 0 : id % HSF_FAM_IDS;
    out[(*len)++] = (uint8_t)v;
    return v;
}

size_t hsf_family_encode_op(const struct hsf_family *f, const struct hst_op *op, uint8_t *out,
                            struct hst_op *canon, struct hsf_family_budget *bud)
{
    unsigned slot = f->nallowed;
    for (unsigned i = 0; i < f->nallowed; i++)
        if (f->fam->ops[f->allowed[i]].kind == op->kind) {
            slot = i;
            break;
        }
    if (slot == f->nallowed)
        return 0;
    const struct hst_opdesc *d = &f->fam->ops[f->allowed[slot]];
    size_t len = 0;
    memset(canon, 0, sizeof *canon);
    canon->kind = op->kind;
    canon->dst = canon->src = HST_NULL_ID;
    out[len++] = (uint8_t)slot;
    if (d->nids >= 1)
        canon->dst = put_id(out, &len, op->dst, d->id_may_be_null);
    if (d->nids >= 2)
        canon->src = put_id(out, &len, op->src, true);
    if (d->words != NULL && d->nwords > 0) {
        canon->a = op->a % d->nwords;
        out[len++] = (uint8_t)canon->a;
        return len;
    }
    const uint64_t in[3] = {op->a, op->b, op->c};
    uint64_t *num[3] = {&canon->a, &canon->b, &canon->c};
    for (unsigned i = 0; i < d->nnums && i < 3; i++) {
        *num[i] = charged(f, slot, i, put_num(out, &len, in[i]), (const uint64_t *const *)num,
                          bud);
    }
    return len;
}

/* ------------------------------------------------------------- printer */

void hsf_family_print_case(FILE *out, const struct hsf_family *f,
                           const struct hsf_family_input *in, const char *name,
                           const char *clauses)
{
    char line[256];
    const char *dflt = "";
    for (int c = 0; c < HSC_COUNT; c++)
        if (strcmp(hst_clauses[c].family, f->fam->name) == 0) {
            dflt = hst_clauses[c].id;
            break;
        }
    fprintf(out, "# decoded from a fuzz input by fuzz/family_fuzzer.c (fuzz/family_decode.h)\n");
    if (in->footprint_limit)
        fprintf(out, "# open() with footprint_limit %llu (not expressible in the trace format)\n",
                (unsigned long long)in->footprint_limit);
    fprintf(out, "case %s\nfamily %s\nclauses %s\n", name, f->fam->name,
            clauses != NULL && clauses[0] ? clauses : dflt);
    for (uint32_t i = 0; i < in->cs.nops; i++) {
        hst_op_format_in(f->fam, &in->cs.ops[i], line, sizeof line);
        fprintf(out, "%s\n", line);
    }
    fprintf(out, "end\n");
}
