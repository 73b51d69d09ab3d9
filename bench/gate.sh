#!/usr/bin/env bash
# Performance regression gate: a short benchmark run whose speed-ups over the naive baseline (measured in the same
# run) must stay within the tolerance of the committed ones in bench/results/gate-baseline.json.
# Usage: bench/gate.sh [--bench matrix|pipeline] [--tolerance 0.25] [--baseline FILE] [--update]    Exit: 0 pass, 1 regression, 2 no results.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/GoTraceEngine.Benchmarks -- gate "$@"
