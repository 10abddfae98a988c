/* selfcheck: the subject's own walker reports corruption at every call.
 * Caught by RING-SELFCHECK-1. */
#include <stddef.h>
#include <stdio.h>

struct hs_ctx_s;
static int mut_check_fn(struct hs_ctx_s *c, char *buf, size_t len)
{
    (void)c;
    snprintf(buf, len, "mut-ring-selfcheck: walker always fails");
    return -1;
}

#define MUT_NAME "mut-ring-selfcheck"
#define MUT_CHECK mut_check_fn
#include "ring_mutant.h"
