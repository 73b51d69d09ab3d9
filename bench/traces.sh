# Sourced by the scripts in bench/ (not run on its own): the tools they need, and for bench/oneshot.sh and
# bench/two-core.sh their options, the NativeAOT CLI they time, and the generated traces they replay.
#
#   bench_options NAME "$@"   reads --bin PATH --work DIR --size 300MB --runs 5 --out FILE into bin, work, size, runs
#                             and out (defaults: none, /tmp/gotrace-oneshot, 300MB, 5, none); NAME is for messages
#   bench_publish             publishes the NativeAOT CLI to $work/aot unless --bin named one, and sets bin
#   bench_need NAME TOOL...   stops with one line naming the tools missing from this machine (and the package to
#                             install), before anything is published or generated
#   bench_trace FORMAT LIVE   prints the path of the FORMAT (quiet: the seed format; full) trace of --size at LIVE
#                             live goroutines in $work, generating it first when missing (generated, never committed)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_options() {
    local name=$1
    shift
    bin=""
    work=/tmp/gotrace-oneshot
    size=300MB
    runs=5
    out=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --bin) bin=$2; shift 2 ;;
            --work) work=$2; shift 2 ;;
            --size) size=$2; shift 2 ;;
            --runs) runs=$2; shift 2 ;;
            --out) out=$2; shift 2 ;;
            *) echo "$name: unknown option '$1'" >&2; exit 2 ;;
        esac
    done
    mkdir -p "$work"
}

bench_need() {
    local name=$1 tool missing=()
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "$name: needs ${missing[*]}, not found on this machine (Debian: apt-get install ${missing[*]/#\/usr\/bin\/time/time})" >&2
        exit 2
    fi
}

bench_publish() {
    if [ -n "$bin" ]; then
        return
    fi

    echo "publishing the NativeAOT CLI to $work/aot ..." >&2
    dotnet publish "$root/src/GoTraceEngine.Cli" -c Release -r linux-x64 -o "$work/aot" >"$work/publish.log" 2>&1 \
        || { tail -20 "$work/publish.log" >&2; exit 2; }
    bin="$work/aot/gotrace"
}

bench_trace() {
    local file="$work/$1-$2-$size.txt"
    if [ ! -s "$file" ]; then
        echo "generating $file ..." >&2
        "$bin" gen --size "$size" --format "$1" --live "$2" --seed 1 -o "$file" >&2
    fi

    echo "$file"
}
