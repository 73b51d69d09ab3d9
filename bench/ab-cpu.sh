#!/usr/bin/env bash
# CPU-time A/B of two gotrace binaries, alternating run by run (a shared machine's load changes by the second;
# user+system seconds move less with it than wall time does):
#   bench/ab-cpu.sh BEFORE AFTER RUNS FILE...
# Prints per file the median wall and user+sys seconds of each binary and their ratios.
set -euo pipefail
. "$(dirname "$0")/traces.sh"
bench_need ab-cpu.sh /usr/bin/time
[ $# -ge 4 ] || { echo "usage: bench/ab-cpu.sh BEFORE AFTER RUNS FILE..." >&2; exit 2; }
before=$1; after=$2; runs=$3; shift 3
for file in "$@"; do
    log=$(mktemp)
    for i in $(seq "$runs"); do
        for side in before after; do
            bin=$before; [ "$side" = after ] && bin=$after
            /usr/bin/time -f "$side %e %U %S" "$bin" replay "$file" 2>>"$log" >/dev/null
        done
    done
    awk -v f="$(basename "$file")" '
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        $1 == "before" || $1 == "after" { n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3 + $4 }
        END {
            for (s in n) { for (i = 1; i <= n[s]; i++) { w[i] = wall[s, i]; c[i] = cpu[s, i] } mw[s] = median(w, n[s]); mc[s] = median(c, n[s]) }
            printf "| %s | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx |\n", f, mw["before"], mw["after"], mw["before"] / mw["after"], mc["before"], mc["after"], mc["before"] / mc["after"]
        }' "$log"
    rm -f "$log"
done
