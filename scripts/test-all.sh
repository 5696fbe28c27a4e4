#!/usr/bin/env bash
# Installs what the tests need and runs every test suite in the repo: each
# scripts/ci/NN-*.sh in order. All suites run; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
set +e
failed=()
passed=0
start=$(date +%s)
for suite in scripts/ci/[0-9][0-9]-*.sh; do
  t0=$(date +%s)
  log "suite $suite"
  if bash "$suite"; then
    passed=$((passed + 1))
    log "suite $suite passed in $(( $(date +%s) - t0 ))s"
  else
    failed+=("$suite")
    log "suite $suite FAILED after $(( $(date +%s) - t0 ))s"
  fi
done
echo
echo "all suites took $(( $(date +%s) - start ))s"
for f in "${failed[@]}"; do echo "failed suite: $f"; done
echo "suites: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
