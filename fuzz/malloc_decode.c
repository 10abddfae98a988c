/* malloc_decode.c — the malloc harness's byte format (see malloc_decode.h). */
#include <string.h>

#include "fuzz/data_producer.h"
#include "fuzz/malloc_decode.h"

#define NKINDS 15u /* HSO_MALLOC .. HSO_VERIFY: the non-scenario kinds */
#define NULL_BIT 0x80u
#define HUGE_CLASS 0xF0u
#define EDGE_CLASS 0xE0u
#define NCLASSES 22u
#define LARGE_CLASS 0xC0u /* C in 0xC0..0xDF: classes 13..21 */
#define NSMALL 13u        /* C below 0xC0: classes 0..12 */
#define SMALL_MASK 0xfffu /* what is kept of a size over budget */
#define ODD_ALIGN 0xC0u
#define HEADER_LIMIT 0xD0u
#define HEADER_FAIL 0xE0u
#define LIMIT_UNIT ((uint64_t)64 << 10)

#define PDMAX ((uint64_t)PTRDIFF_MAX)

/* Sizes in (PTRDIFF_MAX, SIZE_MAX]: the boundary list of MALLOC-HUGE-*. */
static const uint64_t huge_sizes[16] = {
    PDMAX + 1,           PDMAX + 2,           PDMAX + 16,          PDMAX + 4096,
    SIZE_MAX,            SIZE_MAX - 1,        SIZE_MAX - 15,       SIZE_MAX - 16,
    SIZE_MAX - 4095,     SIZE_MAX - 4096,     SIZE_MAX - 8192,     (uint64_t)3 << 62,
    0xaaaaaaaaaaaaaaaau, 0x8000000000001000u, SIZE_MAX - (2u << 20), 0xffffffff00000000u,
};

/* Odd alignments: not powers of two, below sizeof(void *), or huge. */
static const uint64_t odd_aligns[16] = {
    0, 3, 24, 2, 1, 4, 48, 4097, (uint64_t)1 << 20, (uint64_t)1 << 21, PDMAX + 1, SIZE_MAX,
    (uint64_t)1 << 40, (uint64_t)1 << 32, 12, 100,
};

/* Edge sizes; 0 stands for "page - 1 .. page + 1" style entries computed
 * from the page size at run time (see edge_size). */
static uint64_t edge_size(unsigned i)
{
    uint64_t pg = hst_page_size();
    uint64_t ma = _Alignof(max_align_t);
    switch (i & 15u) {
    case 0: return pg - 1;
    case 1: return pg;
    case 2: return pg + 1;
    case 3: return 2 * pg;
    case 4: return ma - 1;
    case 5: return ma;
    case 6: return ma + 1;
    case 7: return 3 * ma;
    case 8: return (64u << 10) - 1;
    case 9: return (128u << 10) - 1; /* glibc's mmap threshold, both sides */
    case 10: return 128u << 10;
    case 11: return (128u << 10) + 1;
    case 12: return 256u << 10;
    case 13: return (512u << 10) + 1;
    case 14: return HSF_MAX_SIZE - 1;
    default: return HSF_MAX_SIZE;
    }
}

static unsigned class_bytes(unsigned k)
{
    return (k - 1 + 7) / 8;
}

static uint64_t read_size(struct hsf_dp *dp)
{
    unsigned c = hsf_dp_u8(dp);
    if (c >= HUGE_CLASS)
        return huge_sizes[c & 15u];
    if (c >= EDGE_CLASS)
        return edge_size(c & 15u);
    unsigned k = c >= LARGE_CLASS ? NSMALL + (c - LARGE_CLASS) % (NCLASSES - NSMALL) : c % NSMALL;
    if (k == 0)
        return 0;
    if (k == NCLASSES - 1)
        return HSF_MAX_SIZE;
    uint64_t base = (uint64_t)1 << (k - 1);
    uint64_t v = hsf_dp_bytes(dp, class_bytes(k));
    return base + (v & (base - 1));
}

void hsf_malloc_budget_init(struct hsf_malloc_budget *b)
{
    b->left = HSF_BYTE_BUDGET;
    b->allocated = 0;
    b->verifies = 0;
}

static void charge(struct hsf_malloc_budget *b, uint64_t n)
{
    b->left -= n < b->left ? n : b->left;
    b->allocated += n;
}

/* The size an allocation of n may have under budget b, charged to it. */
static uint64_t spend(struct hsf_malloc_budget *b, uint64_t n)
{
    if (n > PDMAX)
        return n; /* huge: fails before touching memory */
    if (n > b->left)
        n &= SMALL_MASK;
    charge(b, n);
    return n;
}

/* spend() for a calloc / reallocarray pair: the product is what is touched. */
static void spend_pair(struct hsf_malloc_budget *b, uint64_t *n, uint64_t *m)
{
    if (*n > PDMAX || *m > PDMAX || *n == 0)
        return;
    if (*m > b->left / *n)
        *m = b->left / *n;
    charge(b, *n * *m);
}

/* True when a verify step fits in budget b (and is then charged to it). */
static bool spend_verify(struct hsf_malloc_budget *b)
{
    if (b->verifies >= HSF_MAX_VERIFY || b->allocated > b->left)
        return false;
    b->verifies++;
    b->left -= b->allocated;
    return true;
}

static uint64_t read_align(struct hsf_dp *dp)
{
    unsigned a = hsf_dp_u8(dp);
    if (a >= ODD_ALIGN)
        return odd_aligns[a & 15u];
    return (uint64_t)1 << (a % 17u);
}

/* Keeps calloc/reallocarray products within 1 MiB unless a size is huge. */
static void clamp_pair(uint64_t *n, uint64_t *m)
{
    if (*n <= HSF_MAX_SIZE && *m <= HSF_MAX_SIZE && *n * *m > HSF_MAX_SIZE)
        *m = HSF_MAX_SIZE / *n;
}

int hsf_malloc_decode(const uint8_t *data, size_t size, struct hst_arena *a,
                      struct hsf_malloc_input *out)
{
    struct hsf_dp dp;
    memset(out, 0, sizeof *out);
    out->cs.name = "fuzz";
    out->cs.file = "fuzz";
    out->cs.family = "malloc";
    out->cs.ops = hst_arena_alloc(a, sizeof(struct hst_op) * HSF_MAX_OPS);
    if (out->cs.ops == NULL)
        return -1;
    struct hsf_malloc_budget bud;
    hsf_malloc_budget_init(&bud);
    hsf_dp_init(&dp, data, size);
    unsigned h = hsf_dp_u8(&dp);
    if (h >= HEADER_FAIL)
        out->fail_nth = h - HEADER_FAIL + 1u;
    else if (h >= HEADER_LIMIT)
        out->footprint_limit = (h - HEADER_LIMIT + 1u) * LIMIT_UNIT;
    uint32_t n = 0;
    while (n < HSF_MAX_OPS && !hsf_dp_empty(&dp)) {
        unsigned k = hsf_dp_u8(&dp);
        bool null = (k & NULL_BIT) != 0;
        struct hst_op *op = &out->cs.ops[n++];
        memset(op, 0, sizeof *op);
        op->kind = (uint8_t)((k & 0x7fu) % NKINDS);
        op->src = HST_NULL_ID;
        if (op->kind == HSO_VERIFY) {
            op->dst = HST_NULL_ID;
            if (!spend_verify(&bud))
                n--; /* over budget: dropped */
            continue;
        }
        op->dst = hsf_dp_u8(&dp);
        switch (op->kind) {
        case HSO_MALLOC: case HSO_VALLOC: case HSO_PVALLOC:
            op->a = spend(&bud, read_size(&dp));
            break;
        case HSO_CALLOC:
            op->a = read_size(&dp);
            op->b = read_size(&dp);
            clamp_pair(&op->a, &op->b);
            spend_pair(&bud, &op->a, &op->b);
            break;
        case HSO_REALLOC: case HSO_REALLOCARRAY: {
            uint32_t src = hsf_dp_u8(&dp);
            op->src = null ? HST_NULL_ID : src;
            op->a = read_size(&dp);
            if (op->kind == HSO_REALLOCARRAY) {
                op->b = read_size(&dp);
                clamp_pair(&op->a, &op->b);
                spend_pair(&bud, &op->a, &op->b);
            } else {
                op->a = spend(&bud, op->a);
            }
            break;
        }
        case HSO_ALIGNED_ALLOC: case HSO_POSIX_MEMALIGN: case HSO_MEMALIGN:
            op->a = read_align(&dp);
            op->b = spend(&bud, read_size(&dp));
            break;
        case HSO_FREE: case HSO_USABLE_SIZE:
            if (null)
                op->dst = HST_NULL_ID;
            break;
        default: /* free_sized, free_aligned_sized, write_usable */
            break;
        }
    }
    out->cs.nops = n;
    return 0;
}

/* ------------------------------------------------------------- encoder */

uint8_t hsf_malloc_encode_header(uint64_t fail_nth, uint64_t footprint_limit)
{
    if (fail_nth >= 1 && fail_nth <= 32)
        return (uint8_t)(HEADER_FAIL + fail_nth - 1);
    if (footprint_limit != 0) {
        uint64_t u = (footprint_limit + LIMIT_UNIT - 1) / LIMIT_UNIT;
        return (uint8_t)(HEADER_LIMIT + (u > 16 ? 16 : u) - 1);
    }
    return 0;
}

static unsigned bit_length(uint64_t v)
{
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

/* Appends SIZE for s; returns the size it decodes to. */
static uint64_t put_size(uint8_t *out, size_t *len, uint64_t s)
{
    if (s > PDMAX) {
        unsigned i = 0;
        while (i < 16 && huge_sizes[i] != s)
            i++;
        if (i == 16)
            i = 4; /* SIZE_MAX */
        out[(*len)++] = (uint8_t)(HUGE_CLASS + i);
        return huge_sizes[i];
    }
    if (s >= HSF_MAX_SIZE) {
        out[(*len)++] = (uint8_t)(LARGE_CLASS + (NCLASSES - 1 - NSMALL));
        return HSF_MAX_SIZE;
    }
    if (s == 0) {
        out[(*len)++] = 0;
        return 0;
    }
    unsigned k = bit_length(s);
    uint64_t v = s - ((uint64_t)1 << (k - 1));
    out[(*len)++] = (uint8_t)(k < NSMALL ? k : LARGE_CLASS + (k - NSMALL));
    for (unsigned i = 0; i < class_bytes(k); i++)
        out[(*len)++] = (uint8_t)(v >> (8 * i));
    return s;
}

static uint64_t put_align(uint8_t *out, size_t *len, uint64_t a)
{
    unsigned lg = bit_length(a);
    if (a != 0 && (a & (a - 1)) == 0 && lg <= 17) {
        out[(*len)++] = (uint8_t)(lg - 1);
        return a;
    }
    unsigned i = 0;
    while (i < 16 && odd_aligns[i] != a)
        i++;
    if (i == 16) {
        out[(*len)++] = 6; /* 64: any alignment the format lacks */
        return 64;
    }
    out[(*len)++] = (uint8_t)(ODD_ALIGN + i);
    return odd_aligns[i];
}

static void put_pair(uint8_t *out, size_t *len, struct hst_op *c, struct hsf_malloc_budget *b)
{
    size_t at = *len;
    uint8_t scratch[HSF_MAX_OP_BYTES];
    size_t sl = 0;
    /* canonical values first, then the clamp the decoder applies */
    c->a = put_size(scratch, &sl, c->a);
    c->b = put_size(scratch, &sl, c->b);
    clamp_pair(&c->a, &c->b);
    *len = at;
    put_size(out, len, c->a);
    put_size(out, len, c->b);
    spend_pair(b, &c->a, &c->b);
}

size_t hsf_malloc_encode_op(const struct hst_op *op, uint8_t *out, struct hst_op *canon,
                            struct hsf_malloc_budget *b)
{
    size_t len = 0;
    if (op->kind > HSO_VERIFY)
        return 0;
    *canon = *op;
    canon->line = 0;
    canon->c = 0;
    bool null_dst = op->dst == HST_NULL_ID;
    bool null_src = op->src == HST_NULL_ID;
    bool null = false;
    if (op->kind == HSO_FREE || op->kind == HSO_USABLE_SIZE)
        null = null_dst;
    else if (op->kind == HSO_REALLOC || op->kind == HSO_REALLOCARRAY)
        null = null_src;
    else
        canon->src = HST_NULL_ID;
    if (!null && null_dst && op->kind != HSO_VERIFY)
        return 0; /* a null destination only free and usable_size take */
    out[len++] = (uint8_t)(op->kind | (null ? NULL_BIT : 0u));
    if (op->kind == HSO_VERIFY) {
        if (!spend_verify(b))
            return 0;
        canon->dst = HST_NULL_ID;
        canon->src = HST_NULL_ID;
        canon->a = canon->b = 0;
        return len;
    }
    out[len++] = null_dst ? 0 : (uint8_t)(op->dst % HSF_MAX_IDS);
    canon->dst = null_dst ? HST_NULL_ID : op->dst % HSF_MAX_IDS;
    switch (op->kind) {
    case HSO_MALLOC: case HSO_VALLOC: case HSO_PVALLOC:
        canon->a = spend(b, put_size(out, &len, op->a));
        canon->b = 0;
        break;
    case HSO_CALLOC:
        put_pair(out, &len, canon, b);
        break;
    case HSO_REALLOC: case HSO_REALLOCARRAY:
        out[len++] = null_src ? 0 : (uint8_t)(op->src % HSF_MAX_IDS);
        canon->src = null_src ? HST_NULL_ID : op->src % HSF_MAX_IDS;
        if (op->kind == HSO_REALLOC) {
            canon->a = spend(b, put_size(out, &len, op->a));
            canon->b = 0;
        } else {
            put_pair(out, &len, canon, b);
        }
        break;
    case HSO_ALIGNED_ALLOC: case HSO_POSIX_MEMALIGN: case HSO_MEMALIGN:
        canon->a = put_align(out, &len, op->a);
        canon->b = spend(b, put_size(out, &len, op->b));
        break;
    default:
        canon->a = canon->b = 0;
        break;
    }
    return len;
}

/* ------------------------------------------------------------- printer */

void hsf_malloc_print_case(FILE *f, const struct hsf_malloc_input *in, const char *name,
                           const char *clauses)
{
    char line[160];
    fprintf(f, "# decoded from a fuzz input by fuzz/malloc_fuzzer (fuzz/malloc_decode.h)\n");
    if (in->fail_nth)
        fprintf(f, "# open() with fail_nth_backing %llu (not expressible in the trace format)\n",
                (unsigned long long)in->fail_nth);
    if (in->footprint_limit)
        fprintf(f, "# open() with footprint_limit %llu (not expressible in the trace format)\n",
                (unsigned long long)in->footprint_limit);
    fprintf(f, "case %s\nfamily malloc\nclauses %s\n", name,
            clauses != NULL && clauses[0] ? clauses : "MALLOC-INTEGRITY-1");
    for (uint32_t i = 0; i < in->cs.nops; i++) {
        hst_op_format(&in->cs.ops[i], line, sizeof line);
        fprintf(f, "%s\n", line);
    }
    fprintf(f, "end\n");
}
