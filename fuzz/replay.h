/* replay.h — fuzz/replay_main.c as a function, for tests that replay
 * inputs in-process (fuzz/replay_test.c). */
#ifndef HSF_REPLAY_H
#define HSF_REPLAY_H

/* Does what `replay_main argv[1..]` does (see replay_main.c) and returns its
 * exit status; *ran receives the number of inputs that ran. */
int hsf_replay(int argc, char **argv, long *ran);

#endif /* HSF_REPLAY_H */
