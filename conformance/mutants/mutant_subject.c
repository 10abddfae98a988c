/*
 * mutant_subject.c — the context and handle list of the family mutants
 * (mutant_subject.h). One shared object holds one mutant, so the family's
 * behaviour comes from the single mut_family that mutant defines.
 */
#include "conformance/mutants/mutant_subject.h"

#include <errno.h>
#include <stdlib.h>

struct hs_ctx_s {
    struct mut_link *head; /* live handles, newest first */
};

int mut_ctx_open(const struct hs_open_args *args, hs_ctx_t **out)
{
    /* The mutants inject no faults, so heapspec.h asks for -ENOTSUP here;
     * the buddy and ring mutants have always ignored the axes instead, and
     * refuse_fault_args keeps each family's answer as it was. */
    if (mut_family.refuse_fault_args && args != NULL &&
        (args->fail_nth_backing != 0 || args->footprint_limit != 0))
        return -ENOTSUP;
    hs_ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return -ENOMEM;
    *out = c;
    return 0;
}

void mut_ctx_close(hs_ctx_t *c)
{
    while (c->head != NULL)
        mut_handle_destroy(c, c->head);
    free(c);
}

int mut_ctx_check(hs_ctx_t *c, char *buf, size_t len)
{
    for (const struct mut_link *l = c->head; l != NULL; l = l->next)
        if (mut_family.check(l, buf, len) != 0)
            return -1;
    return 0;
}

int mut_handle_add(hs_ctx_t *c, void *handle, int err)
{
    struct mut_link *l = handle;
    if (err != 0) {
        free(l);
        return err;
    }
    l->next = c->head;
    if (c->head != NULL)
        c->head->prev = l;
    c->head = l;
    return 0;
}

void mut_handle_destroy(hs_ctx_t *c, void *handle)
{
    struct mut_link *l = handle;
    if (l == NULL)
        return;
    if (l->prev != NULL)
        l->prev->next = l->next;
    else
        c->head = l->next;
    if (l->next != NULL)
        l->next->prev = l->prev;
    mut_family.release(l);
    free(l);
}

/* The object's one exported symbol (//ref:subject.lds). */
__attribute__((visibility("default"))) const struct hs_subject *heapspec_subject(void);

const struct hs_subject *heapspec_subject(void)
{
    return mut_family.subject;
}
