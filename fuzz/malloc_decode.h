/*
 * malloc_decode.h — the malloc fuzz harness's byte format: how an input
 * becomes a bounded malloc-family trace (struct hst_case of
 * conformance/hs_internal.h), the inverse encoder that turns corpus traces
 * into seed inputs, and the printer that writes a decoded trace back in the
 * corpus text format (conformance/TRACE.md).
 *
 * Byte format (every read past the end yields 0; see data_producer.h):
 *
 *   input  := header op*                      at most HSF_MAX_OPS ops
 *   header := H                               fault injection for the open:
 *               H in 0x00..0xCF   none
 *               H in 0xD0..0xDF   footprint_limit = (H - 0xCF) * 64 KiB
 *               H in 0xE0..0xFF   fail_nth_backing = H - 0xDF  (1..32)
 *   op     := K args                          kind = (K & 0x7f) % 15, in the
 *                                             order of enum hst_op_kind
 *                                             (malloc .. verify); bit 7 of K
 *                                             is "null" where null is allowed
 *
 *   kind                          args
 *   malloc valloc pvalloc         ID SIZE
 *   calloc                        ID SIZE SIZE      (n, m)
 *   realloc                       ID SRC SIZE       (SRC null when K bit 7)
 *   reallocarray                  ID SRC SIZE SIZE
 *   aligned_alloc posix_memalign
 *   memalign                      ID ALIGN SIZE
 *   free usable_size              ID               (null when K bit 7)
 *   free_sized free_aligned_sized
 *   write_usable                  ID
 *   verify                        -
 *
 *   ID, SRC := one byte: block ids 0..255
 *   SIZE    := C [value bytes]          small sizes most often:
 *       C >= 0xF0   a huge size, HSF_HUGE[C & 15], all in (PTRDIFF_MAX, SIZE_MAX]
 *       C >= 0xE0   an edge size, edge list [C & 15] (page and mmap-threshold edges)
 *       C >= 0xC0   k = 13 + (C - 0xC0) % 9      (4 KiB .. 1 MiB; 1 in 8)
 *       else        k = C % 13                   (0 .. 4 KiB - 1)
 *           k == 0       size 0
 *           k in 1..20   size in [2^(k-1), 2^k): 2^(k-1) + the next
 *                        ceil((k-1)/8) bytes (little endian) mod 2^(k-1)
 *           k == 21      1 MiB
 *     Two sizes (calloc, reallocarray) whose product exceeds 1 MiB while both
 *     are at most 1 MiB are clamped: the second becomes 1 MiB / the first.
 *
 *   Byte budget. The checker writes and reads back every byte of every block
 *   (conformance/malloc_check.c): its cost is the bytes a trace allocates,
 *   not the ops. So that one input stays cheap (the harness aims at 20,000
 *   inputs a second), an input may allocate HSF_BYTE_BUDGET bytes in all
 *   (sizes and calloc/reallocarray products, huge ones excepted: they fail
 *   before touching memory). A size that does not fit in what is left keeps
 *   only its low 12 bits (< 4 KiB); the second of a pair becomes what is
 *   left / the first. A verify step costs the bytes allocated so far; it is
 *   dropped (its byte consumed, no op made) when that is more than is left,
 *   or after HSF_MAX_VERIFY of them.
 *   ALIGN   := A: A < 0xC0: 2^(A % 17) (1 .. 64 KiB);
 *              else an odd alignment HSF_ODD_ALIGN[A & 15] (not powers of two,
 *              below sizeof(void *), or huge powers of two)
 *
 * Scenario operations (threads, fork, ...) are never produced.
 */
#ifndef HSF_MALLOC_DECODE_H
#define HSF_MALLOC_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conformance/hs_internal.h"

#define HSF_MAX_OPS 500u                 /* ops per input, at most */
#define HSF_MAX_IDS 256u                 /* block ids 0 .. HSF_MAX_IDS-1 */
#define HSF_MAX_SIZE ((uint64_t)1 << 20) /* largest ordinary size: 1 MiB */
#define HSF_MAX_OP_BYTES 16u             /* bytes one encoded op may take */
#define HSF_BYTE_BUDGET ((uint64_t)1 << 17) /* bytes one input may allocate */
#define HSF_MAX_VERIFY 4u                /* verify steps per input */

/* What is left of an input's byte budget (see "Byte budget" above); the
 * encoder keeps one too, so that seeds decode to what they were made from. */
struct hsf_malloc_budget {
    uint64_t left;      /* bytes that may still be allocated */
    uint64_t allocated; /* bytes allocated so far (what a verify costs) */
    unsigned verifies;  /* verify steps made */
};

/* A full budget, for the start of an input. */
void hsf_malloc_budget_init(struct hsf_malloc_budget *b);

/* A decoded input: the trace and the open() arguments it asks for. */
struct hsf_malloc_input {
    struct hst_case cs;       /* family malloc, name "fuzz" */
    uint64_t fail_nth;        /* hs_open_args.fail_nth_backing, 0: off */
    uint64_t footprint_limit; /* hs_open_args.footprint_limit, 0: none */
};

/* Decodes data[0..size) into out; the ops array comes from arena a.
 * Caller guarantees: a is initialised with room for HSF_MAX_OPS ops.
 * Returns 0, or -1 when the arena is exhausted (out is then empty). */
int hsf_malloc_decode(const uint8_t *data, size_t size, struct hst_arena *a,
                      struct hsf_malloc_input *out);

/* The header byte asking for these open() arguments (0 for none). */
uint8_t hsf_malloc_encode_header(uint64_t fail_nth, uint64_t footprint_limit);

/* Encodes op, the next op of an input whose budget is *b, into out (room for
 * HSF_MAX_OP_BYTES). Returns the byte count, or 0 when the op cannot be
 * expressed (scenario ops) or would be dropped (a verify over budget).
 * *canon receives the op the bytes decode to: op itself, with ids reduced
 * mod 256, sizes or alignments that the format cannot express replaced by
 * near ones, and sizes cut to the budget as the decoder cuts them. */
size_t hsf_malloc_encode_op(const struct hst_op *op, uint8_t *out, struct hst_op *canon,
                            struct hsf_malloc_budget *b);

/* Writes cs as one corpus case named `name`, with the clause ids in
 * `clauses` (space separated; "MALLOC-INTEGRITY-1" when NULL or empty) and
 * the fault injection of in as a comment (the text format has no line for it). */
void hsf_malloc_print_case(FILE *f, const struct hsf_malloc_input *in, const char *name,
                           const char *clauses);

#endif /* HSF_MALLOC_DECODE_H */
