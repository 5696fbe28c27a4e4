import DcsKit
import Foundation
import XCTest

/// The shared error table (tests/error-model.json): every core kind maps to the Swift case
/// the table names, with the same code; service cases carry the table's fields.
final class ErrorModelTests: XCTestCase {
    struct Table: Decodable {
        struct Kind: Decodable {
            let code: String
            let swift: String
            let service: Bool?
        }
        let kinds: [Kind]
        let service_fields: [String: [String]]
        let base: [String: String]
    }

    func loadTable() throws -> Table {
        try JSONDecoder().decode(Table.self, from: Data(contentsOf: Paths.errorModel))
    }

    /// The enum case name of an error, read by reflection (not by our own `code` mapping).
    func caseName(_ e: DcsError) -> String? {
        Mirror(reflecting: e).children.first?.label
    }

    func testEveryKindMapsToTheTablesCase() throws {
        let table = try loadTable()
        XCTAssertEqual(table.kinds.count, 13)
        XCTAssertEqual(table.base["swift"], String(describing: DcsError.self))
        for kind in table.kinds {
            let e = DcsError.sample(code: kind.code)
            XCTAssertEqual(caseName(e), kind.swift, "case for \(kind.code)")
            XCTAssertEqual(e.code, kind.code)
            XCTAssertEqual(e.isService, kind.service ?? false, kind.code)
            XCTAssertEqual(e.localizedDescription, "[\(kind.code)] \(e.message)")
            XCTAssertTrue((e as Error) is DcsError)
        }
    }

    func testServiceCasesCarryTheTablesFields() throws {
        let table = try loadTable()
        let fields = try XCTUnwrap(table.service_fields["swift"])
        XCTAssertEqual(fields, ["statusCode", "errorCode", "errorMsg", "requestId"])
        for kind in table.kinds where kind.service == true {
            let e = DcsError.sample(code: kind.code)
            // The associated values of the case, by label: the table's names must be there.
            guard let payload = Mirror(reflecting: e).children.first?.value else { return XCTFail("no payload") }
            let labels = Set(Mirror(reflecting: payload).children.compactMap { $0.label })
            for f in fields { XCTAssertTrue(labels.contains(f), "\(kind.code) lacks \(f): \(labels)") }
            XCTAssertNotNil(e.statusCode)
            XCTAssertEqual(e.errorCode, "DCS.4000")
            XCTAssertEqual(e.errorMsg, "sample")
            XCTAssertEqual(e.requestId, "sample-request-id")
        }
        XCTAssertEqual(DcsError.sample(code: "THROTTLED").statusCode, 429)
        XCTAssertEqual(DcsError.sample(code: "THROTTLED").retryAfter, 2)
        XCTAssertEqual(DcsError.sample(code: "SERVER_RESPONSE").statusCode, 503)
        XCTAssertEqual(DcsError.sample(code: "CLIENT_REQUEST").statusCode, 404)
    }

    func testKindSpecificFields() {
        XCTAssertEqual(DcsError.sample(code: "INVALID_INPUT").param, "sample_param")
        XCTAssertEqual(DcsError.sample(code: "ANALYSIS").offset, 42)
        let unknown = DcsError.sample(code: "NOT_A_CODE")
        XCTAssertEqual(unknown.code, "INVALID_INPUT")
        XCTAssertEqual(unknown.param, "code")
        XCTAssertTrue(unknown.message.contains("NOT_A_CODE"), unknown.message)
    }

    func testLocalizedErrorTexts() {
        let e = DcsError.sample(code: "CLIENT_REQUEST")
        XCTAssertEqual(e.errorDescription, "[CLIENT_REQUEST] \(e.message)")
        XCTAssertTrue(e.failureReason?.contains("request id sample-request-id") ?? false, e.failureReason ?? "nil")
        XCTAssertNotNil(DcsError.sample(code: "CREDENTIALS").recoverySuggestion)
        // NSError bridging keeps the description (what UI code shows).
        XCTAssertEqual((e as NSError).localizedDescription, e.errorDescription)
    }

    func testTableCoversEverySwiftCase() throws {
        let table = try loadTable()
        let produced = Set(table.kinds.map { caseName(DcsError.sample(code: $0.code)) ?? "?" })
        let declared: [DcsError] = [
            .invalidInput(message: "", param: nil), .credentials(message: ""), .connection(message: ""),
            .tls(message: ""), .timeout(message: ""),
            .service(code: "", message: "", statusCode: 0, errorCode: nil, errorMsg: nil, requestId: nil, retryAfter: nil),
            .decode(message: ""), .analysis(message: "", offset: nil), .io(message: ""), .cancelled(message: ""),
            .internal(message: ""),
        ]
        XCTAssertEqual(produced, Set(declared.compactMap(caseName)))
    }
}
