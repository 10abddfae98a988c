/* ref_subjects.c — links the reference heap's subjects into the heapspec tool.
 * The engine finds them through weak references (so an engine linked into a
 * user's own test carries no reference code); these strong references make
 * the linker keep them in the tool. */
#include "heapspec/buddy.h"
#include "heapspec/gc.h"
#include "heapspec/mspace_subject.h"
#include "heapspec/region_subject.h"
#include "heapspec/ring.h"
#include "heapspec/space.h"

const struct hs_subject *hsr_boehm_subject(void);

typedef const struct hs_subject *(*hst_subject_fn)(void);

__attribute__((used)) const hst_subject_fn hst_ref_subjects[] = {
    hsr_malloc_subject,
    hsr_mspace_subject,
    hsr_region_subject,
    hsr_memfd_subject,
    hsr_ring_subject,
    hsr_buddy_subject,
    hsr_spaces_subject,
    hsr_gc_subject,
    hsr_boehm_subject,
};
