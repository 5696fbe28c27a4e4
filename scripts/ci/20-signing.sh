#!/usr/bin/env bash
# Signing conformance: dcskit's SDK-HMAC-SHA256 signer against the official Python signer
# (huaweicloudsdkcore from PyPI) on >= 1,000 generated requests, byte for byte.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt python3-venv
ensure_venv huaweicloudsdkcore
build_cli
log "signing conformance (official huaweicloudsdkcore $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("huaweicloudsdkcore"))'))"
"$VENV/bin/python" tests/signing/conformance.py --dcskit "$DCSKIT_BIN" --cases 1200
