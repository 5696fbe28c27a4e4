#!/usr/bin/env bash
# Memory model: unit tests (size classes, listpack arithmetic, hand-computed keys), then the
# accuracy harness against Debian 12's redis-server 7.0 at a small scale: per-key estimates
# vs `MEMORY USAGE key SAMPLES 0` after loading the dump (median <= 2 %, p95 <= 10 %, total
# within 3 %). Redis 8 / Valkey 8.1 figures come from scripts/bench/memory-accuracy.sh.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt redis-server python3 python3-venv
ensure_venv pytest
log "cargo test --release -p dcskit --lib rdb::memory_model"
cargo test --release -p dcskit --lib rdb::memory_model
build_cli
log "memory accuracy (redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'))"
DCSKIT_BIN="$DCSKIT_BIN" DCSKIT_MEMORY_SCALE="${DCSKIT_MEMORY_SCALE:-1}" \
  "$VENV/bin/python" -m pytest -q -s tests/memory
