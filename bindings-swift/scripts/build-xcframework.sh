#!/usr/bin/env bash
# macOS only, UNTESTED here (no Apple toolchain on the Linux CI): builds
# apple/DcsKitFFI.xcframework from the native library for macOS (arm64 + x86_64), iOS
# devices and the iOS simulator. When that folder exists, Package.swift uses it as the
# binary target DcsKitFFI instead of the Linux system library.
# Needs Xcode and: rustup target add aarch64-apple-darwin x86_64-apple-darwin \
#   aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh runs on macOS only" >&2; exit 1; }

targets=(aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
cd "$REPO"
for t in "${targets[@]}"; do
  cargo build --release -p dcskit-swift --lib --target "$t"
done
lib() { echo "$CARGO_TARGET_DIR/$1/release/libdcskit_swift.a"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/headers" "$work/macos" "$work/ios-sim"
# Headers plus uniffi's XCFramework-style modulemap, from the library's metadata.
version="$(awk '/^name = "uniffi"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
cargo install --quiet uniffi --version "=$version" --features cli --bin uniffi-bindgen-swift --root "$work/tools"
"$work/tools/bin/uniffi-bindgen-swift" "$(lib aarch64-apple-darwin)" "$work/headers" \
  --headers --modulemap --xcframework --module-name DcsKitFFI --modulemap-filename module.modulemap
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libdcskit_swift.a"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libdcskit_swift.a"

out="$HERE/apple/DcsKitFFI.xcframework"
rm -rf "$out"
xcodebuild -create-xcframework \
  -library "$work/macos/libdcskit_swift.a" -headers "$work/headers" \
  -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
  -library "$work/ios-sim/libdcskit_swift.a" -headers "$work/headers" \
  -output "$out"
echo "wrote $out"
