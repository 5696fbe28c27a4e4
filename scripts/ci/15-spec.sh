#!/usr/bin/env bash
# The API spec: regenerated from the seeds and compared with the committed files,
# checked against the official SDK (huaweicloudsdkdcs 3.1.219), and its parsers tested.
. "$(dirname "$0")/../lib.sh"

ensure_venv pytest huaweicloudsdkdcs==3.1.219

if [ ! -d "$DCSKIT_SHARED/seeds" ] && [ "${CI:-}" = "true" ]; then
  echo "seeds missing at $DCSKIT_SHARED/seeds (required when CI=true)" >&2
  exit 1
fi

cd "$REPO"
log "spec cross-check against huaweicloudsdkdcs"
"$VENV/bin/python" tools/specgen/crosscheck.py
log "documented examples against the schemas (informational)"
"$VENV/bin/python" tools/specgen/exampletypes.py | tail -n 1
log "spec tests"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tools/specgen/tests
