#!/usr/bin/env bash
# Memory-model accuracy against every server this machine can run: per-key estimates of
# `dcskit analyze` vs `MEMORY USAGE key SAMPLES 0` (after loading the dump, and before the
# save for reference), per type and per target.
#
#   Debian 12 redis-server 7.0 (apt)                       -> model redis-7
#   Debian trixie redis-server 8.0 and valkey-server 8.1,  -> models redis-8, valkey-8
#     in the trixie chroot of bindings-swift/scripts/swift-toolchain.sh (needs root)
#   cross-version: a 7.0 dump loaded by 8.0 / Valkey 8.1   -> load-time re-encoding
#   control: the redis-7 model against Valkey 8.1          -> must miss (wrong target)
#
# SCALE (default 5) multiplies the data set (scale 1: ~1,700 keys, ~15 MB).
# Targets: median |error| <= 2 %, p95 <= 10 %, total within 3 %.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
SCALE="${SCALE:-5}"
ensure_apt redis-server python3
build_cli
LOG="$REPO/.cache/memory-accuracy.log"
mkdir -p "$REPO/.cache"
: >"$LOG"

run() {
  log "accuracy $*"
  python3 tests/memory/accuracy.py --dcskit "$DCSKIT_BIN" --scale "$SCALE" "$@" | tee -a "$LOG" || true
}

run --server redis-server --target redis-7

TOOL="$REPO/bindings-swift/scripts/swift-toolchain.sh"
if [ "$(id -u)" = 0 ] && [ -x "$TOOL" ]; then
  "$TOOL" setup
  CHROOT="$("$TOOL" path)"
  # Packages must not try to start services inside the chroot.
  if [ ! -e "$CHROOT/usr/sbin/policy-rc.d" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
    chmod +x "$CHROOT/usr/sbin/policy-rc.d"
  fi
  "$TOOL" install redis-server valkey-server
  log "what trixie offers"
  "$TOOL" run apt-cache policy redis-server valkey-server | tee -a "$LOG"
  WORK="$REPO/.cache/memory-acc"
  mkdir -p "$WORK"
  run --server redis-server --server-prefix "$TOOL run" --workdir "$WORK" --target redis-8
  run --server valkey-server --server-prefix "$TOOL run" --workdir "$WORK" --target valkey-8
  run --server redis-server --load-server redis-server --load-prefix "$TOOL run" --workdir "$WORK" --target redis-8
  run --server redis-server --load-server valkey-server --load-prefix "$TOOL run" --workdir "$WORK" --target valkey-8
  run --server valkey-server --server-prefix "$TOOL run" --workdir "$WORK" --target redis-7
else
  echo "not root or no chroot tool: Redis 8 / Valkey 8.1 skipped" | tee -a "$LOG"
fi

log "summary (after loading the dump)"
grep '^RESULT' "$LOG"
