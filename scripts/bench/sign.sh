#!/usr/bin/env bash
# Signing speed: dcskit's signer (criterion, core/benches/sign.rs) against the official Python
# signer (huaweicloudsdkcore) on the same two requests, measured in the same run.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_venv huaweicloudsdkcore
log "criterion: cargo bench -p dcskit --bench sign"
out=$(cargo bench -p dcskit --bench sign -- --warm-up-time 1 --measurement-time 3 2>&1 | tee /dev/stderr)
log "official Python signer"
py=$("$VENV/bin/python" tests/signing/bench_official.py)
echo
printf '%-14s %14s %16s %8s\n' request "dcskit (ns)" "official py (ns)" ratio
for name in get_3_query post_1k_json; do
  # criterion prints "sign/<name>  time:   [low unit mid unit high unit]"; take the middle estimate.
  rust_ns=$(printf '%s\n' "$out" | awk -v n="sign/$name" '
    $0 ~ n { found=1 } found && /time:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^\[/) { v = $(i+2); u = $(i+3); break }
      if (u == "ps") v /= 1000; else if (u == "µs" || u == "us") v *= 1000; else if (u == "ms") v *= 1000000
      print v; exit }')
  py_ns=$(printf '%s\n' "$py" | awk -v n="$name" '$1 == n { print $2 }')
  awk -v n="$name" -v r="$rust_ns" -v p="$py_ns" 'BEGIN { printf "%-14s %14.1f %16.1f %7.1fx\n", n, r, p, p / r }'
done
