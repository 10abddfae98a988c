/*
 * family_decode_test.c — //fuzz:family_decode_test: the family decoder's
 * budgets (family_decode.h, "Budgets").
 *
 * An input of N ops whose charged number is V each (buddy and ring churn
 * counts, ring write, read and peek sizes) must decode to ops whose numbers
 * add up to at most the budget: the first ones whole, one cut to what is
 * left, the rest 0. The encoder, given the same budget, must predict exactly those numbers
 * (the seeds' round trip depends on it). A number that is not charged (gc's
 * churn count) keeps its value.
 */
#include <stdint.h>
#include <string.h>

#include "conformance/test_expect.h"
#include "fuzz/family_decode.h"

#define NOPS 20u
#define ARENA_BYTES ((size_t)1 << 20)

/* The op of family f called name, its numbers a and b, as a trace holds it. */
static struct hst_op op_named(const struct hsf_family *f, const char *name, uint64_t a,
                              uint64_t b)
{
    struct hst_op op;
    memset(&op, 0, sizeof op);
    for (size_t i = 0; i < f->fam->nops; i++)
        if (strcmp(f->fam->ops[i].name, name) == 0)
            op.kind = f->fam->ops[i].kind;
    op.dst = 1;
    op.src = HST_NULL_ID;
    op.a = a;
    op.b = b;
    return op;
}

/* Encodes NOPS ops `name` of family whose number idx (0: a, 1: b) is v and
 * whose other number, if it has one, is 7 + i, decodes them, and checks number idx against
 * budget (UINT64_MAX: not charged) and the encoder's prediction. */
static void check_budget(const char *family, const char *name, unsigned idx, uint64_t v,
                         uint64_t budget)
{
    static struct hsf_family f;
    static uint8_t buf[1 + NOPS * HSF_FAM_MAX_OP_BYTES];
    struct hst_op canon[NOPS];
    EXPECT(hsf_family_init(&f, family) == 0, "family %s", family);
    size_t len = 0;
    buf[len++] = 0;
    unsigned nnums = 0;
    for (size_t i = 0; i < f.fam->nops; i++)
        if (strcmp(f.fam->ops[i].name, name) == 0)
            nnums = f.fam->ops[i].nnums;
    struct hsf_family_budget bud;
    hsf_family_budget_init(&bud);
    for (unsigned i = 0; i < NOPS; i++) {
        struct hst_op op = idx == 0 ? op_named(&f, name, v, 7 + i) : op_named(&f, name, 7 + i, v);
        EXPECT(op.kind != 0, "%s has an op %s", family, name);
        size_t n = hsf_family_encode_op(&f, &op, buf + len, &canon[i], &bud);
        EXPECT(n > 0, "%s %s %u encodes", family, name, i);
        len += n;
    }
    struct hst_arena a;
    EXPECT(hst_arena_init(&a, ARENA_BYTES) == 0, "arena");
    struct hsf_family_input in;
    EXPECT(hsf_family_decode(&f, buf, len, &a, &in) == 0, "%s decodes", family);
    EXPECT(in.cs.nops == NOPS, "%s: %u ops decoded, want %u", family, in.cs.nops, NOPS);
    uint64_t rest = budget, sum = 0;
    for (unsigned i = 0; i < in.cs.nops && i < NOPS; i++) {
        uint64_t want = v < rest ? v : rest;
        if (budget != UINT64_MAX)
            rest -= want;
        const struct hst_op *op = &in.cs.ops[i];
        uint64_t got = idx == 0 ? op->a : op->b, other = idx == 0 ? op->b : op->a;
        uint64_t pred = idx == 0 ? canon[i].a : canon[i].b;
        EXPECT(op->kind == canon[i].kind && other == (nnums > 1 ? 7 + i : 0),
               "%s %s %u decodes as another op (other number %llu)", family, name, i,
               (unsigned long long)other);
        EXPECT(got == want, "%s %s %u of %llu: decoded %llu, want %llu", family, name, i,
               (unsigned long long)v, (unsigned long long)got, (unsigned long long)want);
        EXPECT(pred == got, "%s %s %u: the encoder predicted %llu, the decoder gave %llu", family,
               name, i, (unsigned long long)pred, (unsigned long long)got);
        sum += got;
    }
    if (budget != UINT64_MAX)
        EXPECT(sum <= budget, "%s %s: %llu charged in one input, budget %llu", family, name,
               (unsigned long long)sum, (unsigned long long)budget);
    hst_arena_fini(&a);
}

int main(void)
{
    const uint64_t kib64 = (uint64_t)64 << 10;
    check_budget("buddy", "churn", 1, 32, HSF_FAM_STEP_BUDGET); /* 8 whole, then 0 */
    check_budget("buddy", "churn", 1, 20, HSF_FAM_STEP_BUDGET); /* 12 whole, one of 16 */
    check_budget("buddy", "churn", 1, 1, HSF_FAM_STEP_BUDGET);  /* 20 steps: all whole */
    check_budget("ring", "write", 0, kib64, HSF_FAM_BYTE_BUDGET); /* 4 whole, then 0 */
    check_budget("ring", "read", 0, 60000, HSF_FAM_BYTE_BUDGET);  /* 4 whole, one cut */
    check_budget("ring", "peek", 0, kib64, HSF_FAM_BYTE_BUDGET);
    check_budget("ring", "churn", 1, 32, HSF_FAM_STEP_BUDGET);  /* 8 whole, then 0 */
    check_budget("gc", "churn", 1, 200, UINT64_MAX); /* not charged: every count whole */
    if (failures == 0)
        printf("PASS: budgets of %u churn steps and %llu ring bytes an input\n",
               HSF_FAM_STEP_BUDGET, (unsigned long long)HSF_FAM_BYTE_BUDGET);
    return failures ? 1 : 0;
}
