#!/usr/bin/env bash
# The emulator's cross-language checks: the official huaweicloudsdkdcs Python SDK (unmodified)
# and `dcskit api` / `dcskit analyze --instance` run whole flows against `dcskit mock`.
# (Its Rust suites, core/tests/mock_*.rs, run in 10-rust.sh.)
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
build_cli
ensure_venv pytest huaweicloudsdkdcs==3.1.219
log "pytest tests/emulator"
DCSKIT_BIN="$DCSKIT_BIN" "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/emulator
