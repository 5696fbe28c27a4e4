// swift-tools-version:5.9
// DcsKit: the Huawei Cloud DCS API and the offline RDB analyzer of dcskit, for Swift.
// Swift language mode 5 (tools 5.9): uniffi's async code is not yet Swift 6 Sendable-clean.
//
// The native library (`libdcskit_swift`, the Rust crate in this folder) is built by cargo
// and found by the linker: on Linux
//   swift build -Xlinker -L$CARGO_TARGET_DIR/release -Xlinker -rpath -Xlinker $CARGO_TARGET_DIR/release
// (scripts/swift-test.sh does this). On Apple platforms use the XCFramework
// (scripts/build-xcframework.sh) as a binary target instead of DcsKitFFI.
import PackageDescription

let package = Package(
    name: "DcsKit",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "DcsKit", targets: ["DcsKit"]),
    ],
    targets: [
        // The C interface of the native library: uniffi's header and our modulemap.
        .systemLibrary(name: "DcsKitFFI", path: "Sources/DcsKitFFI"),
        .target(name: "DcsKit", dependencies: ["DcsKitFFI"], path: "Sources/DcsKit"),
        .testTarget(name: "DcsKitTests", dependencies: ["DcsKit"], path: "Tests/DcsKitTests"),
    ],
    swiftLanguageVersions: [.v5]
)
