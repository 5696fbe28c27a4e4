#!/usr/bin/env bash
# Extra RDB analyzer checks beyond 10-rust.sh: a deeper property-test pass over random,
# mutated and truncated dumps (the decoder's fuzz-style guard in CI), and, with RDB_FUZZ=1, a
# short coverage-guided libFuzzer run of fuzz/ seeded from the fixtures. The libFuzzer build
# instruments all of dcskit's dependencies (several minutes on 2 cores), so CI leaves it off.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt redis-server redis-tools
log "RDB property tests, 4096 cases each"
PROPTEST_CASES=4096 cargo test --release -p dcskit --test rdb_bad_input

if [ "${RDB_FUZZ:-0}" = "1" ]; then
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  corpus="$REPO/fuzz/corpus/rdb_decode"
  mkdir -p "$corpus"
  cp "$REPO/assets/sample.rdb" "$corpus/"
  if require_fixtures; then
    find "$DCSKIT_FIXTURES" -name '*.rdb' -size -64k -exec cp {} "$corpus/" \;
  fi
  log "libFuzzer smoke (${RDB_FUZZ_SECONDS:-30}s)"
  (cd "$REPO/fuzz" && RUSTC_BOOTSTRAP=1 cargo fuzz run rdb_decode "$corpus" -- \
    -max_total_time="${RDB_FUZZ_SECONDS:-30}" -rss_limit_mb=2048 -timeout=10)
fi
