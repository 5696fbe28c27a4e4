# Shared helpers for scripts/ci/*.sh. Source it: `. "$(dirname "$0")/../lib.sh"`.
# Everything here is idempotent: a second run reuses what the first installed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
# The shared documentation and fixtures sit beside the repo.
export DCSKIT_SHARED="${DCSKIT_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
export DCSKIT_FIXTURES="${DCSKIT_FIXTURES:-$DCSKIT_SHARED/fixtures/rdb}"
export VENV="${VENV:-$REPO/.cache/venv}"
# One cargo profile for everything CI builds, so no crate is compiled twice.
export CARGO_PROFILE_FLAG="--release"
export DCSKIT_BIN="$CARGO_TARGET_DIR/release/dcskit"

log() { printf '\n== %s\n' "$*" >&2; }

# ensure_apt PKG...: installs the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  if [ ! -f "$REPO/.cache/apt-updated" ]; then
    apt-get update -qq >&2
    mkdir -p "$REPO/.cache" && touch "$REPO/.cache/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_venv: the one Python venv the test suites share; pip-installs its arguments.
ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >&2
  fi
  if [ $# -gt 0 ]; then
    "$VENV/bin/pip" install -q "$@" >&2
  fi
}

# build_cli: the release `dcskit` binary ($DCSKIT_BIN).
build_cli() {
  (cd "$REPO" && cargo build --release --bin dcskit >&2)
}

# require_fixtures: 0 when the shared RDB fixtures are there; in CI their absence fails.
require_fixtures() {
  if [ -d "$DCSKIT_FIXTURES" ]; then return 0; fi
  if [ "${CI:-}" = "true" ]; then
    echo "fixtures missing at $DCSKIT_FIXTURES (required when CI=true)" >&2
    exit 1
  fi
  echo "fixtures absent at $DCSKIT_FIXTURES: skipping" >&2
  return 1
}
