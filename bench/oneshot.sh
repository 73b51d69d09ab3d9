#!/usr/bin/env bash
# One-shot replay of big generated traces by the NativeAOT gotrace, as a user runs it: start-up, replay, report.
#
#   bench/oneshot.sh [--bin PATH] [--work DIR] [--size 300MB] [--runs 5] [--out FILE]
#
# Publishes the NativeAOT CLI (unless --bin names one), generates seed-format (quiet) and full-format traces of --size
# at 1 k, 100 k and 1 M live goroutines (kept in --work, default /tmp/gotrace-oneshot, and reused when their size
# matches: never committed), then for each trace:
#   - events: from `gotrace replay FILE --stats` (stderr);
#   - time: `hyperfine -N` of `gotrace replay FILE` (--runs runs after one warm-up), median wall time including
#     start-up and writing the text report to /dev/null; events/s = events / median;
#   - engine events/s: what --stats prints (replay only, no start-up or report);
#   - peak RSS: `/usr/bin/time -f %M gotrace replay FILE` (and `--format json` on the 1 M-live traces).
# Prints a markdown table (also written to --out when given). Needs hyperfine, jq and GNU time.
set -euo pipefail
. "$(dirname "$0")/traces.sh"
bench_options oneshot.sh "$@"
bench_need oneshot.sh hyperfine jq /usr/bin/time
bench_publish

table=$(mktemp)
{
    echo "| Format | Live | Trace | Events | Median (hyperfine, $runs runs) | Events/s (wall) | Events/s (--stats, engine) | MB/s (wall) | Peak RSS text | Peak RSS json |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"

for format in quiet full; do
    for live in 1000 100000 1000000; do
        file=$(bench_trace "$format" "$live")
        bytes=$(stat -c %s "$file")
        stats=$("$bin" replay "$file" --stats --no-progress 2>&1 >/dev/null | grep -E '^gotrace: [0-9]+ events' | tail -1)
        events=$(echo "$stats" | awk '{ print $2 }')
        engine_rate=$(echo "$stats" | sed -E 's/.*: ([0-9.]+) M events\/s.*/\1/')
        json="$work/hyperfine-$format-$live.json"
        hyperfine -N --warmup 1 --runs "$runs" --export-json "$json" "$bin replay $file" >"$work/hyperfine.log" 2>&1 \
            || { echo "oneshot.sh: hyperfine failed on $file:" >&2; tail -5 "$work/hyperfine.log" >&2; exit 1; }
        median=$(jq '.results[0].median' "$json")
        rss=$(/usr/bin/time -f %M "$bin" replay "$file" 2>&1 >/dev/null | tail -1)
        rss_json="-"
        if [ "$live" = 1000000 ]; then
            rss_json="$(( $(/usr/bin/time -f %M "$bin" replay "$file" --format json 2>&1 >/dev/null | tail -1) / 1024 )) MB"
        fi
        awk -v f="$format" -v l="$live" -v b="$bytes" -v e="$events" -v m="$median" -v er="$engine_rate" -v r="$rss" -v rj="$rss_json" 'BEGIN {
            printf "| %s | %d | %.0f MB | %d | %.3f s | %.2f M | %s M | %.0f | %d MB | %s |\n", f, l, b / 1e6, e, m, e / m / 1e6, er, b / m / 1e6, r / 1024, rj
        }' >>"$table"
        tail -1 "$table" >&2
    done
done

echo
echo "gotrace: $bin ($(nproc) cores: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(date -u +%Y-%m-%d)"
echo
cat "$table"
if [ -n "$out" ]; then
    cp "$table" "$out"
fi
rm -f "$table"
