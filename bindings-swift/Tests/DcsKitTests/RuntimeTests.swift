import DcsKit
import XCTest

/// One runtime: the work of every DcsKit call runs on the core's tokio runtime, whichever
/// Swift task or thread makes the call.
final class RuntimeTests: XCTestCase {
    func testCallsRunOnTheCoreRuntime() async {
        let core = DcsRuntime.coreRuntimeId
        XCTAssertFalse(core.isEmpty)
        let seen = await DcsRuntime.runtimeIdOfCalls()
        XCTAssertEqual(seen, core)
    }

    func testManyTasksSeeTheSameRuntime() async {
        let core = DcsRuntime.coreRuntimeId
        let ids = await withTaskGroup(of: String?.self) { group -> [String?] in
            for _ in 0..<32 { group.addTask { await DcsRuntime.runtimeIdOfCalls() } }
            var out: [String?] = []
            for await id in group { out.append(id) }
            return out
        }
        XCTAssertEqual(ids.count, 32)
        XCTAssertEqual(Set(ids), [core])
        XCTAssertEqual(DcsRuntime.coreRuntimeId, core, "the core runtime is never replaced")
    }

    func testNegativeControlWithoutSpawningSeesNoCoreRuntime() async {
        // Without spawning, the future is polled by Swift's executor: no tokio runtime at
        // all. So the probe above can tell the difference (and would catch a second runtime).
        let unspawned = await DcsRuntime.runtimeIdUnspawned()
        XCTAssertNil(unspawned)
        XCTAssertNotEqual(unspawned, DcsRuntime.coreRuntimeId)
    }
}
