# Sourced by the RDB benchmarks (after scripts/lib.sh): dumps of a mixed data set written by a
# real redis-server, kept in $BENCH_DIR as mixed-<MB>MB.rdb and reused by later runs.
#   bench_redis_start / bench_redis_stop   a throwaway redis-server ($PORT) writing to $BENCH_DIR
#   ensure_mixed_dumps MB...               builds the dumps that are missing
BENCH_DIR="${BENCH_DIR:-/tmp/dcskit-rdb-bench}"
mkdir -p "$BENCH_DIR"
GEN="$REPO/scripts/bench/rdb-gen.py"
# About this many dump bytes per generator unit (measured with Redis 7 defaults).
UNIT_BYTES=2330
RPID=""

bench_redis_start() {
  [ -n "$RPID" ] && return 0
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$BENCH_DIR" --save '' --appendonly no \
    --logfile "$BENCH_DIR/redis.log" --daemonize no &
  RPID=$!
  trap bench_redis_stop EXIT
  for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}

bench_redis_stop() {
  [ -n "$RPID" ] && kill "$RPID" 2>/dev/null || true
  RPID=""
  rm -f "$BENCH_DIR/dump.rdb"
}

# Fill up to each size: one pipelined load to the estimated unit count, then small top-ups
# (a SAVE each) until the dump passes the size; a copy is kept per size.
ensure_mixed_dumps() {
  local units_done=0 mb target want
  rdb_size() { stat -c %s "$BENCH_DIR/dump.rdb" 2>/dev/null || echo 0; }
  load() { python3 "$GEN" "$1" 1 "$units_done" | redis-cli -p "$PORT" --pipe >/dev/null; units_done=$((units_done + $1)); }
  for mb in "$@"; do
    [ -f "$BENCH_DIR/mixed-${mb}MB.rdb" ] && continue
    bench_redis_start
    target=$((mb * 1024 * 1024))
    want=$((target / UNIT_BYTES))
    [ "$want" -gt "$units_done" ] && load $((want - units_done))
    while :; do
      redis-cli -p "$PORT" SAVE >/dev/null
      [ "$(rdb_size)" -ge "$target" ] && break
      load $(( (target - $(rdb_size)) / UNIT_BYTES + 1000 ))
    done
    cp "$BENCH_DIR/dump.rdb" "$BENCH_DIR/mixed-${mb}MB.rdb"
    echo "built mixed-${mb}MB.rdb: $(rdb_size) bytes, $units_done units" >&2
  done
}
