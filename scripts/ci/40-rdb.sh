#!/usr/bin/env bash
# Extra RDB analyzer checks beyond 10-rust.sh: a deeper property-test pass over random,
# mutated and truncated dumps, then a bounded coverage-guided libFuzzer smoke run of fuzz/
# seeded from the fixtures (RDB_FUZZ=0 skips it; RDB_FUZZ_SECONDS sets its length).
# The fuzz build instruments dcskit and its dependencies with coverage counters only
# (`--sanitizer none`: the decoder has no `unsafe`, so AddressSanitizer would find nothing
# that a panic, a timeout or the RSS limit does not already report), in its own target dir.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt redis-server redis-tools
# Fixed seeds (proptest's and libFuzzer's) keep CI repeatable: the same commit explores the same
# inputs. Explore further with other seeds: PROPTEST_RNG_SEED=N, RDB_FUZZ_SEED=N (0: random).
log "RDB property tests, 4096 cases each"
PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261122}" PROPTEST_CASES=4096 cargo test --release -p dcskit --test rdb_bad_input

if [ "${RDB_FUZZ:-1}" = "1" ]; then
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
  corpus="$REPO/.cache/fuzz-corpus/rdb_decode"
  mkdir -p "$corpus"
  cp "$REPO/assets/sample.rdb" "$corpus/"
  if require_fixtures; then
    find "$DCSKIT_FIXTURES" -name '*.rdb' -size -64k -exec cp {} "$corpus/" \;
  fi
  seconds="${RDB_FUZZ_SECONDS:-60}"
  log "libFuzzer smoke: ${seconds}s over $(ls "$corpus" | wc -l) seed files"
  export RUSTC_BOOTSTRAP=1  # cargo-fuzz passes nightly-only flags; stable rustc accepts them so
  fuzz_log="$REPO/.cache/fuzz-rdb_decode.log"
  rc=0
  (cd "$REPO/fuzz" && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz" \
    cargo fuzz run --sanitizer none rdb_decode "$corpus" -- \
      -seed="${RDB_FUZZ_SEED:-1}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) >"$fuzz_log" 2>&1 || rc=$?
  grep -E '^(INFO: seed corpus|#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$fuzz_log" >&2 || true
  if [ "$rc" -ne 0 ]; then
    # A crash, hang or OOM: show what libFuzzer saw and where it kept the input.
    tail -n 60 "$fuzz_log" >&2
    echo "fuzz smoke: rdb_decode FAILED (exit $rc): a build error above, or a crash, hang or OOM whose input libFuzzer kept under fuzz/artifacts/" >&2
    exit 1
  fi
  echo "fuzz smoke: rdb_decode ran ${seconds}s, no crash, hang or OOM" >&2
fi
