import DcsKit
import Foundation
import XCTest

/// The offline analyzer from Swift: real dumps, the DCS report fields, errors with offsets,
/// cancellation and concurrent analyses.
final class AnalyzeTests: XCTestCase {
    /// Key counts per type from the fixture manifest (`types: hash(hashtable) x1, string x3`).
    func manifestCounts(_ fixtures: URL, file: String) throws -> [String: UInt64] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(file + "\t") }, "no manifest row for \(file)")
        let covers = row.split(separator: "\t", omittingEmptySubsequences: false)[5]
        let types = try XCTUnwrap(covers.components(separatedBy: "; ").first { $0.hasPrefix("types: ") })
        var out: [String: UInt64] = [:]
        for item in types.dropFirst("types: ".count).components(separatedBy: ", ") {
            let parts = item.components(separatedBy: " x")
            // `zset2(skiplist...)`, `hash-ziplist`, `set(hashtable)` -> the data type.
            var name = String(parts[0].prefix { $0.isLetter })
            out[name, default: 0] += UInt64(parts[1]) ?? 0
        }
        return out
    }

    func testAnalyzesARealDumpAsTheManifestDescribes() async throws {
        let fixtures = try Paths.fixtures()
        let file = "redis__redis/encodings.rdb"
        let expected = try manifestCounts(fixtures, file: file)
        let report = try await analyze(path: fixtures.appendingPathComponent(file).path)
        XCTAssertEqual(report.totalNum, expected.values.reduce(0, +))
        for (type, n) in expected { XCTAssertEqual(report.num(ofType: type), n, type) }
        XCTAssertEqual(report.typeNum.map(\.num).reduce(0, +), report.totalNum)
        XCTAssertEqual(report.typeBytes.map(\.bytes).reduce(0, +), report.totalBytes)
        XCTAssertEqual(report.largestKeys.count, Int(report.totalNum), "fewer keys than top: all listed")
        XCTAssertEqual(report.largestKeys.map(\.bytes), report.largestKeys.map(\.bytes).sorted(by: >))
        XCTAssertEqual(report.files?.first?.rdbVersion, 4)
        XCTAssertEqual(report.raw["total_num"]?.intValue, Int64(report.totalNum))
    }

    func testSameReportAsTheCLI() async throws {
        let fixtures = try Paths.fixtures()
        let path = fixtures.appendingPathComponent("redis__redis/encodings.rdb").path
        let options = AnalyzeOptions(top: 5, nowMs: 1_700_000_000_000)
        let swift = try await analyze(path: path, options: options)
        let cli = try Child(Paths.dcskitBinary, ["analyze", path, "--format", "json", "--top", "5"])
        let cliReport = try Report.decode(String(decoding: cli.readToEnd(), as: UTF8.self))
        XCTAssertEqual(cli.process.terminationStatus, 0)
        XCTAssertEqual(swift.totalNum, cliReport.totalNum)
        XCTAssertEqual(swift.totalBytes, cliReport.totalBytes)
        XCTAssertEqual(swift.typeBytes, cliReport.typeBytes)
        XCTAssertEqual(swift.largestKeys.map(\.key), cliReport.largestKeys.map(\.key))
        XCTAssertEqual(swift.largestKeys.count, 5)
        XCTAssertEqual(swift.largestKeyPrefixes, cliReport.largestKeyPrefixes)
    }

    func testBundledSampleAndOptions() async throws {
        let path = Paths.sampleRDB.path
        let full = try await analyze(path: path)
        XCTAssertGreaterThan(full.totalNum, 0)
        XCTAssertEqual(full.typeNum.map(\.num).reduce(0, +), full.totalNum)
        let top3 = try await analyze(path: path, options: AnalyzeOptions(top: 3, prefixTop: 2))
        XCTAssertEqual(top3.largestKeys.count, min(3, Int(full.totalNum)))
        XCTAssertEqual(top3.largestKeys.map(\.key), Array(full.largestKeys.prefix(3)).map(\.key))
        let serialized = try await analyze(path: path, options: AnalyzeOptions(sizeMetric: .serialized))
        XCTAssertEqual(serialized.sizeMetric, "serialized")
        XCTAssertEqual(serialized.totalBytes, full.totalSerializedBytes)
    }

    func testBrokenDumpIsAnAnalysisErrorWithOffset() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dcskit-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = dir.appendingPathComponent("broken.rdb")
        // A valid header, then a value type byte no RDB version defines.
        try Data("REDIS0009".utf8 + [0x7D, 0x01, 0x61, 0x01, 0x62]).write(to: broken)
        let e = await assertThrowsDcs { try await analyze(path: broken.path) }
        XCTAssertEqual(e?.code, "ANALYSIS", "\(String(describing: e))")
        XCTAssertEqual(e?.offset, 9, "\(String(describing: e))")
        XCTAssertTrue(e?.localizedDescription.contains("offset") ?? false)

        let notRDB = dir.appendingPathComponent("not.rdb")
        try Data("hello, this is not a dump".utf8).write(to: notRDB)
        let e2 = await assertThrowsDcs { try await analyze(path: notRDB.path) }
        XCTAssertNotNil(e2)
        XCTAssertTrue(["ANALYSIS", "INVALID_INPUT"].contains(e2?.code ?? ""), "\(String(describing: e2))")
    }

    func testMissingFileAndBadOptions() async throws {
        // The core treats an input that cannot be opened as bad input, naming it.
        let missing = await assertThrowsDcs { try await analyze(path: "/nonexistent/dump.rdb") }
        XCTAssertEqual(missing?.code, "INVALID_INPUT")
        XCTAssertEqual(missing?.param, "input")
        XCTAssertTrue(missing?.message.contains("/nonexistent/dump.rdb: no such file") ?? false, missing?.message ?? "")
        let empty = await assertThrowsDcs { try await analyze(path: "") }
        XCTAssertEqual(empty?.param, "path")
        let top = await assertThrowsDcs { try await analyze(path: Paths.sampleRDB.path, options: AnalyzeOptions(top: 0)) }
        XCTAssertEqual(top?.param, "top")
        let depth = await assertThrowsDcs { try await analyze(path: Paths.sampleRDB.path, options: AnalyzeOptions(prefixDepth: -1)) }
        XCTAssertEqual(depth?.param, "prefixDepth")
    }

    func testCancelledTaskDoesNotAnalyze() async throws {
        let task = Task { () throws -> Report in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await analyze(path: Paths.sampleRDB.path)
        }
        switch await task.result {
        case .success: XCTFail("analysis ran in a cancelled task")
        case .failure(let e): XCTAssertEqual((e as? DcsError)?.code, "CANCELLED", "\(e)")
        }
    }

    func testConcurrentAnalysesAgree() async throws {
        let fixtures = try Paths.fixtures()
        let files = ["redis__redis/encodings.rdb", "sripathikrishnan__redis-rdb-tools/parser_filters.rdb",
                     "sripathikrishnan__redis-rdb-tools/dictionary.rdb"].map { fixtures.appendingPathComponent($0).path }
        var alone: [String: UInt64] = [:]
        for f in files { alone[f] = try await analyze(path: f).totalBytes }
        let together = try await withThrowingTaskGroup(of: (String, UInt64).self) { group -> [(String, UInt64)] in
            for _ in 0..<3 { for f in files { group.addTask { (f, try await analyze(path: f).totalBytes) } } }
            var out: [(String, UInt64)] = []
            for try await r in group { out.append(r) }
            return out
        }
        XCTAssertEqual(together.count, 9)
        for (f, bytes) in together { XCTAssertEqual(bytes, alone[f], f) }
    }
}
