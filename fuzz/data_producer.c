/* data_producer.c — see data_producer.h. */
#include "fuzz/data_producer.h"

/* Without the fuzzers' coverage instrumentation: the producer's only
 * comparisons are of its offset with the input's length, which say nothing
 * about the subject, and traced they were 2% of a malloc harness run. The
 * decoder's comparisons of the bytes handed out stay traced. */
#define HSF_DP_PLAIN __attribute__((no_sanitize("coverage")))

HSF_DP_PLAIN void hsf_dp_init(struct hsf_dp *dp, const uint8_t *data, size_t size)
{
    dp->data = data;
    dp->size = data != NULL ? size : 0;
    dp->off = 0;
}

HSF_DP_PLAIN bool hsf_dp_empty(const struct hsf_dp *dp)
{
    return dp->off >= dp->size;
}

HSF_DP_PLAIN uint8_t hsf_dp_u8(struct hsf_dp *dp)
{
    if (dp->off >= dp->size)
        return 0;
    return dp->data[dp->off++];
}

HSF_DP_PLAIN uint64_t hsf_dp_bytes(struct hsf_dp *dp, unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes && i < 8; i++)
        v |= (uint64_t)hsf_dp_u8(dp) << (8 * i);
    return v;
}
