/* A small function compiled with HS_COPTS, for //ci:toolchain_smoke_test. */
#ifndef HEAPSPEC_CI_TOOLCHAIN_SMOKE_H
#define HEAPSPEC_CI_TOOLCHAIN_SMOKE_H

#include <stdbool.h>
#include <stddef.h>

/* HS_COPTS hides every symbol (-fvisibility=hidden); a function other targets call
 * must be exported by name, since cc_test links its deps as shared libraries. */
#define HS_SMOKE_API __attribute__((visibility("default")))

/* Rounds n up to a multiple of align (a power of two); false if that overflows. */
HS_SMOKE_API bool hs_smoke_round_up(size_t n, size_t align, size_t *out);

#endif
