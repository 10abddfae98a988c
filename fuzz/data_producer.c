/* data_producer.c — see data_producer.h. */
#include "fuzz/data_producer.h"

#include "conformance/hs_internal.h"

/* HST_NO_COVERAGE: the producer's only comparisons are of its offset with
 * the input's length, which say nothing about the subject, and traced they
 * were 2% of a malloc harness run. The decoder's comparisons of the bytes
 * handed out stay traced. */

HST_NO_COVERAGE void hsf_dp_init(struct hsf_dp *dp, const uint8_t *data, size_t size)
{
    dp->data = data;
    dp->size = data != NULL ? size : 0;
    dp->off = 0;
}

HST_NO_COVERAGE bool hsf_dp_empty(const struct hsf_dp *dp)
{
    return dp->off >= dp->size;
}

HST_NO_COVERAGE uint8_t hsf_dp_u8(struct hsf_dp *dp)
{
    if (dp->off >= dp->size)
        return 0;
    return dp->data[dp->off++];
}

HST_NO_COVERAGE uint64_t hsf_dp_bytes(struct hsf_dp *dp, unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes && i < 8; i++)
        v |= (uint64_t)hsf_dp_u8(dp) << (8 * i);
    return v;
}
