#!/usr/bin/env bash
# CPU-time A/B of two gotrace binaries, alternating run by run (a shared machine's load changes by the second;
# user+system seconds move less with it than wall time does):
#   bench/ab-cpu.sh BEFORE AFTER RUNS FILE...
# Prints per file the median wall and user+sys seconds of each binary and their ratios. With a C compiler, each pair
# of runs is also classed by the cache-line round trip between CPUs 0 and 1 measured before and after it
# (bench/round-trip.sh): on a VM it changes within seconds and moves two-core figures, so the pairs made while it was
# fast (both under 150 ns) and slow (both over 250 ns) get rows of their own.
set -euo pipefail
. "$(dirname "$0")/traces.sh"
bench_need ab-cpu.sh /usr/bin/time
[ $# -ge 4 ] || { echo "usage: bench/ab-cpu.sh BEFORE AFTER RUNS FILE..." >&2; exit 2; }
before=$1; after=$2; runs=$3; shift 3
probe() { "$(dirname "$0")/round-trip.sh" 2>/dev/null || echo 0; }
command -v cc >/dev/null 2>&1 || echo "ab-cpu.sh: no C compiler (cc): runs are not classed by the CPUs' round trip" >&2
for file in "$@"; do
    log=$(mktemp)
    for i in $(seq "$runs"); do
        first=$(probe)
        for side in before after; do
            bin=$before; [ "$side" = after ] && bin=$after
            /usr/bin/time -f "$side %e %U %S" "$bin" replay "$file" 2>>"$log" >/dev/null
        done
        echo "pair $first $(probe)" >>"$log"
    done
    awk -v f="$(basename "$file")" '
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        function row(label, class,   s, i, k, w, c, mw, mc) {
            for (s in sides) {
                k = 0
                for (i = 1; i <= pairs; i++) if (class == "" || cls[i] == class) { k++; w[k] = wall[s, i]; c[k] = cpu[s, i] }
                if (k == 0) return
                mw[s] = median(w, k); mc[s] = median(c, k)
            }
            printf "| %s%s | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx |\n", f, label, mw["before"], mw["after"], mw["before"] / mw["after"], mc["before"], mc["after"], mc["before"] / mc["after"]
        }
        BEGIN { sides["before"]; sides["after"] }
        $1 == "before" || $1 == "after" { n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3 + $4 }
        $1 == "pair" { pairs++; cls[pairs] = ($2 > 0 && $2 < 150 && $3 > 0 && $3 < 150) ? "fast" : (($2 > 250 && $3 > 250) ? "slow" : "mixed"); probes = probes " " $2 "/" $3 }
        END {
            row("", "")
            for (k = 1; k <= pairs; k++) count[cls[k]]++
            if (count["fast"] > 0) row(" (round trip fast, " count["fast"] " pairs)", "fast")
            if (count["slow"] > 0) row(" (round trip slow, " count["slow"] " pairs)", "slow")
            if (probes !~ / 0\/0/) print "round trips (ns, before/after each pair):" probes
        }' "$log"
    rm -f "$log"
done
