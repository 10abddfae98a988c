/*
 * data_producer.h — reads a fuzz input as a stream of small numbers.
 *
 * The producer hands out the input's bytes front to back. Once the input is
 * used up every read returns 0 and hsf_dp_empty() is true, so a decoder never
 * needs to check lengths before a read: a short input decodes into a short,
 * well-formed trace (the idea of zstd's FUZZ_dataProducer, written anew).
 *
 *   input:  | b0 | b1 | b2 | ... | b(n-1) |
 *             ^off                         reads past the end yield 0
 */
#ifndef HSF_DATA_PRODUCER_H
#define HSF_DATA_PRODUCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hsf_dp {
    const uint8_t *data; /* the input (not owned) */
    size_t size;         /* its length in bytes */
    size_t off;          /* next byte to hand out */
};

/* Caller guarantees: data points to size readable bytes (data may be NULL
 * when size is 0). */
void hsf_dp_init(struct hsf_dp *dp, const uint8_t *data, size_t size);
/* True when no byte is left. */
bool hsf_dp_empty(const struct hsf_dp *dp);
/* The next byte, or 0 when the input is used up. */
uint8_t hsf_dp_u8(struct hsf_dp *dp);
/* The next nbytes (0..8) as a little-endian number; missing bytes are 0. */
uint64_t hsf_dp_bytes(struct hsf_dp *dp, unsigned nbytes);

#endif /* HSF_DATA_PRODUCER_H */
