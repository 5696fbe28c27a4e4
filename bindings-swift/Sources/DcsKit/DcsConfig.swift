import Foundation

/// Where a `DcsClient` sends requests, as whom, and how patiently. Times are in seconds.
/// Unset credentials and project id are read from `CLOUD_SDK_AK`, `CLOUD_SDK_SK`
/// (`CLOUD_SDK_SECURITY_TOKEN`, `CLOUD_SDK_AUTH_TOKEN`) and `CLOUD_SDK_PROJECT_ID`.
public struct DcsConfig: Sendable {
    /// Full endpoint URL (`https://…`, or `http://` for a local emulator); wins over `region`.
    public var endpoint: String?
    /// Region name: the endpoint becomes `https://dcs.{region}.myhuaweicloud.com`.
    public var region: String?
    public var projectId: String?
    public var ak: String?
    public var sk: String?
    /// For temporary credentials (sent as `X-Security-Token`).
    public var securityToken: String?
    /// An IAM token (`X-Auth-Token`) instead of AK/SK.
    public var authToken: String?
    public var connectTimeout: TimeInterval
    public var readTimeout: TimeInterval
    /// Bound of one HTTP attempt.
    public var totalTimeout: TimeInterval
    /// Attempts after the first on connection errors, 429 and 5xx (0: none).
    public var maxRetries: Int
    /// Proxy URL; otherwise `HTTPS_PROXY` / `NO_PROXY` apply.
    public var proxy: String?
    /// Extra PEM CA bundle to trust (a file path).
    public var caBundle: String?
    /// Turns TLS verification off. Never the default.
    public var insecureSkipTLSVerify: Bool
    /// The default deadline of one call, retries included (`CallOptions.timeout` overrides it).
    /// Swift cannot cancel a native call by dropping it, so every call has one.
    public var callTimeout: TimeInterval

    public init(
        endpoint: String? = nil, region: String? = nil, projectId: String? = nil,
        ak: String? = nil, sk: String? = nil, securityToken: String? = nil, authToken: String? = nil,
        connectTimeout: TimeInterval = 10, readTimeout: TimeInterval = 60, totalTimeout: TimeInterval = 120,
        maxRetries: Int = 3, proxy: String? = nil, caBundle: String? = nil,
        insecureSkipTLSVerify: Bool = false, callTimeout: TimeInterval = 300
    ) {
        self.endpoint = endpoint
        self.region = region
        self.projectId = projectId
        self.ak = ak
        self.sk = sk
        self.securityToken = securityToken
        self.authToken = authToken
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.totalTimeout = totalTimeout
        self.maxRetries = maxRetries
        self.proxy = proxy
        self.caBundle = caBundle
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.callTimeout = callTimeout
    }

    func native() throws -> NativeConfig {
        guard maxRetries >= 0, maxRetries <= Int(UInt32.max) else {
            throw DcsError.invalidInput(message: "maxRetries: must be between 0 and \(UInt32.max), got \(maxRetries)", param: "maxRetries")
        }
        return NativeConfig(
            endpoint: endpoint, region: region, projectId: projectId, ak: ak, sk: sk,
            securityToken: securityToken, authToken: authToken, connectTimeout: connectTimeout,
            readTimeout: readTimeout, totalTimeout: totalTimeout, maxRetries: UInt32(maxRetries),
            proxy: proxy, caBundle: caBundle, insecureSkipTlsVerify: insecureSkipTLSVerify)
    }
}

// Secrets never show in print(), dump() or debugger summaries.
extension DcsConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let shown: [(String, String?)] = [
            ("endpoint", endpoint), ("region", region), ("projectId", projectId), ("ak", ak),
            ("sk", sk.map { _ in "<redacted>" }), ("securityToken", securityToken.map { _ in "<redacted>" }),
            ("authToken", authToken.map { _ in "<redacted>" }),
        ]
        let fields = shown.compactMap { k, v in v.map { "\(k): \($0)" } }
        return "DcsConfig(\(fields.joined(separator: ", ")))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "endpoint": endpoint as Any, "region": region as Any, "projectId": projectId as Any, "ak": ak as Any,
            "sk": sk == nil ? "nil" : "<redacted>", "callTimeout": callTimeout,
        ], displayStyle: .struct)
    }
}

/// Per-call settings.
public struct CallOptions: Sendable {
    /// Deadline of this call in seconds (`nil`: the client's `callTimeout`; `0`: none).
    public var timeout: TimeInterval?

    public init(timeout: TimeInterval? = nil) {
        self.timeout = timeout
    }
}

/// How long and how often a waiter polls.
public struct WaitOptions: Sendable {
    public var timeout: TimeInterval
    public var interval: TimeInterval

    public init(timeout: TimeInterval = 1800, interval: TimeInterval = 10) {
        self.timeout = timeout
        self.interval = interval
    }
}
