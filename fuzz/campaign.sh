#!/usr/bin/env bash
# fuzz/campaign.sh — a bounded fuzzing campaign on one family's harness.
#
#   fuzz/campaign.sh --engine libfuzzer|afl|both --family F --subject S \
#                    --seconds N --jobs J [--corpus-dir D] [--expect-fail IDS]
#                    [--max-len BYTES] [--walker call|op|end]
#
#   --family       malloc | ring | buddy | mspace | region | gc | spaces (all but malloc: the
#                  generic harness fuzz/family_fuzzer.c)
#   --subject      malloc: libc | ref | PATH to a subject .so (HEAPSPEC_FUZZ_SUBJECT);
#                  the other families: ref (their reference subject) | PATH to a subject
#                  .so exporting heapspec_subject()
#   --preload LIB  malloc family, subject libc: the process's malloc is LIB (a
#                  third-party allocator, e.g. jemalloc's .so), LD_PRELOADed into
#                  the fuzzer only; the build is then without ASan (ASan will not
#                  run under another malloc): -c opt --config=fuzzcov, *_nosan
#   --corpus-dir   kept between campaigns (resumed from, merged into); default
#                  $HOME/.cache/heapspec-fuzz/<family>-<subject>
#   --expect-fail  clause ids the subject is known to fail (HEAPSPEC_FUZZ_EXPECT_FAIL)
#   --walker       when the subject's check() walker runs (HEAPSPEC_FUZZ_CHECKED): after
#                  every mutating call inside the subject (call; the default for the
#                  reference mspace and region), after every operation of the trace (op;
#                  the default for the other reference components), or once after the
#                  trace (end, the default for a library)
#   --max-len      libFuzzer's -max_len, the longest input (default 16384: a trace of
#                  up to 500 ops). Shorter inputs run faster but reach fewer states:
#                  malloc, ref, 10 minutes on one core from the seeds: 128 bytes 64.2k
#                  exec/s and 3644 features, 16384 bytes 20.2k and 4279 (640 and 641
#                  edges).
#
# Runs the engine(s) for N seconds on J cores (libFuzzer -fork=J; AFL++ one -M and
# J-1 -S instances sharing one -o), prints progress, then merges and minimizes the
# corpus (-merge=1 / afl-cmin.bash), replays every crash under the ASan replay
# build, deduplicates them by the clauses violated or else by the top symbolized
# frames, writes each unique crash as a text trace (.trace) through the harness's
# decoder, and ends with the line:  fuzz: execs=N exec_per_s=R crashes=C
# (this run's crashes: an earlier run's move to <corpus>.work/earlier/). A crash
# whose input does not crash alone (the process state earlier inputs left made
# it) is signed not-reproducible-alone; the engine's log has its report.
# Every step runs under a hard `timeout`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
engine=libfuzzer family=malloc subject=libc seconds=60 jobs=1 corpus= expect= preload=
maxlen=16384 walker=
while [ $# -gt 0 ]; do
    case $1 in
    --engine) engine=$2; shift 2 ;;
    --family) family=$2; shift 2 ;;
    --subject) subject=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --corpus-dir) corpus=$2; shift 2 ;;
    --expect-fail) expect=$2; shift 2 ;;
    --preload) preload=$2; shift 2 ;;
    --max-len) maxlen=$2; shift 2 ;;
    --walker) walker=$2; shift 2 ;;
    *) echo "campaign.sh: unknown argument $1 (see the header of fuzz/campaign.sh)" >&2; exit 2 ;;
    esac
done
case $engine in libfuzzer | afl | both) ;; *) echo "campaign.sh: --engine libfuzzer|afl|both" >&2; exit 2 ;; esac
case $family in
malloc) ;;
ring | buddy | mspace | region | gc | spaces)
    [ "$subject" != libc ] || subject=ref
    [ "$subject" = ref ] || [ -f "$subject" ] || { echo "campaign.sh: --subject $subject: not ref and no such file" >&2; exit 2; }
    [ "$subject" = ref ] || subject=$(realpath "$subject") ;;
*) echo "campaign.sh: --family malloc|ring|buddy|mspace|region|gc|spaces" >&2; exit 2 ;;
esac
case $seconds$jobs$maxlen in *[!0-9]*) echo "campaign.sh: --seconds, --jobs and --max-len take numbers" >&2; exit 2 ;; esac
[ "$maxlen" -gt 0 ] || { echo "campaign.sh: --max-len takes a positive number" >&2; exit 2; }
case $walker in '' | call | op | end) ;; *) echo "campaign.sh: --walker call|op|end" >&2; exit 2 ;; esac
if [ -n "$preload" ]; then
    [ "$family" = malloc ] && [ "$subject" = libc ] ||
        { echo "campaign.sh: --preload is for --family malloc --subject libc" >&2; exit 2; }
    [ "$engine" = libfuzzer ] || { echo "campaign.sh: --preload: --engine libfuzzer" >&2; exit 2; }
    [ -f "$preload" ] || { echo "campaign.sh: --preload $preload: no such file" >&2; exit 2; }
    preload=$(realpath "$preload")
fi

tag=$(basename "$subject" .so)
[ -z "$preload" ] || tag=libc-$(basename "$preload" .so)
corpus=${corpus:-${HOME:-/tmp}/.cache/heapspec-fuzz/$family-$tag}
work="$corpus.work"
mkdir -p "$corpus" "$work/crashes" "$work/traces"
# This run reports its own crashes only. An earlier run's crashes and traces
# move to $work/earlier/<when>/: replayed again, one whose bug has since been
# fixed would count as a crash of this run.
if [ -n "$(find "$work/crashes" "$work/traces" -type f -print -quit)" ]; then
    earlier="$work/earlier/$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$earlier" && mv "$work/crashes" "$work/traces" "$earlier/" &&
        mkdir -p "$work/crashes" "$work/traces"
    echo "campaign: the last run's crashes and traces are now in $earlier"
fi
export HEAPSPEC_FUZZ_SUBJECT=$subject HEAPSPEC_FUZZ_EXPECT_FAIL=$expect
# A reference subject's check() walker runs after every operation or call (the
# harnesses' default for ref); --walker chooses (HEAPSPEC_FUZZ_CHECKED, fuzz/events.h).
[ -z "$walker" ] || export HEAPSPEC_FUZZ_CHECKED=$walker
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=0:symbolize=1}
seeds="$ROOT/fuzz/${family}_fuzzer_seed_corpus"
dict="$ROOT/fuzz/${family}_fuzzer.dict"
hard=$((seconds + 120))
execs=0 rate=0

# The binaries: libFuzzer and replay through Bazel, AFL++ through build_afl.sh.
# The libFuzzer build is -c opt --config=fuzz: the engine and the reference
# subjects get the coverage instrumentation and ASan too, not only the harness. Both binaries are
# copied out of bazel-bin at once: a later build (of another configuration, or
# of edited sources) must not change them under a running campaign, whose
# -fork children are exec'ed afresh all along.
bazel_bin() { # bazel info, not the bazel-bin symlink: another build may own it
    (cd "$ROOT" && bazel info "$@" bazel-bin 2>/dev/null) || echo "$ROOT/bazel-bin"
}
mkdir -p "$work/bin"
bin="$work/bin/${family}_fuzzer" replay="$work/bin/${family}_fuzzer_replay"
target=${family}_fuzzer config=fuzz
[ -z "$preload" ] || target=${family}_fuzzer_nosan config=fuzzcov
{
    (cd "$ROOT" && timeout 1200 bazel build -c opt --config=$config //fuzz:$target) &&
        install -m 755 "$(bazel_bin -c opt --config=$config)/fuzz/$target" "$bin" &&
        (cd "$ROOT" && timeout 1200 bazel build //fuzz:${family}_fuzzer_replay) &&
        install -m 755 "$(bazel_bin)/fuzz/${family}_fuzzer_replay" "$replay"
} >"$work/build.log" 2>&1 || { echo "campaign.sh: bazel build failed, see $work/build.log" >&2; exit 2; }
# The libFuzzer binary runs under the --preload allocator, if any.
pre=()
[ -z "$preload" ] || pre=(env "LD_PRELOAD=$preload")
[ -n "$(ls -A "$corpus")" ] || cp "$seeds"/* "$corpus/"
start_inputs=$(ls "$corpus" | wc -l)
echo "campaign: $engine on $family, subject $subject, ${seconds}s x $jobs cores; corpus $corpus ($start_inputs inputs)"

run_libfuzzer() {
    local log="$work/libfuzzer.log" fresh="$work/libfuzzer.new"
    rm -rf "$fresh" && mkdir -p "$fresh"
    # -fork=J (J > 1): J child processes; crashes, timeouts and OOMs are kept, the run
    # goes on. One core: in-process (fork mode restarts children and merges corpora,
    # which costs throughput); the run then stops at its first crash.
    local mode=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    [ "$jobs" -gt 1 ] || mode=(-print_final_stats=1)
    timeout -k 10 "$hard" "${pre[@]}" "$bin" "${mode[@]}" \
        -max_total_time="$seconds" -dict="$dict" -max_len="$maxlen" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$work/crashes/" "$fresh" "$corpus" >"$log" 2>&1 &
    local pid=$!
    local status_re='^#[0-9]+:?[[:space:]].*cov: '
    while kill -0 "$pid" 2>/dev/null; do
        sleep 10
        grep -a -E "$status_re" "$log" | tail -1 | sed 's/^/  libfuzzer /' || true
    done
    wait "$pid" || true
    # the last "#N ... cov: E ... exec/s: R" line has the figures (fork mode prints
    # no final stats)
    local last
    last=$(grep -a -E "$status_re" "$log" | tail -1 || true)
    local n
    n=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
    execs=$((execs + ${n:-0}))
    # exec/s over the whole run and all cores (libFuzzer's own figure in fork
    # mode is per job)
    rate=$((rate + ${n:-0} / (seconds > 0 ? seconds : 1)))
    echo "  libfuzzer: $last"
    echo "  edges: $(grep -a -oE 'cov: [0-9]+' <<<"$last" || echo '?')"
    # the figure after 10 minutes: the first status line at 600 s or later
    # (fork mode prints "time: Ns"; in-process runs print no time: skipped)
    local at10
    at10=$(grep -a -E "$status_re" "$log" | awk '{ for (i = 1; i < NF; i++) if ($i == "time:") { t = $(i + 1); sub(/s$/, "", t); if (t + 0 >= 600) { print; exit } } }')
    [ -z "$at10" ] || echo "  after 10 minutes: $(grep -a -oE 'cov: [0-9]+ ft: [0-9]+' <<<"$at10")"
    # merge: keep the inputs that add coverage, into a fresh minimal corpus
    local merged="$work/merged"
    rm -rf "$merged" && mkdir -p "$merged"
    if timeout -k 10 600 "${pre[@]}" "$bin" -merge=1 -rss_limit_mb=4096 "$merged" "$corpus" "$fresh" >"$work/merge.log" 2>&1; then
        rm -rf "$corpus.old" && mv "$corpus" "$corpus.old" && mv "$merged" "$corpus" && rm -rf "$corpus.old"
    fi
    echo "  corpus after merge: $(ls "$corpus" | wc -l) inputs"
}

run_afl() {
    local out="$work/afl" bins="$work/afl-bin"
    command -v afl-fuzz >/dev/null || { echo "campaign.sh: afl-fuzz not found" >&2; return; }
    timeout 1200 "$ROOT/fuzz/build_afl.sh" "$bins" "$family" >"$work/afl-build.log" 2>&1 ||
        { echo "campaign.sh: AFL++ build failed, see $work/afl-build.log" >&2; return; }
    local in=("-i" "$corpus")
    [ -d "$out/main/queue" ] && in=("-i" "-") # resume
    export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
    # afl-fuzz refuses ASan options without abort_on_error=1 (and symbolizing
    # in every run costs it throughput)
    local ASAN_OPTIONS=abort_on_error=1:symbolize=0:allocator_may_return_null=1:detect_leaks=0
    local pids=()
    timeout -k 10 "$hard" afl-fuzz -M main "${in[@]}" -o "$out" -V "$seconds" -x "$dict" \
        -c "$bins/${family}_fuzzer.cmplog" -- "$bins/${family}_fuzzer" >"$work/afl-main.log" 2>&1 &
    pids+=($!)
    for i in $(seq 2 "$jobs"); do
        timeout -k 10 "$hard" afl-fuzz -S "s$i" "${in[@]}" -o "$out" -V "$seconds" -x "$dict" \
            -- "$bins/${family}_fuzzer" >"$work/afl-s$i.log" 2>&1 &
        pids+=($!)
    done
    while kill -0 "${pids[0]}" 2>/dev/null; do
        sleep 10
        awk -F': *' '/^execs_done/{e+=$2} /^execs_per_sec/{r+=$2} /^saved_crashes/{c+=$2}
            END{printf "  afl execs=%d exec/s=%.0f crashes=%d\n", e, r, c}' "$out"/*/fuzzer_stats 2>/dev/null || true
    done
    for p in "${pids[@]}"; do wait "$p" || true; done
    local e r
    e=$(awk -F': *' '/^execs_done/{s+=$2} END{print s+0}' "$out"/*/fuzzer_stats 2>/dev/null || echo 0)
    r=$(awk -F': *' '/^execs_done/{s+=$2} /^run_time/{if ($2>t) t=$2} END{if (t>0) printf "%d", s/t; else print 0}' "$out"/*/fuzzer_stats 2>/dev/null || echo 0)
    execs=$((execs + e))
    rate=$((rate + r))
    echo "  afl: execs=$e exec/s=$r edges: $(awk -F': *' '/^edges_found/{print $2}' "$out/main/fuzzer_stats" 2>/dev/null)"
    cp "$out"/*/crashes/id:* "$work/crashes/" 2>/dev/null || true
    # minimize the union of the queues into the corpus
    local cmin="$work/cmin"
    rm -rf "$cmin"
    mkdir -p "$work/queues" && cp "$out"/*/queue/id:* "$work/queues/" 2>/dev/null || true
    # the input as a file (@@): through stdin afl-showmap saw one trace for all
    if timeout -k 10 600 afl-cmin.bash -i "$work/queues" -o "$cmin" \
        -- "$bins/${family}_fuzzer" @@ >"$work/cmin.log" 2>&1; then
        cp "$cmin"/* "$corpus/" 2>/dev/null || true
    fi
    rm -rf "$work/queues"
    echo "  corpus after afl-cmin: $(ls "$corpus" | wc -l) inputs"
}

case $engine in
libfuzzer) run_libfuzzer ;;
afl) run_afl ;;
both) run_libfuzzer; run_afl ;;
esac

# Crashes: replay each, sign it by the clauses it fails (or the top frames of its
# stack), keep one per signature, and decode it into a trace.
declare -A seen=()
unique=0
not_alone="not-reproducible-alone " # the signature of a crash its input does not repeat
for c in "$work"/crashes/*; do
    [ -f "$c" ] || continue
    # under --preload the ASan replay build cannot run: the libFuzzer binary
    # replays the input once, under the same allocator, and prints the trace
    if [ -n "$preload" ]; then
        out=$(timeout -k 5 60 "${pre[@]}" "$bin" -runs=1 "$c" 2>&1 || true)
    else
        out=$(timeout -k 5 60 "$replay" "$c" 2>&1 || true)
    fi
    # the signature: the clauses violated; else the top frames of a sanitizer's
    # stack; else the first line that says "error" (a misuse hook's abort),
    # addresses masked. (|| true: no match is an answer, not a failure.)
    sig=$(grep -a -oE '==heapspec== F [A-Z0-9-]+' <<<"$out" | awk '{print $3}' | sort -u | tr '\n' ' ' || true)
    if [ -z "$sig" ]; then
        sig=$(grep -a -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' <<<"$out" |
            grep -v -E ' in (__asan|__ubsan|__sanitizer|abort|raise|__GI_|__libc|__interceptor|fuzzer::|LLVMFuzzerTestOneInput|run_file|main)' |
            head -3 | awk '{print $4}' | tr '\n' ' ' || true)
    fi
    if [ -z "$sig" ]; then
        sig=$(grep -a -i -m1 'error' <<<"$out" | sed -E 's/0x[0-9a-f]+/ADDR/g' | cut -c1-120 || true)
    fi
    # nothing at all: the input alone does not crash; what crashed was the
    # state earlier inputs left in the process (the engine's log has the report)
    [ -n "$sig" ] || sig=$not_alone
    [ -z "${seen[$sig]+x}" ] || continue
    seen[$sig]=$c
    unique=$((unique + 1))
    name="crash-$unique"
    cp "$c" "$work/traces/$name.input"
    if [ -n "$preload" ]; then
        { echo "# subject libc with LD_PRELOAD $(basename "$preload"): $sig"
          sed -n '/^case fuzz-crash$/,/^end$/p' <<<"$out" | sed "s/^case fuzz-crash$/case fuzz-$tag-$unique/"
        } >"$work/traces/$name.trace"
    else
        { [ "$sig" != "$not_alone" ] ||
            echo "# this input does not crash alone: the engine crashed on the state earlier inputs left in its process; its report is in the engine's log ($work/*.log)"
          timeout -k 5 60 "$replay" --trace "fuzz-$tag-$unique" "$c" 2>/dev/null || true
        } >"$work/traces/$name.trace"
    fi
    echo "  crash $unique: $sig-> $work/traces/$name.trace"
    [ "$sig" != "$not_alone" ] ||
        echo "    (it does not reproduce from its input alone: see the sanitizer report in $work/*.log)"
done
end_inputs=$(ls "$corpus" | wc -l)
echo "campaign: corpus $corpus: $start_inputs inputs before, $end_inputs after merging ($((end_inputs - start_inputs)) new)"
echo "campaign: crashes and traces in $work/traces"
echo "fuzz: execs=$execs exec_per_s=$rate crashes=$unique"
