//! uniffi's Swift generator, built from the same uniffi version as the library:
//! `uniffi-bindgen-swift LIBRARY OUT_DIR --swift-sources --headers --modulemap ...`
//! (scripts/generate.sh runs it).

fn main() {
    uniffi::uniffi_bindgen_swift();
}
