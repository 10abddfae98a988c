/*
 * replay_main.c — a plain main() for a fuzz target, so the same harness
 * links and runs without libFuzzer (bazel test, debugging, crash triage).
 *
 *   replay_main [FILE|DIR]...          runs every file (directories: every
 *                                      regular file in them, sorted, but
 *                                      *.md, *.trace and hidden files) through
 *                                      LLVMFuzzerTestOneInput; a violation
 *                                      aborts, as it does under the engine
 *   replay_main --trace NAME FILE      prints FILE decoded as a corpus case
 *                                      called NAME (with the clauses it fails)
 *
 * Exit status: 0 when every input ran, 2 on a usage or I/O error, 1 when
 * HEAPSPEC_FUZZ_MIN_INPUTS is set and fewer inputs than that ran (an empty
 * seed directory must not pass unnoticed).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/malloc_fuzzer.h"
#include "fuzz/replay.h"

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *grown = realloc(buf, cap * 2);
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (buf == NULL || err) {
        free(buf);
        return -1;
    }
    *data = buf;
    *size = n;
    return 0;
}

static int run_file(const char *path)
{
    uint8_t *data;
    size_t size;
    if (read_file(path, &data, &size) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entries that are not inputs: hidden files, notes, text traces. */
static bool skipped(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' || (n >= 3 && strcmp(name + n - 3, ".md") == 0) ||
           (n >= 6 && strcmp(name + n - 6, ".trace") == 0);
}

/* Runs every regular file of dir, in name order; returns the count or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (skipped(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n] == NULL)
            break;
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) != 0)
                count = -1;
            else if (count >= 0)
                count++;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int hsf_replay(int argc, char **argv, long *ran)
{
    *ran = 0;
    if (argc == 4 && strcmp(argv[1], "--trace") == 0) {
        uint8_t *data;
        size_t size;
        if (read_file(argv[3], &data, &size) != 0) {
            fprintf(stderr, "replay: cannot read %s\n", argv[3]);
            return 2;
        }
        int rc = hsf_fuzz_print_trace(data, size, argv[2], stdout);
        free(data);
        return rc == 0 ? 0 : 2;
    }
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s FILE|DIR...\n       %s --trace NAME FILE\n", argv[0], argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    long total = 0;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
            status = 2;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            long n = run_dir(argv[i]);
            if (n < 0)
                status = 2;
            else
                total += n;
        } else if (run_file(argv[i]) != 0) {
            status = 2;
        } else {
            total++;
        }
    }
    fprintf(stderr, "replay: %ld inputs ran without a violation\n", total);
    *ran = total;
    const char *min = getenv("HEAPSPEC_FUZZ_MIN_INPUTS");
    if (status == 0 && min != NULL && total < strtol(min, NULL, 10)) {
        fprintf(stderr, "replay: expected at least %s inputs\n", min);
        status = 1;
    }
    return status;
}

#ifndef HSF_REPLAY_NO_MAIN
int main(int argc, char **argv)
{
    long ran;
    return hsf_replay(argc, argv, &ran);
}
#endif
