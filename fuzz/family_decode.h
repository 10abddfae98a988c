/*
 * family_decode.h — the byte format of the generic family harness
 * (fuzz/family_fuzzer.c): how an input becomes a bounded trace of one
 * family's grammar, read from that family's own opdesc table
 * (hst_family_find(name)->ops), and the inverse encoder that turns corpus
 * traces (the .trace files of conformance/corpus/<family>) into seed inputs.
 *
 * Byte format (every read past the end yields 0; see data_producer.h):
 *
 *   input  := header op*                 at most HSF_FAM_MAX_OPS ops
 *   header := H                          H in 0xD0..0xDF, family mspace only:
 *                                        open() with footprint_limit
 *                                        (H - 0xCF) * 64 KiB; else nothing
 *   op     := K ID{nids} (WORD | NUM{nnums})
 *       K     the op: allowed[K % nallowed], where allowed lists the
 *             family's opdescs in table order minus the skipped ones
 *             (scenario ops that fork or start threads, hardening-only
 *             ops: see skipped_ops in family_decode.c)
 *       ID    one byte: id (B % HSF_FAM_IDS); B == 0xFF is `null` where
 *             the grammar allows null (first id: id_may_be_null; src)
 *       WORD  one byte: word index B % nwords (ops with words)
 *       NUM   C [value bytes]            small values most often:
 *             C >= 0xF0  a boundary value, boundary[C & 15] (0, 1, page and
 *                        2^16 and 2^20 edges, UINT32_MAX, UINT64_MAX, ...)
 *             C >= 0xC0  k = 10 + (C - 0xC0) % 12: a value in [2^(k-1), 2^k)
 *             else       k = C % 10: 0 for k == 0, else in [2^(k-1), 2^k)
 *             (2^(k-1) + the next ceil((k-1)/8) bytes mod 2^(k-1))
 *             then cut to the bound of that number of that op, when it has
 *             one (see limits in family_decode.c: ring capacities and I/O
 *             <= 2^16, buddy MIN <= 20 and MAX <= 16, region sizes <= 1 MiB, mspace
 *             capacities <= 16 MiB and blocks <= 64 KiB, churn counts <= 256,
 *             gc max_bytes <= 4 MiB, slots <= 64, payloads <= 64 KiB,
 *             exhaust counts <= 2048, spaces sizes <= 16 MiB, objects
 *             <= 256 KiB, fill and churn counts <= 1024, ...): a larger
 *             value becomes the bound itself.
 *
 * Budgets. Numbers that cost time in proportion to their value are charged
 * to the input's budgets (the budget column of limits in family_decode.c)
 * and cut to what the earlier ops left of them: buddy and ring churn counts
 * to HSF_FAM_STEP_BUDGET steps (eight full churns), ring write, read and peek
 * sizes to HSF_FAM_BYTE_BUDGET bytes (a 64 KiB ring filled and emptied
 * twice). Without them an input could make 16,000 judged buddy calls or
 * move 32 MiB through a ring, and the corpora the fuzzer grew held such
 * inputs, whose mutants took most of its time.
 *
 * The bounds keep every input cheap and free of OOM or timeouts of the
 * harness's own making; what is left is the subject's behaviour.
 */
#ifndef HSF_FAMILY_DECODE_H
#define HSF_FAMILY_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conformance/hs_internal.h"

#define HSF_FAM_MAX_OPS 500u   /* ops per input, at most */
#define HSF_FAM_IDS 16u        /* ids 0 .. HSF_FAM_IDS-1 */
#define HSF_FAM_MAX_OP_BYTES 32u /* bytes one encoded op may take */
#define HSF_FAM_STEP_BUDGET 256u /* loop steps an input, at most (see "Budgets") */
#define HSF_FAM_BYTE_BUDGET ((uint64_t)256 << 10) /* ring I/O bytes an input, at most */

/* A family's grammar as the fuzzer sees it. */
struct hsf_family {
    const struct hst_family *fam;
    uint8_t allowed[64]; /* indices into fam->ops of the ops the fuzzer makes */
    uint64_t max[64][3]; /* bound of each number of allowed[i] (UINT64_MAX: none) */
    uint8_t rel[64][3];  /* when < 3: the bound is relative, number rel + max;
                          * 4: a number above PTRDIFF_MAX passes unbounded */
    uint8_t budget[64][3]; /* the budget a number is charged to (hsf_budget_kind) */
    unsigned nallowed;
};

/* The budgets a number can be charged to (see "Budgets" above). */
enum hsf_budget_kind { HSF_BUDGET_NONE, HSF_BUDGET_STEPS, HSF_BUDGET_BYTES, HSF_NBUDGETS };

/* What is left of an input's budgets, by kind. */
struct hsf_family_budget {
    uint64_t left[HSF_NBUDGETS];
};

/* Full budgets, for the start of an input. */
void hsf_family_budget_init(struct hsf_family_budget *b);

/* A decoded input: the trace and the open() arguments it asks for. */
struct hsf_family_input {
    struct hst_case cs;       /* family fam, name "fuzz" */
    uint64_t footprint_limit; /* hs_open_args.footprint_limit, 0: none */
};

/* Fills f for the family called name. Returns 0, or -1 when the engine has
 * no such family or the fuzzer can make none of its ops. */
int hsf_family_init(struct hsf_family *f, const char *name);

/* Decodes data[0..size) into out; the ops array comes from arena a.
 * Caller guarantees: f was filled by hsf_family_init; a has room for
 * HSF_FAM_MAX_OPS ops. Returns 0, or -1 when the arena is exhausted. */
int hsf_family_decode(const struct hsf_family *f, const uint8_t *data, size_t size,
                      struct hst_arena *a, struct hsf_family_input *out);

/* Encodes op into out (room for HSF_FAM_MAX_OP_BYTES). Returns the byte
 * count, or 0 when the op is one the fuzzer does not make. *canon receives
 * the op the bytes decode to (ids mod HSF_FAM_IDS, numbers the format cannot
 * express replaced by near ones, then cut to their bounds and to *bud, what
 * the ops before it left of the input's budgets: full at its first op
 * (hsf_family_budget_init), and charged here). */
size_t hsf_family_encode_op(const struct hsf_family *f, const struct hst_op *op, uint8_t *out,
                            struct hst_op *canon, struct hsf_family_budget *bud);

/* The header byte asking for these open() arguments (0 for none). */
uint8_t hsf_family_encode_header(const struct hsf_family *f, uint64_t footprint_limit);

/* Writes the input as one corpus case named `name` (hst_op_format_in), with
 * the clause ids in `clauses` (space separated; the family's first clause
 * when NULL or empty) and the open() arguments as a comment. */
void hsf_family_print_case(FILE *out, const struct hsf_family *f,
                           const struct hsf_family_input *in, const char *name,
                           const char *clauses);

#endif /* HSF_FAMILY_DECODE_H */
