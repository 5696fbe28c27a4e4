#!/usr/bin/env bash
# RDB analyzer benchmark: builds dumps of growing size with a real redis-server from a mixed
# data set, then times `dcskit analyze --format json` (one core) against `redis-check-rdb`
# (same Debian package, Redis's own loader) and redis-rdb-tools (`rdb -c memory`, PyPI
# `rdbtools`, on a slice) on the same files, printing MB/s by wall clock and by CPU time
# (user+sys: what the tool costs, independent of other load on the machine), ratios and
# peak RSS (GNU time).
#
# Usage: scripts/bench/rdb.sh [SIZES_MB...]   (default: 256 512 1024)
# Env:   BENCH_DIR (work dir, default /tmp/dcskit-rdb-bench), RDBTOOLS_MB (slice size, 20),
#        RUNS (dcskit runs per file, best kept, default 5), CHECK_ALL=1 (redis-check-rdb on
#        every size, not only the largest).
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(256 512 1024)
RDBTOOLS_MB="${RDBTOOLS_MB:-20}"
RUNS="${RUNS:-5}"
ensure_apt redis-server redis-tools time
build_cli
. "$REPO/scripts/bench/rdb-dumps.sh"
ensure_mixed_dumps "${SIZES[@]}"
# A small slice for the slow Python tool, which reads RDB versions up to 9 only: the same mix
# without lists (Redis 7 writes them as quicklist 2) and with listpack/intset encodings off,
# so every type is one RDB 9 knows; the header then says version 9 (its CRC no longer
# matches, so dcskit reads the slice with --no-checksum).
slice="$BENCH_DIR/slice-${RDBTOOLS_MB}MB.rdb"
if [ ! -f "$slice" ]; then
  bench_redis_start
  redis-cli -p "$PORT" FLUSHALL >/dev/null
  for kv in "hash-max-listpack-entries 0" "zset-max-listpack-entries 0" "set-max-intset-entries 0"; do
    redis-cli -p "$PORT" CONFIG SET $kv >/dev/null
  done
  RDBGEN_NO_LISTS=1 python3 "$GEN" $((RDBTOOLS_MB * 1024 * 1024 / 2050)) 2 | redis-cli -p "$PORT" --pipe >/dev/null
  redis-cli -p "$PORT" SAVE >/dev/null
  python3 -c "
import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[5:9] = b'0009'; open(sys.argv[2], 'wb').write(d)" \
    "$BENCH_DIR/dump.rdb" "$slice"
fi
bench_redis_stop

# measure CMD...: prints "wall_seconds cpu_seconds peak_rss_kib" of one run.
measure() {
  local out="$BENCH_DIR/time.txt"
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" || {
    echo "FAILED: $* ($(tail -2 "$BENCH_DIR/stderr.txt"))" >&2; echo "nan nan 0"; return; }
  tail -1 "$out" | awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}'
}
# best N CMD...: the run with the least CPU time of N (machine load only ever adds).
best() {
  local n=$1; shift
  for _ in $(seq "$n"); do measure "$@"; done | sort -k2 -g | head -1
}

ensure_venv rdbtools python-lzf >/dev/null 2>&1 || ensure_venv rdbtools
declare -A WALL CPU
row() { # NAME MB WALL CPU RSS_KIB
  python3 -c "
mb=$2; w=float('$3'); c=float('$4'); rss=int('$5')/1024
f=lambda s: mb/s if s==s and s>0 else float('nan')
print('%-26s %9.1f %8.2f %8.2f %10.1f %10.1f %11.1f' % ('$1', mb, w, c, f(w), f(c), rss))"
}
printf '\n%-26s %9s %8s %8s %10s %10s %11s\n' "file / tool (1 core)" "MB" "wall s" "cpu s" "MB/s wall" "MB/s cpu" "peak RSS MB"
mbs() { python3 -c "print($(stat -c %s "$1")/1048576)"; }
for mb in "${SIZES[@]}"; do
  f="$BENCH_DIR/mixed-${mb}MB.rdb"
  read -r w c rss < <(best "$RUNS" taskset -c 0 "$DCSKIT_BIN" analyze --format json "$f")
  row "dcskit ${mb}MB" "$(mbs "$f")" "$w" "$c" "$rss"
  WALL[d$mb]=$(python3 -c "print($(mbs "$f")/$w)"); CPU[d$mb]=$(python3 -c "print($(mbs "$f")/$c)")
done
# The same decoder reading the largest file as a stream (plain reads, no map): what stdin, a
# .gz or a URL get, and `--no-mmap`.
big="${SIZES[-1]}"
f="$BENCH_DIR/mixed-${big}MB.rdb"
read -r w c rss < <(best "$RUNS" taskset -c 0 "$DCSKIT_BIN" analyze --format json --no-mmap "$f")
row "dcskit ${big}MB --no-mmap" "$(mbs "$f")" "$w" "$c" "$rss"
WALL[n]=$(python3 -c "print($(mbs "$f")/$w)"); CPU[n]=$(python3 -c "print($(mbs "$f")/$c)")
for mb in "${SIZES[@]}"; do
  [ "${CHECK_ALL:-0}" = 1 ] || [ "$mb" = "${SIZES[-1]}" ] || continue
  f="$BENCH_DIR/mixed-${mb}MB.rdb"
  read -r w c rss < <(best 2 taskset -c 0 redis-check-rdb "$f")
  row "redis-check-rdb ${mb}MB" "$(mbs "$f")" "$w" "$c" "$rss"
  WALL[c$mb]=$(python3 -c "print($(mbs "$f")/$w)"); CPU[c$mb]=$(python3 -c "print($(mbs "$f")/$c)")
done
read -r w c rss < <(best "$RUNS" taskset -c 0 "$DCSKIT_BIN" analyze --format json --no-checksum "$slice")
row "dcskit slice" "$(mbs "$slice")" "$w" "$c" "$rss"
WALL[ds]=$(python3 -c "print($(mbs "$slice")/$w)"); CPU[ds]=$(python3 -c "print($(mbs "$slice")/$c)")
read -r w c rss < <(measure taskset -c 0 "$VENV/bin/rdb" -c memory -f "$BENCH_DIR/rdbtools.csv" "$slice")
row "rdbtools slice" "$(mbs "$slice")" "$w" "$c" "$rss"
WALL[r]=$(python3 -c "s='$w'; print($(mbs "$slice")/float(s) if s!='nan' else float('nan'))")
CPU[r]=$(python3 -c "s='$c'; print($(mbs "$slice")/float(s) if s!='nan' else float('nan'))")
echo
python3 -c "
dw, dc, cw, cc = ${WALL[d$big]}, ${CPU[d$big]}, ${WALL[c$big]}, ${CPU[c$big]}
print(f'dcskit vs redis-check-rdb ($big MB): {dc/cc:.1f}x by CPU time ({dc:.0f} vs {cc:.0f} MB/s), {dw/cw:.1f}x by wall clock ({dw:.0f} vs {cw:.0f} MB/s)')
nw, nc = ${WALL[n]}, ${CPU[n]}
print(f'dcskit --no-mmap vs redis-check-rdb ($big MB): {nc/cc:.1f}x by CPU time ({nc:.0f} MB/s), {nw/cw:.1f}x by wall clock ({nw:.0f} MB/s)')
sw, sc, rw, rc = ${WALL[ds]}, ${CPU[ds]}, float('${WALL[r]}'), float('${CPU[r]}')
if rc == rc:
    print(f'dcskit vs rdbtools memory report (slice): {sc/rc:.0f}x by CPU time ({sc:.0f} vs {rc:.2f} MB/s), {sw/rw:.0f}x by wall clock; rdbtools: {1/rc:.2f} CPU s per MB')
else:
    print('dcskit vs rdbtools memory report (slice): rdbtools failed on this file (see above)')
"
echo "(peak RSS per size is in the table: it should stay flat as the file grows)"
