#!/usr/bin/env bash
# The Swift binding (bindings-swift, SwiftPM package DcsKit): builds the native library and
# the CLI (release, shared $CARGO_TARGET_DIR), checks the generated Swift sources are fresh
# (uniffi's and codegen's), sets up or reuses the Swift 6 toolchain chroot (Debian trixie's
# swiftlang; the first time on a fresh machine takes a minute or two and ~3 GB), then runs
# `swift build` and `swift test` (XCTest) inside it. Needs root (debootstrap, chroot).
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
t0=$(date +%s)
stamp() { log "$1 ($(( $(date +%s) - t0 ))s so far)"; }

stamp "native library, its unit tests and the dcskit CLI (release)"
cargo build --release -p dcskit-swift --lib
cargo test --release -p dcskit-swift --lib
build_cli

stamp "generated Swift sources are fresh"
python3 codegen/generate.py --only swift --check
bash bindings-swift/scripts/generate.sh --check

stamp "Swift toolchain"
bash bindings-swift/scripts/swift-toolchain.sh setup
bash bindings-swift/scripts/swift-toolchain.sh run swift --version

stamp "swift build + swift test"
bash bindings-swift/scripts/swift-test.sh
stamp "swift suite done"
