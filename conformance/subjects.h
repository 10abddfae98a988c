/* subjects.h — built-in subjects and the libc subject's probes. */
#ifndef HS_SUBJECTS_H
#define HS_SUBJECTS_H

#include "hs_internal.h"

/* INTERPOSE-2: 0 when malloc, free, calloc and realloc of ops come from one
 * allocator; else -1 with the reason. */
int hst_interpose_providers(const struct hs_malloc_ops *ops, char *why, size_t len);

/* A copy of t's first t->struct_size bytes into a zeroed full-size table, so
 * that a subject built against an older, shorter table reads as NULLs. */
void hst_copy_malloc_ops(struct hs_malloc_ops *dst, const struct hs_malloc_ops *src);

#endif
