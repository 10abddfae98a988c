/*
 * region_subject.h — the region family's conformance subjects.
 *
 * Both return a table of the heapspec ABI (spec/include/heapspec/heapspec.h)
 * that lives as long as the program; the conformance tool drives them only
 * through it.
 *
 *   hsr_region_subject()  "ref-region": ref/region (ashmem semantics on
 *                         memfd); caps PIN | SET_SIZE | NAME.
 *   hsr_memfd_subject()   "memfd": a plain memfd, for comparison, behaving
 *                         like AOSP's memfd shim of ashmem: the size is
 *                         sealed at create, unpin is a no-op, pin always
 *                         answers NOT_PURGED, purge purges nothing, and the
 *                         protection mask is the write seal only; caps NAME.
 *
 * libheapspec_subject_region.so exports ref-region as heapspec_subject().
 */
#ifndef HEAPSPEC_REGION_SUBJECT_H
#define HEAPSPEC_REGION_SUBJECT_H

#ifdef __cplusplus
extern "C" {
#endif

struct hs_subject;

__attribute__((visibility("default"))) const struct hs_subject *hsr_region_subject(void);
__attribute__((visibility("default"))) const struct hs_subject *hsr_memfd_subject(void);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSPEC_REGION_SUBJECT_H */
