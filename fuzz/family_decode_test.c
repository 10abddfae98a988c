/*
 * family_decode_test.c — //fuzz:family_decode_test: the family decoder's
 * loop budget (family_decode.h, "Loop budget").
 *
 * An input of N buddy churns of COUNT steps each must decode to churns whose
 * counts add up to at most HSF_FAM_LOOP_BUDGET: the first ones whole, one cut
 * to what is left, the rest 0. The encoder, given the same budget, must
 * predict exactly those counts (the seeds' round trip depends on it). A
 * family whose loops are not charged (ring's churn) keeps every count.
 */
#include <stdint.h>
#include <string.h>

#include "conformance/test_expect.h"
#include "fuzz/family_decode.h"

#define NCHURN 20u
#define ARENA_BYTES ((size_t)1 << 20)

/* The op of family f called name, as the trace would hold it. */
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

/* Encodes NCHURN churns of count steps (the encoder's budget starting at
 * budget), decodes them, and checks every count against the budget
 * HSF_FAM_LOOP_BUDGET (charged) or against count (not charged). */
static void check_churns(const char *family, uint64_t count, bool charged)
{
    static struct hsf_family f;
    static uint8_t buf[1 + NCHURN * HSF_FAM_MAX_OP_BYTES];
    struct hst_op canon[NCHURN];
    EXPECT(hsf_family_init(&f, family) == 0, "family %s", family);
    size_t len = 0;
    buf[len++] = 0;
    uint64_t left = HSF_FAM_LOOP_BUDGET;
    for (unsigned i = 0; i < NCHURN; i++) {
        struct hst_op op = op_named(&f, "churn", 7 + i, count);
        EXPECT(op.kind != 0, "%s has a churn op", family);
        size_t n = hsf_family_encode_op(&f, &op, buf + len, &canon[i], &left);
        EXPECT(n > 0, "%s churn %u encodes", family, i);
        len += n;
    }
    struct hst_arena a;
    EXPECT(hst_arena_init(&a, ARENA_BYTES) == 0, "arena");
    struct hsf_family_input in;
    EXPECT(hsf_family_decode(&f, buf, len, &a, &in) == 0, "%s decodes", family);
    EXPECT(in.cs.nops == NCHURN, "%s: %u ops decoded, want %u", family, in.cs.nops, NCHURN);
    uint64_t rest = HSF_FAM_LOOP_BUDGET, sum = 0;
    for (unsigned i = 0; i < in.cs.nops && i < NCHURN; i++) {
        uint64_t want = count;
        if (charged) {
            want = count < rest ? count : rest;
            rest -= want;
        }
        const struct hst_op *op = &in.cs.ops[i];
        EXPECT(op->kind == canon[i].kind && op->a == 7 + i,
               "%s churn %u decodes as another op (seed %llu)", family, i,
               (unsigned long long)op->a);
        EXPECT(op->b == want, "%s churn %u of %llu steps: decoded count %llu, want %llu", family,
               i, (unsigned long long)count, (unsigned long long)op->b,
               (unsigned long long)want);
        EXPECT(canon[i].b == op->b, "%s churn %u: the encoder predicted %llu, the decoder gave %llu",
               family, i, (unsigned long long)canon[i].b, (unsigned long long)op->b);
        sum += op->b;
    }
    if (charged)
        EXPECT(sum <= HSF_FAM_LOOP_BUDGET, "%s: %llu loop steps in one input", family,
               (unsigned long long)sum);
    hst_arena_fini(&a);
}

int main(void)
{
    check_churns("buddy", 32, true); /* 8 whole, then 0 */
    check_churns("buddy", 20, true); /* 12 whole, one of 16, then 0 */
    check_churns("buddy", 1, true);  /* 20 steps: all whole */
    check_churns("ring", 32, false); /* not charged: every count whole */
    if (failures == 0)
        printf("PASS: the loop budget cuts buddy churns to %u steps an input\n",
               HSF_FAM_LOOP_BUDGET);
    return failures ? 1 : 0;
}
