/*
 * replay_test.c — //fuzz:malloc_fuzzer_replay_test: replays every seed input
 * and every saved regression input through the malloc harness, once per
 * subject (libc and ref), each subject in its own child process (the harness
 * reads HEAPSPEC_FUZZ_SUBJECT once).
 *
 * HEAPSPEC_FUZZ_EXPECT_FAIL_LIBC / _REF, when set, become the child's
 * HEAPSPEC_FUZZ_EXPECT_FAIL (clauses that subject is known to fail).
 *
 * Passes when, for every subject, the child ran every input, found no
 * violation (a violation aborts the child), and ran at least MIN_INPUTS
 * inputs (an empty seed directory must not pass unnoticed).
 *
 *   replay_test MIN_INPUTS DIR...
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz/replay.h"

static const char *const subjects[] = {"libc", "ref"};
static const char *const expect_vars[] = {"HEAPSPEC_FUZZ_EXPECT_FAIL_LIBC",
                                          "HEAPSPEC_FUZZ_EXPECT_FAIL_REF"};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s MIN_INPUTS DIR...\n", argv[0]);
        return 2;
    }
    long min_inputs = strtol(argv[1], NULL, 10);
    int failed = 0;
    for (size_t s = 0; s < sizeof subjects / sizeof subjects[0]; s++) {
        int fds[2];
        if (pipe(fds) != 0)
            return 2;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            close(fds[0]);
            setenv("HEAPSPEC_FUZZ_SUBJECT", subjects[s], 1);
            const char *expect = getenv(expect_vars[s]);
            if (expect != NULL)
                setenv("HEAPSPEC_FUZZ_EXPECT_FAIL", expect, 1);
            else
                unsetenv("HEAPSPEC_FUZZ_EXPECT_FAIL");
            long ran = 0;
            argv[1] = argv[0];
            int rc = hsf_replay(argc - 1, argv + 1, &ran);
            if (write(fds[1], &ran, sizeof ran) != (ssize_t)sizeof ran)
                rc = 2;
            _exit(rc);
        }
        close(fds[1]);
        long ran = -1;
        if (read(fds[0], &ran, sizeof ran) != (ssize_t)sizeof ran)
            ran = -1;
        close(fds[0]);
        int st;
        waitpid(pid, &st, 0);
        if (WIFSIGNALED(st)) {
            printf("FAIL subject %s: the replay died of signal %d (%s); see the report above\n",
                   subjects[s], WTERMSIG(st), strsignal(WTERMSIG(st)));
            failed = 1;
        } else if (WEXITSTATUS(st) != 0) {
            printf("FAIL subject %s: the replay exited %d\n", subjects[s], WEXITSTATUS(st));
            failed = 1;
        } else if (ran < min_inputs) {
            printf("FAIL subject %s: only %ld inputs replayed, expected at least %ld\n",
                   subjects[s], ran, min_inputs);
            failed = 1;
        } else {
            printf("ok   subject %s: %ld inputs replayed, no violation\n", subjects[s], ran);
        }
    }
    return failed;
}
