#!/usr/bin/env bash
# RDB analyzer benchmark: builds dumps of growing size with a real redis-server from a mixed
# data set, then times `dcskit analyze --format json` against `redis-check-rdb` (same Debian
# package) and redis-rdb-tools (`rdb -c memory`, PyPI `rdbtools`) on the same files, printing
# MB/s, ratios and peak RSS (GNU time).
#
# Usage: scripts/bench/rdb.sh [SIZES_MB...]   (default: 256 512 1024)
# Env:   BENCH_DIR (work dir, default /tmp/dcskit-rdb-bench), RDBTOOLS_MB (slice size, 20)
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(256 512 1024)
BENCH_DIR="${BENCH_DIR:-/tmp/dcskit-rdb-bench}"
RDBTOOLS_MB="${RDBTOOLS_MB:-20}"
mkdir -p "$BENCH_DIR"
ensure_apt redis-server redis-tools time
build_cli
GEN="$REPO/scripts/bench/rdb-gen.py"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(port)"
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$BENCH_DIR" --save '' --appendonly no \
  --logfile "$BENCH_DIR/redis.log" --daemonize no &
RPID=$!
trap 'kill $RPID 2>/dev/null || true' EXIT
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# Fill in steps, saving a copy each time the dump passes the next size.
units_done=0
step=20000
rdb_size() { stat -c %s "$BENCH_DIR/dump.rdb" 2>/dev/null || echo 0; }
for mb in "${SIZES[@]}"; do
  target=$((mb * 1024 * 1024))
  if [ -f "$BENCH_DIR/mixed-${mb}MB.rdb" ]; then continue; fi
  while :; do
    redis-cli -p "$PORT" SAVE >/dev/null
    [ "$(rdb_size)" -ge "$target" ] && break
    python3 "$GEN" "$step" 1 "$units_done" | redis-cli -p "$PORT" --pipe >/dev/null
    units_done=$((units_done + step))
  done
  cp "$BENCH_DIR/dump.rdb" "$BENCH_DIR/mixed-${mb}MB.rdb"
  echo "built mixed-${mb}MB.rdb: $(rdb_size) bytes, $units_done units" >&2
done
# A small slice for the slow Python tool.
redis-cli -p "$PORT" FLUSHALL >/dev/null
slice_units=$((RDBTOOLS_MB * 1024 * 1024 / 2600))
python3 "$GEN" "$slice_units" 2 | redis-cli -p "$PORT" --pipe >/dev/null
redis-cli -p "$PORT" SAVE >/dev/null
cp "$BENCH_DIR/dump.rdb" "$BENCH_DIR/slice.rdb"

# measure NAME CMD...: prints seconds and peak RSS (KiB) of one run.
measure() {
  local out="$BENCH_DIR/time.txt"
  /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" || { echo "FAILED: $* ($(tail -2 "$BENCH_DIR/stderr.txt"))" >&2; echo "nan 0"; return; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$out" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$out" | awk '{print $NF}')
  python3 -c "
p='$wall'.split(':'); s=float(p[-1]) + (int(p[-2])*60 if len(p)>1 else 0) + (int(p[-3])*3600 if len(p)>2 else 0)
print(f'{s:.3f} $rss')"
}

ensure_venv rdbtools python-lzf >/dev/null 2>&1 || ensure_venv rdbtools
printf '\n%-22s %10s %10s %10s %12s\n' "file / tool" "MB" "seconds" "MB/s" "peak RSS MB"
row() { python3 -c "
mb=$2; s=float('$3'); rss=int('$4')/1024
print(f'%-22s %10.1f %10.2f %10.1f %12.1f' % ('$1', mb, s, (mb/s if s==s and s>0 else float('nan')), rss))"; }
declare -A RATE
for mb in "${SIZES[@]}"; do
  f="$BENCH_DIR/mixed-${mb}MB.rdb"
  size_mb=$(python3 -c "print($(stat -c %s "$f")/1048576)")
  read -r s rss < <(measure taskset -c 0 "$DCSKIT_BIN" analyze --format json "$f")
  row "dcskit ${mb}MB" "$size_mb" "$s" "$rss"
  RATE[dcskit_$mb]=$(python3 -c "print($size_mb/$s)")
done
big="${SIZES[-1]}"
f="$BENCH_DIR/mixed-${big}MB.rdb"
size_mb=$(python3 -c "print($(stat -c %s "$f")/1048576)")
read -r s rss < <(measure taskset -c 0 redis-check-rdb "$f")
row "redis-check-rdb ${big}MB" "$size_mb" "$s" "$rss"
RATE[check]=$(python3 -c "print($size_mb/$s)")
slice_mb=$(python3 -c "print($(stat -c %s "$BENCH_DIR/slice.rdb")/1048576)")
read -r s rss < <(measure taskset -c 0 "$DCSKIT_BIN" analyze --format json "$BENCH_DIR/slice.rdb")
row "dcskit slice" "$slice_mb" "$s" "$rss"
RATE[dcskit_slice]=$(python3 -c "print($slice_mb/$s)")
read -r s rss < <(measure taskset -c 0 "$VENV/bin/rdb" -c memory -f "$BENCH_DIR/rdbtools.csv" "$BENCH_DIR/slice.rdb")
row "rdbtools slice" "$slice_mb" "$s" "$rss"
RATE[rdbtools]=$(python3 -c "s='$s'; print($slice_mb/float(s) if s!='nan' else float('nan'))")
echo
python3 -c "
d=${RATE[dcskit_$big]}; c=${RATE[check]}; ds=${RATE[dcskit_slice]}; r=float('${RATE[rdbtools]}')
print(f'dcskit vs redis-check-rdb ($big MB): {d/c:.1f}x  ({d:.0f} vs {c:.0f} MB/s)')
print(f'dcskit vs rdbtools memory report (slice): ' + (f'{ds/r:.0f}x ({ds:.0f} vs {r:.2f} MB/s)' if r==r else 'rdbtools failed on this file (see above)'))"
