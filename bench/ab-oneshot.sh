#!/usr/bin/env bash
# A/B of two gotrace binaries on the same traces, in one hyperfine run per trace (ratios from the same minutes):
#   bench/ab-oneshot.sh BEFORE AFTER [--runs 7] FILE...
# Also times AFTER with GOTRACE_TABLE_MEMORY=managed (the tables in a pinned managed array instead of huge pages).
# Prints hyperfine's summary (relative speeds) per trace; exports JSON next to each trace.
set -euo pipefail
. "$(dirname "$0")/traces.sh"
bench_need ab-oneshot.sh hyperfine
[ $# -ge 3 ] || { echo "usage: bench/ab-oneshot.sh BEFORE AFTER [--runs 7] FILE..." >&2; exit 2; }
before=$1; after=$2; shift 2
runs=7
if [ "${1:-}" = "--runs" ]; then runs=$2; shift 2; fi
for file in "$@"; do
    echo "== $(basename "$file")"
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$file.ab.json" \
        -n before "$before replay $file" \
        -n after "$after replay $file" \
        -n after-managed-tables "env GOTRACE_TABLE_MEMORY=managed $after replay $file" 2>&1 | grep -vE '^\s*$|Warning|outlier|statistical'
done
