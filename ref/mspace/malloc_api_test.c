/*
 * malloc_api_test.c — the process malloc replacement (linked through
 * Bazel's `malloc = "//ref:heapspec_malloc"`, or LD_PRELOAD) against the
 * C17 / POSIX rules it promises (ref/mspace/posix.h), plus threads and fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

/* C23 functions glibc 2.36 lacks; weak so that the skipped builds (ASan,
 * whose malloc is not ours) still link. */
__attribute__((weak)) void free_sized(void *p, size_t n);
__attribute__((weak)) void free_aligned_sized(void *p, size_t a, size_t n);

static volatile size_t huge = (size_t)PTRDIFF_MAX + 1; /* volatile: no folding */
/* Bad alignments through volatiles: clang rejects literal ones at compile time. */
static volatile size_t three = 3, zero = 0, forty_eight = 48;

static void test_in_effect(void) {
    void *p = malloc(1);
    CHECK(p != NULL);
    /* the mspace's minimum chunk gives 32 usable bytes; glibc gives 24 */
    CHECK(malloc_usable_size(p) == 32);
    free(p);
}

static void test_c17_posix(void) {
    void *p;
    void *q;
    void *out = (void *)0x1234;
    long page = sysconf(_SC_PAGESIZE);

    errno = 0;
    CHECK(malloc(huge) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
    p = calloc(100, 10);
    CHECK(p != NULL);
    for (int i = 0; i < 1000; i++) {
        CHECK(((unsigned char *)p)[i] == 0);
    }
    errno = 1234;
    free(p);
    CHECK(errno == 1234); /* free preserves errno */
    free(NULL);

    /* aligned_alloc: power of two or NULL + EINVAL; any size accepted */
    errno = 0;
    CHECK(aligned_alloc(three, 10) == NULL && errno == EINVAL);
    errno = 0;
    CHECK(aligned_alloc(zero, 10) == NULL && errno == EINVAL);
    p = aligned_alloc(256, 10);
    CHECK(p != NULL && (uintptr_t)p % 256 == 0);
    free_aligned_sized(p, 256, 10);

    /* posix_memalign: EINVAL, *out untouched, errno untouched */
    errno = 77;
    CHECK(posix_memalign(&out, 3, 10) == EINVAL && out == (void *)0x1234);
    CHECK(posix_memalign(&out, sizeof(void *) / 2, 10) == EINVAL && out == (void *)0x1234);
    CHECK(posix_memalign(&out, 64, huge) == ENOMEM && out == (void *)0x1234);
    CHECK(errno == 77);
    CHECK(posix_memalign(&out, 4096, 100) == 0 && (uintptr_t)out % 4096 == 0);
    free(out);

    /* realloc */
    p = malloc(10);
    memcpy(p, "123456789", 10);
    errno = 0;
    CHECK(realloc(p, huge) == NULL && errno == ENOMEM);
    CHECK(memcmp(p, "123456789", 10) == 0);
    errno = 0;
    CHECK(reallocarray(p, SIZE_MAX / 2, 4) == NULL && errno == ENOMEM);
    CHECK(memcmp(p, "123456789", 10) == 0);
    q = realloc(p, 0); /* documented: a minimum block, not free + NULL */
    CHECK(q != NULL);
    free(q);
    p = realloc(NULL, 50);
    CHECK(p != NULL);
    free_sized(p, 50);

    /* extensions */
    p = valloc(10);
    CHECK(p != NULL && (uintptr_t)p % (uintptr_t)page == 0);
    free(p);
    p = pvalloc(0);
    CHECK(p != NULL && (uintptr_t)p % (uintptr_t)page == 0 &&
          malloc_usable_size(p) >= (size_t)page);
    free(p);
    p = memalign(forty_eight, 10); /* rounded up to 64 */
    CHECK(p != NULL && (uintptr_t)p % 64 == 0);
    free(p);
    CHECK(malloc_usable_size(NULL) == 0);
    p = malloc(0);
    q = malloc(0);
    CHECK(p != NULL && q != NULL && p != q);
    free(p);
    free(q);
}

static volatile int stop;

static void *churn(void *arg) {
    (void)arg;
    while (!stop) {
        void *a[32];
        for (int i = 0; i < 32; i++) {
            a[i] = malloc((size_t)(i * 97 + 1));
            CHECK(a[i] != NULL);
        }
        for (int i = 0; i < 32; i++) {
            free(a[i]);
        }
    }
    return NULL;
}

/* fork while other threads allocate: the child must be able to malloc. */
static void test_fork(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        CHECK(pthread_create(&t[i], NULL, churn, NULL) == 0);
    }
    for (int k = 0; k < 50; k++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            void *p = malloc(1000);
            char *s = strdup("child");
            if (p == NULL || s == NULL) {
                _exit(2);
            }
            free(p);
            free(s);
            _exit(0);
        }
        {
            int status = 0;
            CHECK(waitpid(pid, &status, 0) == pid);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
    }
    stop = 1;
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
    }
}

int main(void) {
    if (UNDER_ASAN || RUNNING_ON_VALGRIND) {
        /* ASan and memcheck replace malloc themselves: this binary would test
         * theirs. The test is meaningful (and runs) in plain builds only. */
        printf("malloc_api_test: SKIPPED (ASan or Valgrind owns malloc here)\n");
        return 0;
    }
    CHECK(free_sized != NULL && free_aligned_sized != NULL);
    test_in_effect();
    test_c17_posix();
    test_fork();
    printf("malloc_api_test: all passed\n");
    return 0;
}
