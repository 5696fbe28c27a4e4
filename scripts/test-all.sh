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
# Each suite's output also goes to a log, so a failure's cause can be repeated at the very end
# (where a reader of only the tail of a long CI log will see it).
logs="$(mktemp -d)"
for suite in scripts/ci/[0-9][0-9]-*.sh; do
  t0=$(date +%s)
  log "suite $suite"
  suite_log="$logs/$(basename "$suite").log"
  if bash "$suite" 2>&1 | tee "$suite_log"; then
    passed=$((passed + 1))
    log "suite $suite passed in $(( $(date +%s) - t0 ))s"
  else
    failed+=("$suite")
    log "suite $suite FAILED after $(( $(date +%s) - t0 ))s"
  fi
done
echo
echo "all suites took $(( $(date +%s) - start ))s"
for f in "${failed[@]}"; do
  echo
  echo "=== last 80 lines of the failed suite $f ==="
  tail -n 80 "$logs/$(basename "$f").log"
done
for f in "${failed[@]}"; do echo "failed suite: $f"; done
echo "suites: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
