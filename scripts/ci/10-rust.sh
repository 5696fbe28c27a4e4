#!/usr/bin/env bash
# The Rust suites of the core and the CLI (unit, integration and doc tests), one release build.
# Tests that write RDB files use Debian's redis-server; fixture tests read $DCSKIT_FIXTURES.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt redis-server redis-tools
log "cargo test --release (core, cli)"
cargo test --release -p dcskit -p dcskit-cli
