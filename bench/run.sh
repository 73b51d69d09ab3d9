#!/usr/bin/env bash
# Runs the benchmark suite (BenchmarkDotNet) and copies the markdown results to bench/results/<machine>/.
# Usage: bench/run.sh [BenchmarkDotNet arguments]   e.g. bench/run.sh --filter '*PipelineBench*' --job short
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter '*')
rm -rf BenchmarkDotNet.Artifacts/results
dotnet run -c Release --project bench/GoTraceEngine.Benchmarks -- "${args[@]}"
model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
machine=$(printf '%s-%score' "${model:-unknown}" "$(nproc)" | tr -cs 'A-Za-z0-9' '-' | tr 'A-Z' 'a-z')
mkdir -p "bench/results/$machine"
cp BenchmarkDotNet.Artifacts/results/*-report-github.md "bench/results/$machine/"
echo "results: bench/results/$machine/"
