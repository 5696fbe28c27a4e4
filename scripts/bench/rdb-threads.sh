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
BENCH_DIR="${BENCH_DIR:-/tmp/dcskit-rdb-bench}"
mkdir -p "$BENCH_DIR"
ensure_apt redis-server redis-tools time
build_cli
f="$BENCH_DIR/mixed-${MB}MB.rdb"
if [ ! -f "$f" ]; then
  # A dump of at least MB megabytes written by a real redis-server from rdb-gen.py's data set.
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$BENCH_DIR" --save '' --appendonly no \
    --logfile "$BENCH_DIR/redis.log" --daemonize no &
  RPID=$!
  trap 'kill $RPID 2>/dev/null || true' EXIT
  for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done_units=0
  while :; do
    redis-cli -p "$PORT" SAVE >/dev/null
    [ "$(stat -c %s "$BENCH_DIR/dump.rdb")" -ge $((MB * 1024 * 1024)) ] && break
    python3 scripts/bench/rdb-gen.py 20000 1 "$done_units" | redis-cli -p "$PORT" --pipe >/dev/null
    done_units=$((done_units + 20000))
  done
  cp "$BENCH_DIR/dump.rdb" "$f"
  kill $RPID 2>/dev/null || true
fi
size_mb=$(python3 -c "print($(stat -c %s "$f")/1048576)")
cat "$f" >/dev/null # page cache warm for both
run() { # threads -> "wall cpu"
  local t=$1 best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$BENCH_DIR/t.txt" "$DCSKIT_BIN" analyze --format json --now-ms 1800000000000 \
      --threads "$t" "$f" >"$BENCH_DIR/out-$t.json"
    read -r wall user sys <"$BENCH_DIR/t.txt"
    best=$(python3 -c "
b='$best'.split(); w=float('$wall'); c=float('$user')+float('$sys')
print(f'{w} {c}' if not b or w < float(b[0]) else '$best')")
  done
  echo "$best"
}
read -r w1 c1 < <(run 1)
read -r wn cn < <(run "$THREADS")
cmp -s "$BENCH_DIR/out-1.json" "$BENCH_DIR/out-$THREADS.json" && same=yes || same=NO
printf '\nfile %s: %.1f MB; load average: %s\n' "$(basename "$f")" "$size_mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %10s %10s %12s\n' threads seconds MB/s "CPU seconds"
python3 - <<EOF
mb=$size_mb
for t, w, c in ((1, $w1, $c1), ($THREADS, $wn, $cn)):
    print(f"{t:<10} {w:>10.2f} {mb/w:>10.1f} {c:>12.2f}")
print(f"ratio (wall, {$THREADS} threads vs 1): {$w1/$wn:.2f}x; CPU spent: {$cn/$c1:.2f}x; identical reports: $same")
EOF
[ "$same" = yes ]
