import Foundation

/// Every failure of DcsKit. One case per kind of the core's error model (the same stable
/// codes in every dcskit binding: `code`); the service answers (HTTP 4xx, 5xx, 429) share
/// `.service`, whose `code` is `CLIENT_REQUEST`, `SERVER_RESPONSE` or `THROTTLED`.
public enum DcsError: Error, Equatable, Sendable {
    /// Nothing was sent: `param` is missing, mistyped or out of range.
    case invalidInput(message: String, param: String?)
    /// Credentials are missing or unusable.
    case credentials(message: String)
    /// The connection could not be made or broke.
    case connection(message: String)
    /// TLS handshake or certificate failure.
    case tls(message: String)
    /// A connect, read, total or call timeout expired.
    case timeout(message: String)
    /// The service answered with an error status.
    case service(code: String, message: String, statusCode: Int, errorCode: String?, errorMsg: String?,
                 requestId: String?, retryAfter: TimeInterval?)
    /// A response (or a report) could not be decoded.
    case decode(message: String)
    /// An RDB input could not be analysed; `offset` is the byte where it broke.
    case analysis(message: String, offset: UInt64?)
    /// Local I/O failed.
    case io(message: String)
    /// The call was cancelled (its Swift task was cancelled, or its token).
    case cancelled(message: String)
    /// A bug in dcskit.
    case `internal`(message: String)

    /// The stable code of the error's kind (`INVALID_INPUT`, `CLIENT_REQUEST`, ...).
    public var code: String {
        switch self {
        case .invalidInput: return "INVALID_INPUT"
        case .credentials: return "CREDENTIALS"
        case .connection: return "CONNECTION"
        case .tls: return "TLS"
        case .timeout: return "TIMEOUT"
        case .service(let code, _, _, _, _, _, _): return code
        case .decode: return "DECODE"
        case .analysis: return "ANALYSIS"
        case .io: return "IO"
        case .cancelled: return "CANCELLED"
        case .internal: return "INTERNAL"
        }
    }

    /// What went wrong, in the core's words.
    public var message: String {
        switch self {
        case .invalidInput(let m, _), .credentials(let m), .connection(let m), .tls(let m),
             .timeout(let m), .decode(let m), .analysis(let m, _), .io(let m), .cancelled(let m),
             .internal(let m):
            return m
        case .service(_, let m, _, _, _, _, _):
            return m
        }
    }

    /// True for the service answers (`.service`).
    public var isService: Bool { if case .service = self { return true } else { return false } }

    /// HTTP status of a service error.
    public var statusCode: Int? { if case .service(_, _, let s, _, _, _, _) = self { return s } else { return nil } }
    /// DCS error code of a service error (`DCS.4133`).
    public var errorCode: String? { if case .service(_, _, _, let c, _, _, _) = self { return c } else { return nil } }
    /// The service's error message.
    public var errorMsg: String? { if case .service(_, _, _, _, let m, _, _) = self { return m } else { return nil } }
    /// The request id the service gave (`X-Request-Id`): quote it to support.
    public var requestId: String? { if case .service(_, _, _, _, _, let r, _) = self { return r } else { return nil } }
    /// Seconds the service asked to wait (`Retry-After` on a 429).
    public var retryAfter: TimeInterval? { if case .service(_, _, _, _, _, _, let r) = self { return r } else { return nil } }
    /// The offending parameter of an `.invalidInput`.
    public var param: String? { if case .invalidInput(_, let p) = self { return p } else { return nil } }
    /// The byte offset of an `.analysis` error.
    public var offset: UInt64? { if case .analysis(_, let o) = self { return o } else { return nil } }
}

extension DcsError: LocalizedError {
    /// `[CODE] message`, as every dcskit binding and the CLI print it.
    public var errorDescription: String? { "[\(code)] \(message)" }

    public var failureReason: String? {
        switch self {
        case .invalidInput(_, let p?): return "invalid parameter \(p)"
        case .service(_, _, let status, let ec, _, let rid, _):
            var s = "HTTP \(status)"
            if let ec { s += " \(ec)" }
            if let rid { s += ", request id \(rid)" }
            return s
        case .analysis(_, let o?): return "at byte offset \(o)"
        default: return nil
        }
    }

    public var recoverySuggestion: String? {
        switch self {
        case .credentials: return "Set ak/sk in DcsConfig, or CLOUD_SDK_AK and CLOUD_SDK_SK in the environment."
        case .timeout: return "Raise the timeout in CallOptions or DcsConfig, or retry later."
        case .service(let code, _, _, _, _, _, let after) where code == "THROTTLED":
            return after.map { "Retry after \($0) s." } ?? "Retry later."
        case .connection: return "Check the endpoint, the network and any proxy settings."
        default: return nil
        }
    }
}

extension DcsError {
    /// The Swift error for what the native library threw.
    init(native: NativeError) {
        switch native {
        case .InvalidInput(let m, let p): self = .invalidInput(message: m, param: p)
        case .Credentials(let m): self = .credentials(message: m)
        case .Connection(let m): self = .connection(message: m)
        case .Tls(let m): self = .tls(message: m)
        case .Timeout(let m): self = .timeout(message: m)
        case .Service(let code, let m, let status, let ec, let em, let rid, let after):
            self = .service(code: code, message: m, statusCode: Int(status), errorCode: ec, errorMsg: em,
                            requestId: rid, retryAfter: after)
        case .Decode(let m): self = .decode(message: m)
        case .Analysis(let m, let o): self = .analysis(message: m, offset: o)
        case .Io(let m): self = .io(message: m)
        case .Cancelled(let m): self = .cancelled(message: m)
        case .Internal(let m): self = .internal(message: m)
        }
    }

    /// The error a core error of kind `code` becomes, through the same conversion as every
    /// call (the error-model table test uses it). Unknown codes give `.invalidInput`.
    public static func sample(code: String) -> DcsError {
        do {
            try nativeThrowSampleError(code: code)
            return .internal(message: "no error was thrown for \(code)")
        } catch {
            return DcsError.wrap(error)
        }
    }

    /// Any error from the native layer or from JSON coding as a `DcsError`.
    static func wrap(_ error: Error) -> DcsError {
        switch error {
        case let e as DcsError: return e
        case let e as NativeError: return DcsError(native: e)
        case let e as DecodingError: return .decode(message: describe(e))
        case let e as EncodingError: return .invalidInput(message: "input could not be encoded as JSON: \(e)", param: "input")
        case is CancellationError: return .cancelled(message: "the Swift task was cancelled")
        default: return .internal(message: "\(error)")
        }
    }

    private static func describe(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "$" : "$" + p
        }
        switch e {
        case .typeMismatch(let t, let c): return "\(path(c)): expected \(t): \(c.debugDescription)"
        case .valueNotFound(let t, let c): return "\(path(c)): missing \(t) value"
        case .keyNotFound(let k, let c): return "\(path(c)): missing key \(k.stringValue)"
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// Runs `body`, turning whatever it throws into a `DcsError`.
@inline(__always)
func dcsErrors<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw DcsError.wrap(error) }
}
