import Foundation

/// A DCS client: every operation of the spec as an `async throws` method (generated, see
/// `Generated/Operations.swift`), plus the generic `call`, paginators and waiters. All work
/// runs on the dcskit core's one runtime; cancelling the calling `Task` cancels the call.
/// Thread-safe: share one client between tasks.
public final class DcsClient: @unchecked Sendable {
    // The native client is immutable after construction and thread-safe on the Rust side.
    let native: NativeClient
    public let config: DcsConfig

    public init(config: DcsConfig = DcsConfig()) throws {
        self.config = config
        do {
            self.native = try NativeClient(config: try config.native())
        } catch {
            throw DcsError.wrap(error)
        }
    }

    /// The base URL requests go to.
    public var endpoint: String {
        get throws { try dcsErrorsSync { try native.endpoint() } }
    }

    /// Every operation of the spec (from the core), in spec order.
    public static var operations: [DcsOperationInfo] {
        nativeOperations().map(DcsOperationInfo.init(native:))
    }

    // MARK: generic calls

    /// Calls an operation by name (official, camelCase, snake_case or kebab-case) with JSON
    /// input: path and query parameters by wire name at the top level, the body under `body`.
    public func call(_ operation: String, input: JSONValue = [:], options: CallOptions = CallOptions()) async throws -> JSONValue {
        try await dcsErrors {
            let text = try await callJSON(operation, inputJSON: try DcsJSON.encode(input), options: options)
            return try DcsJSON.decode(JSONValue.self, from: text)
        }
    }

    /// `call` with the input and output as JSON text.
    public func callJSON(_ operation: String, inputJSON: String, options: CallOptions = CallOptions()) async throws -> String {
        try await dcsErrors {
            try await withCancelToken { token in
                try await native.call(operation: operation, inputJson: inputJSON,
                                      timeout: timeout(options), cancel: token)
            }
        }
    }

    /// The typed path every generated method takes: encode the request struct, call, decode.
    public func perform<Request: Encodable, Response: Decodable>(
        _ operation: String, _ request: Request, as: Response.Type, wrapped: Bool = false,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        try await dcsErrors {
            let output = try await callJSON(operation, inputJSON: try DcsJSON.encode(request), options: options)
            return try Self.decodeResponse(operation, output, as: Response.self, wrapped: wrapped)
        }
    }

    /// A response body as the operation's response type; a non-object body (`wrapped`)
    /// becomes the type's `body` property.
    static func decodeResponse<Response: Decodable>(_ operation: String, _ json: String, as: Response.Type, wrapped: Bool) throws -> Response {
        var text = json
        if wrapped, json.trimmingCharacters(in: .whitespacesAndNewlines) != "{}" {
            text = "{\"body\":\(json)}"
        }
        do {
            return try DcsJSON.decode(Response.self, from: text)
        } catch let e as DecodingError {
            let inner = DcsError.wrap(e)
            throw DcsError.decode(message: "\(operation): response does not match the spec: \(inner.message)")
        }
    }

    // MARK: pagination

    /// Every page of a paginated list operation (fetched lazily, one call per page).
    public func pages<Request: Encodable, Page: Decodable>(
        _ operation: String, _ request: Request, as: Page.Type, options: CallOptions = CallOptions()
    ) -> DcsPages<Page> {
        DcsPages(client: self, operation: operation, input: Result { try DcsJSON.encode(request) }, options: options)
    }

    /// Every item of a paginated list operation, across pages.
    public func items<Request: Encodable, Item: Decodable>(
        _ operation: String, _ request: Request, as: Item.Type, options: CallOptions = CallOptions()
    ) -> DcsItems<Item> {
        DcsItems(client: self, operation: operation, input: Result { try DcsJSON.encode(request) }, options: options)
    }

    // MARK: waiters

    /// Polls the waiter's operation until its status is a success value; throws `.service`
    /// on a failure value and `.timeout` when `options.timeout` expires. The input is the
    /// operation's request plus the waiter's `extra` inputs (e.g. `task_id`).
    public func wait<Request: Encodable, Response: Decodable>(
        _ waiter: String, _ request: Request, extra: [String: JSONValue] = [:], as: Response.Type,
        options: WaitOptions = WaitOptions()
    ) async throws -> Response {
        try await dcsErrors {
            var input = try DcsJSON.decode(JSONValue.self, from: try DcsJSON.encode(request))
            if !extra.isEmpty {
                guard case .object(var fields) = input else {
                    throw DcsError.invalidInput(message: "input: must be a JSON object", param: "input")
                }
                fields.merge(extra) { _, new in new }
                input = .object(fields)
            }
            let inputJSON = try DcsJSON.encode(input)
            let output = try await withCancelToken { token in
                try await native.wait(waiter: waiter, inputJson: inputJSON, timeout: options.timeout,
                                      interval: options.interval, cancel: token)
            }
            return try Self.decodeResponse(waiter, output, as: Response.self, wrapped: false)
        }
    }

    func timeout(_ options: CallOptions) -> Double? {
        let t = options.timeout ?? config.callTimeout
        return t > 0 ? t : nil
    }
}

/// One operation of the spec.
public struct DcsOperationInfo: Equatable, Sendable {
    /// Official name: `ListInstances`.
    public let name: String
    public let snakeName: String
    /// The Swift method name: `listInstances`.
    public let camelName: String
    public let method: String
    public let path: String
    public let version: String
    public let deprecated: Bool
    public let replacement: String?
    public let paginated: Bool

    init(native n: NativeOperation) {
        name = n.name
        snakeName = n.snakeName
        camelName = n.camelName
        method = n.method
        path = n.path
        version = n.version
        deprecated = n.deprecated
        replacement = n.replacement
        paginated = n.paginated
    }
}

/// Runs a native call with a cancel token that the current Swift task's cancellation trips
/// (a uniffi future cannot be dropped from Swift; the token ends the work on the runtime).
func withCancelToken<T>(_ body: (CancelToken) async throws -> T) async throws -> T {
    let token = CancelToken()
    return try await withTaskCancellationHandler {
        try await body(token)
    } onCancel: {
        token.cancel()
    }
}

func dcsErrorsSync<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw DcsError.wrap(error) }
}
