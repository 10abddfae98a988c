/* subject_args.h — what every reference subject does with hs_open_args.
 *
 * The reference components' subject adapters (ref/<comp>/<comp>_subject.c)
 * all accept the same open() arguments; this is the one place that decides
 * whether a caller's struct is well formed. */
#ifndef HEAPSPEC_REF_SUBJECT_ARGS_H
#define HEAPSPEC_REF_SUBJECT_ARGS_H

#include "heapspec/heapspec.h"

/* 0 when args is NULL or a well-formed struct hs_open_args (large enough to
 * hold flags, reserved fields zero); -EINVAL otherwise. */
int hsri_subject_args_check(const struct hs_open_args *args);

#endif
