/* Fails unless the build uses clang 14 in GNU C11 mode with the project's flags. */
#include <stdint.h>
#include <stdio.h>

#include "ci/toolchain_smoke.h"

#if !defined(__clang__) || __clang_major__ != 14
#error "heapspec builds with clang-14: check .bazelrc (--repo_env=CC=clang-14)"
#endif
#if __STDC_VERSION__ != 201112L || defined(__STRICT_ANSI__)
#error "heapspec code is GNU C11: check HS_COPTS/HS_TEST_COPTS in ci/copts.bzl"
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMOKE_ASAN "on"
#endif
#endif
#ifndef SMOKE_ASAN
#define SMOKE_ASAN "off"
#endif

static int failures;

static void expect(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

int main(void) {
    size_t r = 0;
    printf("compiler: clang %s; ASan %s\n", __clang_version__, SMOKE_ASAN);
    expect(hs_smoke_round_up(1, 16, &r) && r == 16, "round_up(1, 16) == 16");
    expect(hs_smoke_round_up(32, 16, &r) && r == 32, "round_up(32, 16) == 32");
    expect(!hs_smoke_round_up(1, 12, &r), "align 12 is rejected");
    expect(!hs_smoke_round_up(SIZE_MAX, 8, &r), "overflow is rejected");
    return failures == 0 ? 0 : 1;
}
