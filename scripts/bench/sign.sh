#!/usr/bin/env bash
# Signing speed: dcskit's signer (criterion, core/benches/sign.rs) against the official Python
# signer (huaweicloudsdkcore) on the same two requests, measured in the same run.
# Two figures each: wall time (criterion's estimate / Python's best round) and CPU time of the
# signing thread, which stays meaningful on a busy machine.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_venv huaweicloudsdkcore
# sha2 picks SHA-NI at run time when the CPU has it; SHA-256 is about half of a GET's signing time.
if grep -qw sha_ni /proc/cpuinfo 2>/dev/null; then log "CPU has SHA-NI: sha2 hashes with it"; else log "CPU lacks SHA-NI: sha2 hashes in software (slower)"; fi
log "criterion: cargo bench -p dcskit --bench sign"
rust=$(cargo bench -p dcskit --bench sign -- --warm-up-time 1 --measurement-time 3 2>/dev/null)
printf '%s\n' "$rust" | grep -E 'time:|^cpu |^floor/.* blocks' >&2
log "official Python signer"
py=$("$VENV/bin/python" tests/signing/bench_official.py)
printf '%s\n' "$py" >&2

# criterion: "<group>/<name>  time:   [low unit mid unit high unit]" (the name may stand on a
# line of its own); take the middle estimate, in ns.
wall_of() {
  printf '%s\n' "$rust" | awk -v n="$1" '
    $1 == n { found=1 } found && /time:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^\[/) { v = $(i+2); u = $(i+3); break }
      if (u == "ps") v /= 1000; else if (u == "µs" || u == "us") v *= 1000; else if (u == "ms") v *= 1000000
      print v; exit }'
}
cpu_of() { printf '%s\n' "$rust" | awk -v n="$1" '$1 == "cpu" && $2 == n { print $3 }'; }

echo
echo "sign/<request>: sign_for_wire, what the transport calls; python: huaweicloudsdkcore sign_request"
printf '%-13s %12s %12s %7s   %12s %12s %7s\n' request "dcskit wall" "python wall" ratio "dcskit cpu" "python cpu" ratio
for name in get_3_query post_1k_json; do
  read -r _ py_wall py_cpu < <(printf '%s\n' "$py" | awk -v n="$name" '$1 == n')
  awk -v n="$name" -v rw="$(wall_of "sign/$name")" -v pw="$py_wall" -v rc="$(cpu_of "sign/$name")" -v pc="$py_cpu" 'BEGIN {
    printf "%-13s %9.0f ns %9.0f ns %6.1fx   %9.0f ns %9.0f ns %6.1fx\n", n, rw, pw, pw / rw, rc, pc, pc / rc }'
done
echo
echo "explained = sign() with canonical request and string to sign (dcskit sign); floor = the SHA-256 blocks alone"
printf '%-13s %14s %14s %14s %8s %16s\n' request "explained wall" "explained cpu" "floor wall" blocks "wire - floor"
for name in get_3_query post_1k_json; do
  blocks=$(printf '%s\n' "$rust" | awk -v n="floor/$name" '$1 == n && $2 == "hashes" { print $3; exit }')
  awk -v n="$name" -v ew="$(wall_of "sign/${name}_explained")" -v ec="$(cpu_of "sign/${name}_explained")" \
      -v fw="$(wall_of "floor/$name")" -v b="$blocks" -v rw="$(wall_of "sign/$name")" 'BEGIN {
    printf "%-13s %11.0f ns %11.0f ns %11.0f ns %8d %13.0f ns\n", n, ew, ec, fw, b, rw - fw }'
done
