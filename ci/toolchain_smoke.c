#include "ci/toolchain_smoke.h"

/* Uses GNU C (typeof, statement expressions, builtins): HS_COPTS is -std=gnu11. */
#define HS_SMOKE_MASK(a) ({ typeof(a) a_ = (a); a_ - 1u; })

bool hs_smoke_round_up(size_t n, size_t align, size_t *out) {
    size_t sum;
    if (align == 0 || (align & HS_SMOKE_MASK(align)) != 0) return false;
    if (__builtin_add_overflow(n, HS_SMOKE_MASK(align), &sum)) return false;
    *out = sum & ~HS_SMOKE_MASK(align);
    return true;
}
