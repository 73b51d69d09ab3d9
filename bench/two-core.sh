#!/usr/bin/env bash
# Two cores against one: `gotrace replay --threads 2` (both threads parse), the default (auto) and `--threads apply`
# (one thread parses, the other applies) against `--threads 1`, in the same run.
#
#   bench/two-core.sh [--bin PATH] [--work DIR] [--size 300MB] [--runs 5] [--out FILE]
#
# Publishes the NativeAOT CLI (unless --bin names one), generates seed-format (quiet) and full-format traces of --size
# at 1 k, 100 k and 1 M live goroutines (kept in --work, default /tmp/gotrace-oneshot, reused when present: never
# committed). For each trace: checks the four modes' JSON reports are byte-identical, then runs the four modes
# interleaved (--runs rounds of 1, 2, auto, apply, so a change in the machine's load hits all alike) and prints the
# median wall time of each, the ratios to --threads 1, and the user CPU seconds of the median-ish run. The machine's
# other load is reported as the share of both cores busy outside this script while it ran (from /proc/stat), and,
# with a C compiler, the cache-line round trip between CPUs 0 and 1 before each round (bench/round-trip.sh: on a VM
# it moves between about 70 and 500 ns within seconds, and two-core figures with it). Needs GNU time.
set -euo pipefail
. "$(dirname "$0")/traces.sh"
bench_options two-core.sh "$@"
bench_need two-core.sh /usr/bin/time
bench_publish

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Jiffies all CPUs spent busy, and this script's children's CPU time, to tell the machine's other load apart.
busy() { awk '/^cpu / {print $2+$3+$4+$7+$8}' /proc/stat; }

table=$(mktemp)
trap 'rm -f "$table"' EXIT
printf '| Trace | Live | Events | 1 thread | 2 threads | auto | apply | 2 threads vs 1 | auto vs 1 | apply vs 1 | CPU s (1 / 2) | other load | round trips (ns) |\n' >"$table"
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n' >>"$table"
for format in quiet full; do
    for live in 1000 100000 1000000; do
        trace=$(bench_trace "$format" "$live")
        for mode in 1 2 auto apply; do
            "$bin" replay --threads "$mode" --format json "$trace" >"$work/report-$mode.json"
        done
        cmp -s "$work/report-1.json" "$work/report-2.json" && cmp -s "$work/report-1.json" "$work/report-auto.json" \
            && cmp -s "$work/report-1.json" "$work/report-apply.json" \
            || { echo "two-core.sh: reports differ for $trace" >&2; exit 1; }
        events=$("$bin" replay --threads 1 --stats "$trace" 2>&1 >/dev/null | sed -n 's/^gotrace: \([0-9]*\) events.*/\1/p')
        declare -A wall=() cpu=()
        start_busy=$(busy); own=0; trips=""
        for _ in $(seq "$runs"); do
            trips+="$("$(dirname "$0")/round-trip.sh" 2>/dev/null || echo -) "
            for mode in 1 2 auto apply; do
                /usr/bin/time -o "$work/time.txt" -f '%e %U %S' "$bin" replay --threads "$mode" "$trace" >/dev/null 2>&1 || true
                read -r e u s < <(tail -1 "$work/time.txt")
                wall[$mode]+="$e "
                cpu[$mode]+="$u "
                own=$(echo "$own + $u + $s" | bc)
            done
        done
        elapsed_busy=$(( $(busy) - start_busy ))
        ticks=$(getconf CLK_TCK)
        m1=$(tr ' ' '\n' <<<"${wall[1]}" | grep . | median)
        m2=$(tr ' ' '\n' <<<"${wall[2]}" | grep . | median)
        ma=$(tr ' ' '\n' <<<"${wall[auto]}" | grep . | median)
        mp=$(tr ' ' '\n' <<<"${wall[apply]}" | grep . | median)
        c1=$(tr ' ' '\n' <<<"${cpu[1]}" | grep . | median)
        c2=$(tr ' ' '\n' <<<"${cpu[2]}" | grep . | median)
        total_wall=$(tr ' ' '\n' <<<"${wall[1]} ${wall[2]} ${wall[auto]} ${wall[apply]}" | grep . | paste -sd+ | bc)
        other=$(echo "scale=0; 100 * ($elapsed_busy / $ticks - $own) / (2 * $total_wall)" | bc)
        printf '| %s | %s | %s | %s s | %s s | %s s | %s s | %.2f× | %.2f× | %.2f× | %s / %s | %s %% | %s |\n' "$format" "$live" "$events" "$m1" "$m2" "$ma" "$mp" \
            "$(echo "$m1 / $m2" | bc -l)" "$(echo "$m1 / $ma" | bc -l)" "$(echo "$m1 / $mp" | bc -l)" "$c1" "$c2" "$other" "${trips% }" >>"$table"
        echo "done: $format $live" >&2
    done
done
cat "$table"
if [ -n "$out" ]; then
    cp "$table" "$out"
fi
