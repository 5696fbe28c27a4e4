import DcsKit
import Foundation
import XCTest

/// The generated typed layer agrees with the core it sits on, and its structs have the
/// dynamic input's shape.
final class GeneratedTests: XCTestCase {
    func testEveryCoreOperationHasAMethod() {
        let core = DcsClient.operations
        let generated = DcsClient.generatedOperations
        XCTAssertGreaterThan(core.count, 100)
        XCTAssertEqual(generated.map(\.name), core.map(\.name), "same operations, same order")
        for (g, c) in zip(generated, core) {
            XCTAssertEqual(g.method, c.method, c.name)
            XCTAssertEqual(g.path, c.path, c.name)
            XCTAssertEqual(g.deprecated, c.deprecated, c.name)
            XCTAssertEqual(g.paginated, c.paginated, c.name)
            XCTAssertEqual(g.swiftName, c.camelName, c.name)
        }
        let listInstances = core.first { $0.name == "ListInstances" }
        XCTAssertEqual(listInstances?.camelName, "listInstances")
        XCTAssertEqual(listInstances?.method, "GET")
    }

    func testRequestStructsEncodeToTheDynamicInput() throws {
        let req = ListBackupRecordsRequest(instanceId: "i-1", beginTime: "20240101000000", limit: 10)
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(req))
        XCTAssertEqual(json, ["instance_id": "i-1", "begin_time": "20240101000000", "limit": 10])
        let empty = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(ListInstancesRequest()))
        XCTAssertEqual(empty, [:], "unset optionals are left out")
    }

    func testResponsesTolerateMissingAndUnknownFields() throws {
        let text = #"{"instance_num": 2, "instances": [{"instance_id": "a", "brand_new_field": {"x": 1}}, {}], "extra": true}"#
        let resp = try JSONDecoder().decode(ListInstancesResponse.self, from: Data(text.utf8))
        XCTAssertEqual(resp.instanceNum, 2)
        XCTAssertEqual(resp.instances?.count, 2)
        XCTAssertEqual(resp.instances?.first?.instanceId, "a")
        XCTAssertNil(resp.instances?.last?.instanceId)
    }

    func testJSONValueRoundTrip() throws {
        let v: JSONValue = ["a": [1, 2.5, "x", true, nil], "b": ["c": 9_007_199_254_740_993]]
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(v))
        XCTAssertEqual(back, v)
        XCTAssertEqual(back["b"]?["c"]?.intValue, 9_007_199_254_740_993, "integers stay exact")
        XCTAssertEqual(back["a"]?[1]?.doubleValue, 2.5)
    }
}
