import DcsKit
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths the tests need, from this file's location (the repo is mounted at the same path in
/// the toolchain chroot).
enum Paths {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let repo = package.deletingLastPathComponent()
    static let errorModel = repo.appendingPathComponent("tests/error-model.json")
    static let sampleRDB = repo.appendingPathComponent("assets/sample.rdb")

    static var dcskitBinary: String {
        if let b = ProcessInfo.processInfo.environment["DCSKIT_BIN"], !b.isEmpty { return b }
        let target = ProcessInfo.processInfo.environment["CARGO_TARGET_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? repo.appendingPathComponent("target").path
        return target + "/release/dcskit"
    }

    /// The shared RDB fixtures; skips the test when absent, fails when absent and CI=true.
    static func fixtures() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        let dir = env["DCSKIT_FIXTURES"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? repo.deletingLastPathComponent().appendingPathComponent("shared/fixtures/rdb")
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("MANIFEST.tsv").path) { return dir }
        if env["CI"] == "true" {
            XCTFail("RDB fixtures missing at \(dir.path) (required when CI=true)")
            throw XCTSkip("fixtures missing")
        }
        throw XCTSkip("RDB fixtures absent at \(dir.path)")
    }
}

/// A child process, its stdout read line by line.
final class Child {
    let process = Process()
    private let out = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        try process.run()
    }

    /// The first line the child prints, within `timeout` seconds.
    func firstLine(timeout: TimeInterval) throws -> String {
        let handle = out.fileHandleForReading
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var text = "" }
        let box = Box()
        DispatchQueue.global().async {
            var bytes = [UInt8]()
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                bytes.append(contentsOf: chunk)
            }
            box.text = String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            stop()
            throw DcsTestError("no output from \(process.executableURL?.path ?? "?") within \(timeout) s")
        }
        return box.text
    }

    /// Everything the child prints until it exits.
    func readToEnd() -> Data {
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// SIGTERM, then SIGKILL after 0.5 s (a child started by Foundation may not see SIGTERM).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(0.5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

struct DcsTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The local DCS emulator (`dcskit mock --port 0`, the release binary built outside), with
/// AK/SK checking on, so every call is signed for real.
final class Emulator {
    static let ak = "SWIFTTESTAK"
    static let sk = "swift-test-secret-key"
    static let projectId = "0123456789abcdef0123456789abcdef"
    let child: Child
    let url: String

    init(runningDelayMs: Int = 300, extra: [String] = []) throws {
        let bin = Paths.dcskitBinary
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw DcsTestError("dcskit binary missing at \(bin) (cargo build --release --bin dcskit)")
        }
        child = try Child(bin, ["mock", "--port", "0", "--ak", Emulator.ak, "--sk", Emulator.sk,
                                "--project-id", Emulator.projectId, "--running-delay", String(runningDelayMs),
                                "--task-delay", "100"] + extra)
        url = try child.firstLine(timeout: 30)
        guard url.hasPrefix("http://127.0.0.1:") else {
            child.stop()
            throw DcsTestError("unexpected emulator output: \(url)")
        }
    }

    func client(callTimeout: TimeInterval = 30) throws -> DcsClientFactory.Client {
        try DcsClientFactory.make(endpoint: url, callTimeout: callTimeout)
    }

    deinit { child.stop() }
}

enum DcsClientFactory {
    typealias Client = DcsClient
    static func make(endpoint: String, ak: String = Emulator.ak, sk: String = Emulator.sk,
                     callTimeout: TimeInterval = 30, maxRetries: Int = 0) throws -> DcsClient {
        try DcsClient(config: DcsConfig(endpoint: endpoint, projectId: Emulator.projectId, ak: ak, sk: sk,
                                        connectTimeout: 5, readTimeout: 20, totalTimeout: 30,
                                        maxRetries: maxRetries, callTimeout: callTimeout))
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 that records each request and answers with what the
/// test scripted: status, headers, body, and an optional delay (for timeouts and cancels).
final class Recorder: @unchecked Sendable {
    struct Request {
        let method: String
        let target: String
        let headers: [String: String]  // lower-cased names
        let body: String
    }

    struct Reply {
        var status: Int = 200
        var headers: [String: String] = ["Content-Type": "application/json"]
        var body: String = "{}"
        var delay: TimeInterval = 0
    }

    private let fd: Int32
    let port: UInt16
    private let lock = NSLock()
    private var recorded: [Request] = []
    private let reply: @Sendable (Request) -> Reply

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return recorded }

    init(reply: @escaping @Sendable (Request) -> Reply) throws {
        self.reply = reply
        signal(SIGPIPE, SIG_IGN)  // a client that gave up must not kill the test process
        #if os(Linux)
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let s = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard s >= 0 else { throw DcsTestError("socket() failed") }
        var yes: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(0).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(s, 64) == 0 else { close(s); throw DcsTestError("bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        fd = s
        port = UInt16(bigEndian: addr.sin_port)
        // The loop holds the recorder weakly: dropping it closes the socket and ends the loop.
        Thread { [weak self, s] in
            while true {
                let c = accept(s, nil, nil)
                if c < 0 { return }  // closed by stop()
                guard let recorder = self else { close(c); return }
                Thread { recorder.serve(c) }.start()
            }
        }.start()
    }

    private func serve(_ c: Int32) {
        defer { close(c) }
        var buf = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(c, &chunk, chunk.count)
            if n <= 0 { return }
            buf.append(contentsOf: chunk[0..<n])
            if headerEnd == nil, let r = find(buf, [13, 10, 13, 10]) {
                headerEnd = r + 4
                let head = String(decoding: buf[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let h = headerEnd, buf.count >= h + contentLength { break }
        }
        let h = headerEnd!
        let head = String(decoding: buf[0..<(h - 4)], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let first = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let request = Request(method: first.count > 0 ? String(first[0]) : "", target: first.count > 1 ? String(first[1]) : "",
                              headers: headers, body: String(decoding: buf[h..<(h + contentLength)], as: UTF8.self))
        lock.lock(); recorded.append(request); lock.unlock()
        let r = reply(request)
        if r.delay > 0 { Thread.sleep(forTimeInterval: r.delay) }
        var text = "HTTP/1.1 \(r.status) X\r\n"
        for (k, v) in r.headers { text += "\(k): \(v)\r\n" }
        let body = Array(r.body.utf8)
        text += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(text.utf8) + body
        _ = bytes.withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    private var stopped = false

    func stop() {
        lock.lock(); defer { lock.unlock() }
        if stopped { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { stop() }
}

/// Asserts that `body` throws a `DcsError` and returns it.
func assertThrowsDcs<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> DcsError? {
    do {
        let v = try await body()
        XCTFail("expected a DcsError, got \(v)", file: file, line: line)
        return nil
    } catch let e as DcsError {
        return e
    } catch {
        XCTFail("expected a DcsError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}
