#!/usr/bin/env bash
# Codegen: the generator's own tests, then regenerate every language from spec/ and fail if
# any generated file differs from the committed one (modified, deleted or untracked).
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
log "codegen unit tests"
python3 -m unittest discover -s codegen -p 'test_*.py' 2>&1 | tail -n 4
log "regenerate from spec/dcs.openapi.json"
python3 codegen/generate.py
# Every path the generator wrote, plus the directories emitters own entirely.
mapfile -t paths < <(cat codegen/generated-files.txt; echo codegen/generated-files.txt; python3 codegen/generate.py --owned-dirs)
stale=$(git status --porcelain --untracked-files=all -- "${paths[@]}")
if [ -n "$stale" ]; then
  echo "generated files are stale (run python3 codegen/generate.py and commit them):"
  echo "$stale"
  git --no-pager diff --stat -- "${paths[@]}" | tail -n 20
  exit 1
fi
echo "codegen: generated files are up to date ($(wc -l < codegen/generated-files.txt) files)"
