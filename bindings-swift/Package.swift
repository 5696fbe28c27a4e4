// swift-tools-version:5.9
// DcsKit: the Huawei Cloud DCS API and the offline RDB analyzer of dcskit, for Swift.
// Swift language mode 5 (tools 5.9): uniffi's async code is not yet Swift 6 Sendable-clean.
//
// The native library (`libdcskit_swift`, the Rust crate in this folder) is built by cargo.
// Linux: DcsKitFFI is a system library (our modulemap + uniffi's header) and the linker
// finds the library with
//   swift build -Xlinker -L$CARGO_TARGET_DIR/release -Xlinker -rpath -Xlinker $CARGO_TARGET_DIR/release
// (scripts/swift-test.sh does this). Apple platforms: once scripts/build-xcframework.sh has
// made apple/DcsKitFFI.xcframework, DcsKitFFI is that binary target instead.
import Foundation
import PackageDescription

let xcframework = "apple/DcsKitFFI.xcframework"
let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let nativeTarget: Target = FileManager.default.fileExists(atPath: packageDir.appendingPathComponent(xcframework).path)
    ? .binaryTarget(name: "DcsKitFFI", path: xcframework)
    : .systemLibrary(name: "DcsKitFFI", path: "Sources/DcsKitFFI")

let package = Package(
    name: "DcsKit",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "DcsKit", targets: ["DcsKit"]),
    ],
    targets: [
        // The C interface of the native library.
        nativeTarget,
        .target(name: "DcsKit", dependencies: ["DcsKitFFI"], path: "Sources/DcsKit"),
        .testTarget(name: "DcsKitTests", dependencies: ["DcsKit"], path: "Tests/DcsKitTests"),
    ],
    swiftLanguageVersions: [.v5]
)
