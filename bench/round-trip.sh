#!/usr/bin/env bash
# Prints the round trip of a cache line between CPUs 0 and 1 in nanoseconds (bench/round-trip.c, built once into
# /tmp/gotrace-round-trip with cc). Two-core figures on a VM move with it: compare runs made at the same round trip.
set -euo pipefail
src="$(dirname "$0")/round-trip.c"
bin=/tmp/gotrace-round-trip
command -v cc >/dev/null 2>&1 || { echo "round-trip.sh: needs a C compiler (cc), not found (Debian: apt-get install gcc)" >&2; exit 2; }
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    cc -O2 -pthread -o "$bin" "$src"
fi
"$bin"
