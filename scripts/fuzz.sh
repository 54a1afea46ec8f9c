#!/usr/bin/env bash
# Runs the libFuzzer targets in fuzz/ (cargo-fuzz, nightly toolchain), one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   each target for SECONDS (default 300)
#   scripts/fuzz.sh --smoke [TARGET...]     each target for 20 s
#
# Seeds are read from fuzz/seeds/<target>/ (kept in the repository); the corpus libFuzzer
# grows is kept outside it, in $SWITCHBOARD_CACHE/fuzz-corpus/<target>/. Crashes are written
# to fuzz/artifacts/<target>/ (ignored by git), logs to $SWITCHBOARD_CACHE/fuzz-logs/.
# Prints per target the time it ran, the executions and the result; exits non-zero if any
# target crashed (a panic, a failed check, a timeout or running out of memory).
#
# Builds with its own target directory (not the workspace's) and one job by default:
# CARGO_BUILD_JOBS and SWITCHBOARD_FUZZ_TARGET_DIR override.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(decision_lenient stream_parse prometheus config markdown wire)

secs=300
if [[ $# -gt 0 ]]; then
    case "$1" in
        --smoke) secs=20; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *[!0-9]*|'') ;;
        *) secs=$1; shift ;;
    esac
fi
if [[ $# -gt 0 ]]; then
    for t in "$@"; do
        [[ -f "fuzz/fuzz_targets/$t.rs" ]] || { echo "[fuzz] no such target: $t (have: ${TARGETS[*]})" >&2; exit 2; }
    done
    TARGETS=("$@")
fi

export SWITCHBOARD_CACHE="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
export CARGO_TARGET_DIR="${SWITCHBOARD_FUZZ_TARGET_DIR:-$SWITCHBOARD_CACHE/fuzz-target}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
corpus_root="$SWITCHBOARD_CACHE/fuzz-corpus"
logs="$SWITCHBOARD_CACHE/fuzz-logs"
mkdir -p "$corpus_root" "$logs"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "[fuzz] needs cargo-fuzz and a nightly toolchain:" >&2
    echo "       rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 2
fi

echo "[fuzz] building ${TARGETS[*]} (target dir $CARGO_TARGET_DIR, $CARGO_BUILD_JOBS job(s))" >&2
for t in "${TARGETS[@]}"; do
    cargo +nightly fuzz build "$t"
done

failed=()
summary=()
for t in "${TARGETS[@]}"; do
    corpus="$corpus_root/$t"
    mkdir -p "$corpus"
    log="$logs/$t.log"
    echo "[fuzz] $t: ${secs}s (log $log)" >&2
    start=$(date +%s)
    rc=0
    # The first corpus directory is written to, the seeds only read.
    cargo +nightly fuzz run "$t" "$corpus" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        >"$log" 2>&1 || rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [[ -z "$execs" ]]; then
        # No final stats (a crash): the last status line's count.
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    if [[ $rc -eq 0 ]]; then
        result="ok"
    else
        artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | awk '{print $NF}' || true)
        cause=$(grep -m1 -oE 'panicked at [^:]+:[0-9]+:[0-9]+|ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+' "$log" || true)
        result="CRASH (exit $rc) ${cause:-see log} ${artifact:+-> $artifact}"
        failed+=("$t")
        echo "[fuzz] $t crashed; the end of its log:" >&2
        grep -v '^#[0-9]' "$log" | tail -40 >&2
    fi
    line=$(printf '%-17s %6ss %12s execs  %s' "$t" "$took" "${execs:-?}" "$result")
    summary+=("$line")
    echo "[fuzz] $line" >&2
done

echo
printf '%-17s %7s %12s        %s\n' target time executions result
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "[fuzz] crashed: ${failed[*]}; reproduce with: cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>" >&2
    exit 1
fi
