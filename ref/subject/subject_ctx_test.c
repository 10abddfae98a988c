/* subject_ctx_test.c — check()'s walk-skipping: a private_state kind is not
 * walked again while no call was entered since a check that passed, and is
 * walked again after one, only the handle the call entered when it named
 * one; a kind without private_state, and a check that failed, are walked
 * every time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/subject/subject_ctx.h"

static int walks;
static bool walk_ok = true;

static bool count_walk(const struct hsri_subject_node *h, uint32_t how, char *why, size_t len)
{
    (void)h;
    (void)how;
    walks++;
    if (!walk_ok)
        snprintf(why, len, "planted failure");
    return walk_ok;
}

static void drop(hs_ctx_t *c, struct hsri_subject_node *h)
{
    hsri_subject_unlink(c, h);
    free(h);
}

static int failures;

#define EXPECT(cond)                                                                  \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "subject_ctx_test:%d: expected %s\n", __LINE__, #cond); \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static hs_ctx_t *open_with_one(const struct hsri_subject_kind *kind)
{
    hs_ctx_t *c = NULL;
    if (hsri_subject_open(kind, NULL, &c) != 0) {
        fprintf(stderr, "subject_ctx_test: open failed\n");
        exit(1);
    }
    struct hsri_subject_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        exit(1);
    hsri_subject_link(c, n, 0);
    return c;
}

static void test_private_state(void)
{
    static const struct hsri_subject_kind kind = {
        .walk = count_walk, .destroy = drop, .private_state = true};
    hs_ctx_t *c = open_with_one(&kind);
    char msg[64];
    walks = 0;
    walk_ok = true;
    EXPECT(hsri_subject_check(c, msg, sizeof msg) == 0 && walks == 1);
    EXPECT(hsri_subject_check(c, msg, sizeof msg) == 0 && walks == 1); /* nothing entered */
    hsri_subject_enter(c);
    EXPECT(hsri_subject_check(c, msg, sizeof msg) == 0 && walks == 2); /* a call: walked */
    /* a failing walk is not remembered as a pass: the next check walks again */
    hsri_subject_enter(c);
    walk_ok = false;
    EXPECT(hsri_subject_check(c, msg, sizeof msg) == -1 && walks == 3);
    EXPECT(strcmp(msg, "planted failure") == 0);
    EXPECT(hsri_subject_check(c, msg, sizeof msg) == -1 && walks == 4);
    walk_ok = true;
    hsri_subject_close(c);
}

/* Two handles: a call that enters one has the next check walk that one
 * only; a call that may reach any, and a handle just linked, are walked.
 * The same with calls counted by a locked add and by a plain one
 * (serial_calls). */
static void test_per_handle(bool serial)
{
    static const struct hsri_subject_kind locked = {
        .walk = count_walk, .destroy = drop, .private_state = true};
    static const struct hsri_subject_kind plain = {
        .walk = count_walk, .destroy = drop, .private_state = true, .serial_calls = true};
    hs_ctx_t *c = open_with_one(serial ? &plain : &locked);
    struct hsri_subject_node *b = calloc(1, sizeof *b);
    if (b == NULL)
        exit(1);
    hsri_subject_link(c, b, 0);
    walks = 0;
    walk_ok = true;
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 2); /* both new */
    hsri_subject_enter_node(c, b);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 3); /* b only */
    hsri_subject_enter_node(c, NULL);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 3); /* neither */
    hsri_subject_enter(c);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 5); /* both */
    struct hsri_subject_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        exit(1);
    hsri_subject_enter_node(c, NULL);
    hsri_subject_link(c, n, 0);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 6); /* the new one */
    /* a failed walk of b: b again at the next check, however it is reached */
    hsri_subject_enter_node(c, b);
    walk_ok = false;
    EXPECT(hsri_subject_check(c, NULL, 0) == -1 && walks == 7);
    walk_ok = true;
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 8);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 8);
    hsri_subject_close(c);
}

static void test_shared_state(void)
{
    static const struct hsri_subject_kind kind = {.walk = count_walk, .destroy = drop};
    hs_ctx_t *c = open_with_one(&kind);
    walks = 0;
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 1);
    EXPECT(hsri_subject_check(c, NULL, 0) == 0 && walks == 2); /* walked every time */
    hsri_subject_close(c);
}

int main(void)
{
    test_private_state();
    test_per_handle(false);
    test_per_handle(true);
    test_shared_state();
    if (failures != 0) {
        fprintf(stderr, "subject_ctx_test: %d failure(s)\n", failures);
        return 1;
    }
    printf("subject_ctx_test: ok\n");
    return 0;
}
