#!/usr/bin/env bash
# Regenerates the uniffi sources of the Swift package from the built native library
# (library mode) and puts them where the package expects them:
#   Sources/DcsKit/Native/DcsKit.swift   the low-level Swift bindings (Native* types)
#   Sources/DcsKitFFI/DcsKitFFI.h        the C header the systemLibrary target exposes
#   apple/DcsKitFFI.modulemap            uniffi's own modulemap (XCFramework builds)
# Sources/DcsKitFFI/module.modulemap is ours (Linux/SwiftPM; it links the library).
#
#   generate.sh            regenerate in place
#   generate.sh --check    regenerate into a temp dir; exit 1 if anything differs
# Uses the release build in $CARGO_TARGET_DIR (built here if missing or stale) and uniffi's
# own `uniffi-bindgen-swift` (cargo install, same version as Cargo.lock).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
check=false
[ "${1:-}" = "--check" ] && check=true

cd "$REPO"
cargo build --release -p dcskit-swift --lib >&2
LIB="$CARGO_TARGET_DIR/release/libdcskit_swift.so"
[ -f "$LIB" ] || LIB="$CARGO_TARGET_DIR/release/libdcskit_swift.dylib"

# uniffi's Swift generator at exactly the uniffi version of Cargo.lock, installed once into
# the target dir. (A bin inside this crate would rebuild the whole core with other features.)
version="$(awk '/^name = "uniffi"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
[ -n "$version" ] || { echo "uniffi not found in Cargo.lock" >&2; exit 1; }
tools="$CARGO_TARGET_DIR/uniffi-bindgen-$version"
BINDGEN="$tools/bin/uniffi-bindgen-swift"
if [ ! -x "$BINDGEN" ]; then
  cargo install --quiet uniffi --version "=$version" --features cli --bin uniffi-bindgen-swift --root "$tools" >&2
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$BINDGEN" "$LIB" "$out" \
  --swift-sources --headers --modulemap \
  --module-name DcsKitFFI --modulemap-filename DcsKitFFI.modulemap >&2

# generated file -> committed path
pairs=(
  "DcsKit.swift:Sources/DcsKit/Native/DcsKit.swift"
  "DcsKitFFI.h:Sources/DcsKitFFI/DcsKitFFI.h"
  "DcsKitFFI.modulemap:apple/DcsKitFFI.modulemap"
)
stale=0
for pair in "${pairs[@]}"; do
  src="$out/${pair%%:*}"; dst="$HERE/${pair#*:}"
  [ -f "$src" ] || { echo "uniffi-bindgen-swift did not write ${pair%%:*}" >&2; exit 1; }
  if $check; then
    if ! diff -u "$dst" "$src" >"$out/diff" 2>&1; then
      echo "stale: bindings-swift/${pair#*:} (run bindings-swift/scripts/generate.sh)" >&2
      head -40 "$out/diff" >&2
      stale=1
    fi
  else
    mkdir -p "$(dirname "$dst")"
    cmp -s "$src" "$dst" || { cp "$src" "$dst"; echo "wrote bindings-swift/${pair#*:}" >&2; }
  fi
done
if $check; then
  [ $stale -eq 0 ] && echo "uniffi Swift sources are up to date" >&2
  exit $stale
fi
