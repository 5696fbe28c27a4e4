import DcsKit
import Foundation
import XCTest

/// Calls against a local recorder (a real HTTP server on 127.0.0.1): what goes on the wire,
/// how answers and failures come back, deadlines, cancellation and concurrency.
final class ClientTests: XCTestCase {
    static let listBody = #"{"instance_num":1,"instances":[{"instance_id":"i-1","name":"cache-a","status":"RUNNING","capacity":2,"engine":"Redis"}]}"#

    func testTypedCallIsSignedAndUsesWireNames() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: ClientTests.listBody) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let resp = try await client.listInstances(ListInstancesRequest(name: "cache a", offset: 0, limit: 5))
        XCTAssertEqual(resp.instanceNum, 1)
        XCTAssertEqual(resp.instances?.first?.instanceId, "i-1")
        XCTAssertEqual(resp.instances?.first?.capacity, 2)

        let req = try XCTUnwrap(recorder.requests.first)
        XCTAssertEqual(req.method, "GET")
        XCTAssertTrue(req.target.hasPrefix("/v2/\(Emulator.projectId)/instances?"), req.target)
        XCTAssertTrue(req.target.contains("limit=5"), req.target)
        XCTAssertTrue(req.target.contains("name=cache%20a"), req.target)
        let auth = try XCTUnwrap(req.headers["authorization"])
        XCTAssertTrue(auth.hasPrefix("SDK-HMAC-SHA256 Access=\(Emulator.ak), SignedHeaders="), auth)
        XCTAssertNotNil(req.headers["x-sdk-date"])
        XCTAssertFalse(auth.contains(Emulator.sk), "the secret key never goes on the wire")
    }

    func testRequestBodyGoesUnderBody() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: #"{"order_id":"o-9","instances":[{"instance_id":"i-new","instance_name":"n"}]}"#) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let body = CreateInstanceBody(azCodes: ["az1"], capacity: 1, engine: "Redis", engineVersion: "6.0", name: "from-swift",
                                      specCode: "redis.single.xu1.large.1", subnetId: "subnet-1", vpcId: "vpc-1")
        let resp = try await client.createInstance(CreateInstanceRequest(body: body))
        XCTAssertEqual(resp.orderId, "o-9")
        let req = try XCTUnwrap(recorder.requests.first)
        XCTAssertEqual(req.method, "POST")
        let sent = try JSONDecoder().decode(JSONValue.self, from: Data(req.body.utf8))
        XCTAssertEqual(sent["name"], "from-swift")
        XCTAssertEqual(sent["az_codes"], ["az1"])
        XCTAssertEqual(sent["spec_code"], "redis.single.xu1.large.1")
        XCTAssertNil(sent["body"], "the body is sent as the body, not wrapped")
    }

    func testServiceErrorsCarryStatusCodesAndRequestId() async throws {
        let recorder = try Recorder { req in
            if req.target.contains("gone") {
                return Recorder.Reply(status: 404, headers: ["Content-Type": "application/json", "X-Request-Id": "rid-404"],
                                      body: #"{"error_code":"DCS.4133","error_msg":"instance does not exist"}"#)
            }
            if req.target.contains("busy") {
                return Recorder.Reply(status: 429, headers: ["Retry-After": "3", "X-Request-Id": "rid-429"], body: #"{"error_code":"APIGW.0308","error_msg":"throttled"}"#)
            }
            return Recorder.Reply(status: 503, headers: ["X-Request-Id": "rid-503"], body: #"{"error":{"code":"DCS.5000","message":"down"}}"#)
        }
        let client = try DcsClientFactory.make(endpoint: recorder.url, maxRetries: 0)

        let e404 = await assertThrowsDcs { try await client.showInstance(ShowInstanceRequest(instanceId: "gone")) }
        XCTAssertEqual(e404?.code, "CLIENT_REQUEST")
        XCTAssertEqual(e404?.statusCode, 404)
        XCTAssertEqual(e404?.errorCode, "DCS.4133")
        XCTAssertEqual(e404?.errorMsg, "instance does not exist")
        XCTAssertEqual(e404?.requestId, "rid-404")
        XCTAssertTrue(e404?.localizedDescription.contains("rid-404") ?? false, e404?.localizedDescription ?? "")
        if case .service = e404 {} else { XCTFail("not .service: \(String(describing: e404))") }

        let e429 = await assertThrowsDcs { try await client.showInstance(ShowInstanceRequest(instanceId: "busy")) }
        XCTAssertEqual(e429?.code, "THROTTLED")
        XCTAssertEqual(e429?.statusCode, 429)
        XCTAssertEqual(e429?.retryAfter, 3)
        XCTAssertEqual(e429?.requestId, "rid-429")

        let e503 = await assertThrowsDcs { try await client.showInstance(ShowInstanceRequest(instanceId: "other")) }
        XCTAssertEqual(e503?.code, "SERVER_RESPONSE")
        XCTAssertEqual(e503?.errorCode, "DCS.5000")
        XCTAssertEqual(e503?.requestId, "rid-503")
    }

    func testInvalidInputIsReportedBeforeSending() async throws {
        let recorder = try Recorder { _ in Recorder.Reply() }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let missing = await assertThrowsDcs { try await client.call("ShowInstance", input: [:]) }
        XCTAssertEqual(missing?.code, "INVALID_INPUT")
        XCTAssertEqual(missing?.param, "instance_id")
        let unknown = await assertThrowsDcs { try await client.call("NoSuchOperation") }
        XCTAssertEqual(unknown?.param, "operation")
        let badJSON = await assertThrowsDcs { try await client.callJSON("ListInstances", inputJSON: "{not json") }
        XCTAssertEqual(badJSON?.param, "input")
        let wrongType = await assertThrowsDcs { try await client.call("ListInstances", input: ["limit": "ten"]) }
        XCTAssertEqual(wrongType?.code, "INVALID_INPUT")
        XCTAssertEqual(wrongType?.param, "limit")
        XCTAssertEqual(recorder.requests.count, 0, "nothing was sent")
    }

    func testDynamicCallAcceptsEveryNameStyle() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: ClientTests.listBody) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        for name in ["ListInstances", "listInstances", "list_instances", "list-instances"] {
            let out = try await client.call(name, input: ["limit": 1])
            XCTAssertEqual(out["instance_num"], 1, name)
        }
        XCTAssertEqual(recorder.requests.count, 4)
    }

    func testResponseThatDoesNotMatchTheSpecIsDecodeError() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: #"{"instance_num":"many","instances":7}"#) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let e = await assertThrowsDcs { try await client.listInstances() }
        XCTAssertEqual(e?.code, "DECODE")
        XCTAssertTrue(e?.message.contains("ListInstances") ?? false, e?.message ?? "")
        let notJSON = try Recorder { _ in Recorder.Reply(body: "<html>proxy error</html>") }
        let e2 = await assertThrowsDcs { try await DcsClientFactory.make(endpoint: notJSON.url).listInstances() }
        XCTAssertEqual(e2?.code, "DECODE")
    }

    func testConnectionRefusedIsConnectionError() async throws {
        // Bind a port and close it again: nothing listens there.
        let port: UInt16 = try {
            let r = try Recorder { _ in Recorder.Reply() }
            defer { r.stop() }
            return r.port
        }()
        let client = try DcsClientFactory.make(endpoint: "http://127.0.0.1:\(port)", maxRetries: 0)
        let e = await assertThrowsDcs { try await client.listInstances() }
        XCTAssertEqual(e?.code, "CONNECTION")
    }

    func testCallTimeoutEndsASlowCall() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: ClientTests.listBody, delay: 5) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let start = Date()
        let e = await assertThrowsDcs { try await client.listInstances(options: CallOptions(timeout: 0.3)) }
        XCTAssertEqual(e?.code, "TIMEOUT")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        // The client-wide default applies when the call sets none.
        let quick = try DcsClientFactory.make(endpoint: recorder.url, callTimeout: 0.3)
        let e2 = await assertThrowsDcs { try await quick.listInstances() }
        XCTAssertEqual(e2?.code, "TIMEOUT")
    }

    func testCancellingTheTaskCancelsTheCall() async throws {
        let recorder = try Recorder { _ in Recorder.Reply(body: ClientTests.listBody, delay: 10) }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let start = Date()
        let task = Task { try await client.listInstances() }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else { return XCTFail("the call finished: \(result)") }
        XCTAssertEqual((error as? DcsError)?.code, "CANCELLED", "\(error)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // An already-cancelled task does not even send.
        let before = recorder.requests.count
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.listInstances()
        }
        let lateResult = await late.result
        if case .failure(let e) = lateResult { XCTAssertEqual((e as? DcsError)?.code, "CANCELLED") } else { XCTFail("not cancelled") }
        XCTAssertEqual(recorder.requests.count, before)
    }

    func testConcurrentCallsFromManyTasks() async throws {
        let recorder = try Recorder { req in
            // Echo the instance id of the path back, after a little while.
            let id = req.target.split(separator: "/").last.map(String.init) ?? "?"
            return Recorder.Reply(body: #"{"instance_id":"\#(id)","status":"RUNNING"}"#, delay: 0.05)
        }
        let client = try DcsClientFactory.make(endpoint: recorder.url)
        let n = 40
        let start = Date()
        let ids = try await withThrowingTaskGroup(of: (String, String?).self) { group -> [(String, String?)] in
            for i in 0..<n {
                group.addTask {
                    let id = "inst-\(i)"
                    return (id, try await client.showInstance(ShowInstanceRequest(instanceId: id)).instanceId)
                }
            }
            var out: [(String, String?)] = []
            for try await r in group { out.append(r) }
            return out
        }
        XCTAssertEqual(ids.count, n)
        for (sent, got) in ids { XCTAssertEqual(sent, got) }
        XCTAssertEqual(recorder.requests.count, n)
        // 40 calls of 50 ms each: concurrent, not one after the other (2 s).
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.8)
    }

    func testConfigErrorsAndSecrets() throws {
        XCTAssertThrowsError(try DcsClient(config: DcsConfig(endpoint: "http://127.0.0.1:1", ak: "only-ak"))) { e in
            XCTAssertEqual((e as? DcsError)?.code, "CREDENTIALS")
        }
        XCTAssertThrowsError(try DcsClient(config: DcsConfig(endpoint: "ftp://example"))) { e in
            XCTAssertEqual((e as? DcsError)?.param, "endpoint")
        }
        XCTAssertThrowsError(try DcsClient(config: DcsConfig(region: "cn-north-4", connectTimeout: -1))) { e in
            XCTAssertEqual((e as? DcsError)?.param, "connectTimeout")
        }
        let config = DcsConfig(endpoint: "http://127.0.0.1:1", ak: "AKVISIBLE", sk: "TOP-SECRET-SK", securityToken: "TOKEN-SECRET")
        for text in [config.description, String(reflecting: config), "\(config)"] {
            XCTAssertFalse(text.contains("TOP-SECRET-SK"), text)
            XCTAssertFalse(text.contains("TOKEN-SECRET"), text)
            XCTAssertTrue(text.contains("AKVISIBLE"), text)
        }
        var dumped = ""
        dump(config, to: &dumped)
        XCTAssertFalse(dumped.contains("TOP-SECRET-SK"), dumped)
        XCTAssertEqual(try DcsClient(config: DcsConfig(region: "cn-north-4")).endpoint, "https://dcs.cn-north-4.myhuaweicloud.com")
    }
}
