#!/usr/bin/env bash
# The Rust suites of the core and the CLI (unit, integration and doc tests), one release build.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
log "cargo test --release (core, cli)"
cargo test --release -p dcskit -p dcskit-cli
