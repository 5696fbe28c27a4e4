#!/usr/bin/env bash
# One large RDB file on 1 thread vs split across N threads (`dcskit analyze --threads`): prints
# MB/s, CPU seconds and the ratio, checks both runs print the same report, and shows the load
# average (the machine is shared: figures taken under load understate the split).
#
# Usage: scripts/bench/rdb-threads.sh [SIZE_MB] [THREADS]   (default: 512 2)
# Env:   BENCH_DIR (default /tmp/dcskit-rdb-bench, shared with rdb.sh), RUNS (default 3)
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
MB="${1:-512}"
THREADS="${2:-2}"
RUNS="${RUNS:-3}"
ensure_apt redis-server redis-tools time
build_cli
. "$REPO/scripts/bench/rdb-dumps.sh"
ensure_mixed_dumps "$MB"
bench_redis_stop
f="$BENCH_DIR/mixed-${MB}MB.rdb"
size_mb=$(python3 -c "print($(stat -c %s "$f")/1048576)")
cat "$f" >/dev/null # page cache warm for both
run() { # threads -> "wall cpu rss_kib" of the fastest run
  local t=$1 best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/t.txt" "$DCSKIT_BIN" analyze --format json --now-ms 1800000000000 \
      --threads "$t" "$f" >"$BENCH_DIR/out-$t.json"
    read -r wall user sys rss <"$BENCH_DIR/t.txt"
    best=$(python3 -c "
b='$best'.split(); w=float('$wall'); c=float('$user')+float('$sys')
print(f'{w} {c} $rss' if not b or w < float(b[0]) else '$best')")
  done
  echo "$best"
}
read -r w1 c1 r1 < <(run 1)
read -r wn cn rn < <(run "$THREADS")
cmp -s "$BENCH_DIR/out-1.json" "$BENCH_DIR/out-$THREADS.json" && same=yes || same=NO
printf '\nfile %s: %.1f MB; load average: %s\n' "$(basename "$f")" "$size_mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %10s %10s %12s %12s\n' threads seconds MB/s "CPU seconds" "peak RSS MB"
python3 - <<EOF
mb=$size_mb
for t, w, c, r in ((1, $w1, $c1, $r1), ($THREADS, $wn, $cn, $rn)):
    print(f"{t:<10} {w:>10.2f} {mb/w:>10.1f} {c:>12.2f} {r/1024:>12.1f}")
print(f"ratio (wall, {$THREADS} threads vs 1): {$w1/$wn:.2f}x; CPU spent: {$cn/$c1:.2f}x; identical reports: $same")
EOF
[ "$same" = yes ]
