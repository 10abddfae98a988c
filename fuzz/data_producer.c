/* data_producer.c — see data_producer.h. */
#include "fuzz/data_producer.h"

void hsf_dp_init(struct hsf_dp *dp, const uint8_t *data, size_t size)
{
    dp->data = data;
    dp->size = data != NULL ? size : 0;
    dp->off = 0;
}

bool hsf_dp_empty(const struct hsf_dp *dp)
{
    return dp->off >= dp->size;
}

uint8_t hsf_dp_u8(struct hsf_dp *dp)
{
    if (dp->off >= dp->size)
        return 0;
    return dp->data[dp->off++];
}

uint64_t hsf_dp_bytes(struct hsf_dp *dp, unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes && i < 8; i++)
        v |= (uint64_t)hsf_dp_u8(dp) << (8 * i);
    return v;
}
