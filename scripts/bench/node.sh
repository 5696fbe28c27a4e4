#!/usr/bin/env bash
# Node binding call throughput against the emulator: dcskit vs the official
# @huaweicloud/huaweicloud-sdk-core signer + fetch (@huaweicloud/huaweicloud-sdk-dcs is not on
# npm), sequential and 100 in flight. Prints calls/s and ratios. Not part of CI.
. "$(dirname "$0")/../lib.sh"
build_cli
cd "$REPO/bindings-node"
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
npm run --silent build >&2

peer="$REPO/.cache/node-bench"
mkdir -p "$peer"
[ -f "$peer/package.json" ] || (cd "$peer" && npm init -y >/dev/null)
[ -d "$peer/node_modules/@huaweicloud/huaweicloud-sdk-core" ] ||
  (cd "$peer" && npm install --no-audit --no-fund @huaweicloud/huaweicloud-sdk-core@3.1.211 >&2)

AK=BENCHAK000000000001 SK=bench-secret PROJECT=0123456789abcdef0123456789abcdef
out="$(mktemp)"
"$DCSKIT_BIN" mock --port 0 --ak "$AK" --sk "$SK" --project-id "$PROJECT" >"$out" 2>/dev/null &
mock=$!
trap 'kill $mock 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
url="$(head -1 "$out")"
node bench/calls.mjs "$url" "$AK" "$SK" "$PROJECT" "$peer"
