#!/usr/bin/env bash
# `swift build` and `swift test` of the DcsKit package inside the Swift toolchain chroot
# (swift-toolchain.sh), linked against the native library built outside by cargo
# ($CARGO_TARGET_DIR/release/libdcskit_swift.so; glibc in the chroot is newer, so it loads).
# The tests start the release `dcskit` binary ($DCSKIT_BIN) as their emulator.
#   swift-test.sh [swift test arguments, e.g. --filter ClientTests]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export DCSKIT_BIN="${DCSKIT_BIN:-$CARGO_TARGET_DIR/release/dcskit}"
LIB="$CARGO_TARGET_DIR/release"
[ -f "$LIB/libdcskit_swift.so" ] || { echo "missing $LIB/libdcskit_swift.so (cargo build --release -p dcskit-swift)" >&2; exit 1; }

# Tests read these inside the chroot (the paths are the same there).
export DCSKIT_CHROOT_ENV="DCSKIT_BIN=$DCSKIT_BIN ${DCSKIT_CHROOT_ENV:-}"
link=(-Xlinker "-L$LIB" -Xlinker -rpath -Xlinker "$LIB")
toolchain="$HERE/scripts/swift-toolchain.sh"

cd "$HERE"
"$toolchain" run swift build --build-tests "${link[@]}"
"$toolchain" run swift test --skip-build "${link[@]}" "$@"
