import DcsKit
import Foundation
import XCTest

/// Typed calls, waiters, paginators and errors against the local DCS emulator
/// (`dcskit mock`, checking AK/SK signatures), from several Swift tasks at once.
final class EmulatorTests: XCTestCase {
    static func body(name: String, count: Int? = nil) -> CreateInstanceBody {
        CreateInstanceBody(azCodes: ["az1"], capacity: 1, engine: "Redis", engineVersion: "6.0", instanceNum: count, name: name,
                           specCode: "redis.single.xu1.large.1", subnetId: "subnet-1", vpcId: "vpc-1")
    }

    func testCreateWaitShowListDelete() async throws {
        let emulator = try Emulator()
        let client = try emulator.client()
        let created = try await client.createInstance(CreateInstanceRequest(body: Self.body(name: "swift-one")))
        let id = try XCTUnwrap(created.instances?.first?.instanceId)

        let running = try await client.waitUntilInstanceRunning(ShowInstanceRequest(instanceId: id),
                                                                options: WaitOptions(timeout: 20, interval: 0.1))
        XCTAssertEqual(running.status, "RUNNING")
        XCTAssertEqual(running.name, "swift-one")

        let shown = try await client.showInstance(ShowInstanceRequest(instanceId: id))
        XCTAssertEqual(shown.instanceId, id)
        XCTAssertEqual(shown.engine, "Redis")

        let listed = try await client.listInstances(ListInstancesRequest(name: "swift-one"))
        XCTAssertEqual(listed.instances?.map(\.instanceId), [id])

        _ = try await client.deleteSingleInstance(DeleteSingleInstanceRequest(instanceId: id))
        let gone = await assertThrowsDcs { try await client.showInstance(ShowInstanceRequest(instanceId: id)) }
        XCTAssertEqual(gone?.code, "CLIENT_REQUEST")
        XCTAssertEqual(gone?.statusCode, 404)
        XCTAssertEqual(gone?.errorCode, "DCS.3022")
        XCTAssertNotNil(gone?.requestId, "the emulator's request id reaches Swift")
    }

    func testServiceRejectionCarriesTheDcsErrorCode() async throws {
        let emulator = try Emulator()
        let client = try emulator.client()
        let e = await assertThrowsDcs { try await client.createInstance(CreateInstanceRequest(body: Self.body(name: "x"))) }
        XCTAssertEqual(e?.code, "CLIENT_REQUEST")
        XCTAssertEqual(e?.statusCode, 400)
        XCTAssertEqual(e?.errorCode, "DCS.4010")
    }

    func testWrongSecretKeyIsRejected() async throws {
        let emulator = try Emulator()
        let client = try DcsClientFactory.make(endpoint: emulator.url, sk: "not-the-secret")
        let e = await assertThrowsDcs { try await client.listInstances() }
        XCTAssertEqual(e?.code, "CLIENT_REQUEST")
        XCTAssertEqual(e?.statusCode, 401)
    }

    func testPaginatorsWalkEveryPage() async throws {
        let emulator = try Emulator()
        let client = try emulator.client()
        _ = try await client.createInstance(CreateInstanceRequest(body: Self.body(name: "paged", count: 7)))

        var pages = 0
        var seen: [String] = []
        for try await page in client.listInstancesPages(ListInstancesRequest(limit: 3)) {
            pages += 1
            XCTAssertEqual(page.instanceNum, 7)
            seen += page.instances?.compactMap(\.instanceId) ?? []
        }
        XCTAssertEqual(pages, 3, "7 instances, 3 per page")
        XCTAssertEqual(seen.count, 7)
        XCTAssertEqual(Set(seen).count, 7, "no instance twice")

        let items = try await client.listInstancesItems(ListInstancesRequest(limit: 2)).collect()
        XCTAssertEqual(Set(items.compactMap(\.instanceId)), Set(seen))
        XCTAssertTrue(items.allSatisfy { $0.name?.hasPrefix("paged-") ?? false })

        // A bad request fails at the first fetch, as a DcsError.
        let e = await assertThrowsDcs { try await client.listInstancesPages(ListInstancesRequest(limit: -1)).collect() }
        XCTAssertEqual(e?.code, "INVALID_INPUT")
    }

    func testConcurrentTypedCallsFromManyTasks() async throws {
        let emulator = try Emulator()
        let client = try emulator.client()
        let names = (0..<12).map { "swift-par-\($0)" }
        let ids = try await withThrowingTaskGroup(of: (String, String).self) { group -> [String: String] in
            for name in names {
                group.addTask {
                    let r = try await client.createInstance(CreateInstanceRequest(body: Self.body(name: name)))
                    return (name, r.instances?.first?.instanceId ?? "")
                }
            }
            var out: [String: String] = [:]
            for try await (n, id) in group { out[n] = id }
            return out
        }
        XCTAssertEqual(ids.count, names.count)
        // Read them back concurrently, each task checking its own instance.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, id) in ids {
                group.addTask {
                    let shown = try await client.showInstance(ShowInstanceRequest(instanceId: id))
                    XCTAssertEqual(shown.name, name)
                }
            }
            try await group.waitForAll()
        }
        let all = try await client.listInstancesItems(ListInstancesRequest(limit: 5)).collect()
        XCTAssertEqual(Set(all.compactMap(\.instanceId)), Set(ids.values))
    }

    func testWaiterTimesOut() async throws {
        let emulator = try Emulator(runningDelayMs: 60000)
        let client = try emulator.client()
        let created = try await client.createInstance(CreateInstanceRequest(body: Self.body(name: "slow-one")))
        let id = try XCTUnwrap(created.instances?.first?.instanceId)
        let start = Date()
        let e = await assertThrowsDcs {
            try await client.waitUntilInstanceRunning(ShowInstanceRequest(instanceId: id), options: WaitOptions(timeout: 0.5, interval: 0.1))
        }
        XCTAssertEqual(e?.code, "TIMEOUT")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
