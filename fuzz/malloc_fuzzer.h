/*
 * malloc_fuzzer.h — the entry points of a heapspec fuzz target, for the
 * drivers that link it (libFuzzer, AFL++'s driver, fuzz/replay_main.c).
 */
#ifndef HSF_MALLOC_FUZZER_H
#define HSF_MALLOC_FUZZER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* libFuzzer's interface: runs one input; aborts on a violation. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes data and writes it to out as one corpus case called name, with
 * the clauses it fails (run once in a child process, never aborting here).
 * Returns 0, or -1 when the input cannot be decoded. */
int hsf_fuzz_print_trace(const uint8_t *data, size_t size, const char *name, FILE *out);

#endif /* HSF_MALLOC_FUZZER_H */
