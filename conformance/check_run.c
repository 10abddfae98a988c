/* check_run.c — how every family checker runs a case (see hs_internal.h).
 *
 * The families differ in their ops, shadows and clauses, not in how a trace
 * is walked, so that part lives here once:
 *   1. the run state: the subject's context, the sink, the arena, the case
 *      and the bound of its ids (hst_run_init / hst_run_alloc);
 *   2. at op 1, the judgement that the subject's table is complete, for the
 *      families that demand it (hst_run_complete);
 *   3. each op in order, its position published first on the shared word, so
 *      that a crash is blamed on the op that was running, and the sink's
 *      after_op once it returns (hst_run_trace);
 *   4. past the last op, the family's last judgements, then every object it
 *      still holds ended, unless a violation was already reported.
 */

#include "hs_internal.h"

void hst_run_init(struct hst_run *run, hs_ctx_t *ctx, const struct hst_case *cs,
                  struct hst_sink *sink, struct hst_arena *arena)
{
    run->ctx = ctx;
    run->sink = sink;
    run->arena = arena;
    run->cs = cs;
    run->idn = hst_case_id_bound(cs);
    run->pos = 0;
    run->oom = false;
}

void *hst_run_alloc(size_t size, hs_ctx_t *ctx, const struct hst_case *cs,
                    struct hst_sink *sink, struct hst_arena *arena)
{
    struct hst_run *run = hst_arena_alloc(arena, size);
    if (run != NULL)
        hst_run_init(run, ctx, cs, sink, arena);
    return run;
}

/* Moves the run to op position pos and says so on the shared word: the
 * parent reads it when the child dies, to name the op that killed it. */
static void run_at(struct hst_run *run, uint32_t pos)
{
    run->pos = pos;
    *run->sink->pos = pos;
}

bool hst_run_complete(struct hst_run *run, int c, const char *family, bool complete)
{
    run_at(run, 1);
    return hst_judge(run->sink, c, run->pos, complete,
                     "the subject's hs_%s_ops lacks a function every %s subject must offer",
                     family, family);
}

int hst_run_trace(struct hst_run *run, const struct hst_run_hooks *hooks)
{
    const struct hst_case *cs = run->cs;
    /* A violation abandons its operation, not the case: the later operations
     * still judge the other clauses (each clause reports its first violation). */
    for (uint32_t i = 0; i < cs->nops && !run->oom; i++) {
        run_at(run, i + 1);
        if (hooks->step(run, &cs->ops[i]) != 0)
            return -1;
        /* A failed walker leaves a broken subject: nothing after it is judged. */
        if (run->sink->after_op != NULL && !run->sink->after_op(run->sink->after_arg))
            return 0;
    }
    if (run->oom)
        return -1;
    run_at(run, cs->nops + 1);
    if (hooks->finish != NULL)
        hooks->finish(run);
    /* Into a subject already found broken, ending its objects would only
     * add a crash to the violation already reported. */
    if (hooks->end != NULL && !run->sink->failed)
        for (uint32_t id = 0; id < run->idn; id++)
            hooks->end(run, id);
    return 0;
}
