#!/usr/bin/env bash
# Python call throughput against the emulator: dcskit (sync, async, threads) vs the official
# huaweicloudsdkdcs on the same ShowInstance calls in the same run, plus the binding's per-call
# overhead over the core. Usage: scripts/bench/python.sh [N]
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_venv "maturin>=1.16,<2" huaweicloudsdkdcs
build_cli
WHEELS="$CARGO_TARGET_DIR/wheels-python"
rm -rf "$WHEELS"
"$VENV/bin/maturin" build --release --manifest-path bindings-python/Cargo.toml --out "$WHEELS" \
  --interpreter "$VENV/bin/python" --auditwheel skip >&2
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$WHEELS"/dcskit-*.whl >&2
AK=BENCHAK0123456789ABC SK=bench-secret-key-0123456789 PROJECT=0123456789abcdef0123456789abcdef
out=$(mktemp)
"$DCSKIT_BIN" mock --port 0 --ak "$AK" --sk "$SK" --project-id "$PROJECT" >"$out" 2>/dev/null &
mock=$!
trap 'kill $mock 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q 'http://' "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$out" | head -1)
"$VENV/bin/python" bindings-python/bench/bench.py "$url" "$AK" "$SK" "$PROJECT" "${1:-2000}"
