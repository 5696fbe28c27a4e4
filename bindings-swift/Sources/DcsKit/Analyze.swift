import Foundation

/// What `bytes` means in a report.
public enum SizeMetric: String, Sendable {
    /// Estimated in-memory size (what DCS reports).
    case memory
    /// Bytes the key takes in the RDB file.
    case serialized
}

/// Settings of one analysis (the defaults are what DCS's offline key analysis reports).
public struct AnalyzeOptions: Sendable {
    /// How many of the largest keys to keep.
    public var top: Int
    /// How many prefixes per type to keep.
    public var prefixTop: Int
    /// Characters that split a key into prefix segments.
    public var delimiters: String
    /// How many prefix levels each key contributes (`a:b:c` at depth 2: `a:` and `a:b:`).
    public var prefixDepth: Int
    public var sizeMetric: SizeMetric
    /// Compare CRC-64 trailers.
    public var verifyChecksum: Bool
    /// Trailing bytes after the end of the RDB are an error instead of a warning.
    public var strict: Bool
    /// "Now" for TTL statistics, Unix milliseconds (`nil`: the current time).
    public var nowMs: Int64?
    /// Deadline in seconds (`nil`: none; cancelling the Task stops the analysis too).
    public var timeout: TimeInterval?

    public init(top: Int = 100, prefixTop: Int = 50, delimiters: String = ":", prefixDepth: Int = 1,
                sizeMetric: SizeMetric = .memory, verifyChecksum: Bool = true, strict: Bool = false,
                nowMs: Int64? = nil, timeout: TimeInterval? = nil) {
        self.top = top
        self.prefixTop = prefixTop
        self.delimiters = delimiters
        self.prefixDepth = prefixDepth
        self.sizeMetric = sizeMetric
        self.verifyChecksum = verifyChecksum
        self.strict = strict
        self.nowMs = nowMs
        self.timeout = timeout
    }

    func native() throws -> NativeAnalyzeOptions {
        func count(_ v: Int, _ name: String) throws -> UInt32 {
            guard v >= 0, v <= Int(UInt32.max) else {
                throw DcsError.invalidInput(message: "\(name): must be between 0 and \(UInt32.max), got \(v)", param: name)
            }
            return UInt32(v)
        }
        return NativeAnalyzeOptions(
            top: try count(top, "top"), prefixTop: try count(prefixTop, "prefixTop"), delimiters: delimiters,
            prefixDepth: try count(prefixDepth, "prefixDepth"), sizeMetric: sizeMetric.rawValue,
            verifyChecksum: verifyChecksum, strict: strict, nowMs: nowMs, timeout: timeout)
    }
}

/// Analyzes a Redis RDB dump offline, as DCS's offline key analysis does: a file path, a .gz,
/// a tar of RDB files, or an http(s) URL. Runs on the core runtime; cancelling the Task
/// stops it (`.cancelled`); a broken file throws `.analysis` with the byte offset.
public func analyze(path: String, options: AnalyzeOptions = AnalyzeOptions()) async throws -> Report {
    try await dcsErrors {
        let native = try options.native()
        let json = try await withCancelToken { token in
            try await nativeAnalyze(input: path, options: native, cancel: token)
        }
        return try Report.decode(json)
    }
}

/// The analysis report: the fields of DCS's `ShowOfflineKeyAnalysisTask` report first, then
/// the extras dcskit adds. `raw` holds the whole report as JSON (every extra field).
public struct Report: Decodable, Sendable {
    /// Sum of `bytes` over all keys.
    public let totalBytes: UInt64
    /// Number of keys.
    public let totalNum: UInt64
    public let typeBytes: [TypeBytes]
    public let typeNum: [TypeNum]
    /// The largest keys, largest first.
    public let largestKeys: [LargestKey]
    /// The prefixes holding the most bytes, per type.
    public let largestKeyPrefixes: [KeyPrefix]
    /// `memory` or `serialized`: what `bytes` means.
    public let sizeMetric: String?
    public let totalMemoryBytes: UInt64?
    public let totalSerializedBytes: UInt64?
    public let databases: [Database]?
    public let expiry: Expiry?
    public let files: [File]?
    public let warnings: [String]?
    /// The whole report as JSON, the extras included.
    public let raw: JSONValue

    public struct TypeBytes: Codable, Equatable, Sendable {
        public let type: String
        public let bytes: UInt64
    }

    public struct TypeNum: Codable, Equatable, Sendable {
        public let type: String
        public let num: UInt64
    }

    public struct LargestKey: Codable, Equatable, Sendable {
        /// The key (non-UTF-8 bytes escaped; then `keyHex` has the exact bytes).
        public let key: String
        public let keyHex: String?
        public let type: String
        public let bytes: UInt64
        /// Elements (fields, members, list entries; 1 for a string).
        public let numOfElem: UInt64?
        public let db: Int?
        public let encoding: String?
        public let memoryBytes: UInt64?
        public let serializedBytes: UInt64?
        /// Expiry as Unix milliseconds, if the key has a TTL.
        public let expireAtMs: Int64?
        /// The RDB file it came from (for tar inputs with several files).
        public let file: String?

        enum CodingKeys: String, CodingKey {
            case key, type, bytes, db, encoding, file
            case keyHex = "key_hex"
            case numOfElem = "num_of_elem"
            case memoryBytes = "memory_bytes"
            case serializedBytes = "serialized_bytes"
            case expireAtMs = "expire_at_ms"
        }
    }

    public struct KeyPrefix: Codable, Equatable, Sendable {
        public let keyPrefix: String
        public let keyPrefixHex: String?
        public let type: String
        public let bytes: UInt64
        public let num: UInt64

        enum CodingKeys: String, CodingKey {
            case type, bytes, num
            case keyPrefix = "key_prefix"
            case keyPrefixHex = "key_prefix_hex"
        }
    }

    public struct Database: Codable, Equatable, Sendable {
        public let db: Int
        public let keys: UInt64
        public let bytes: UInt64
        public let keysWithTtl: UInt64?

        enum CodingKeys: String, CodingKey {
            case db, keys, bytes
            case keysWithTtl = "keys_with_ttl"
        }
    }

    public struct Expiry: Codable, Equatable, Sendable {
        public let nowMs: Int64?
        public let keysWithTtl: UInt64
        public let expired: UInt64
        public let noTtl: UInt64

        enum CodingKeys: String, CodingKey {
            case expired
            case nowMs = "now_ms"
            case keysWithTtl = "keys_with_ttl"
            case noTtl = "no_ttl"
        }
    }

    public struct File: Codable, Equatable, Sendable {
        public let name: String
        public let rdbVersion: Int?
        public let bytes: UInt64?
        public let keys: UInt64?
        public let error: String?

        enum CodingKeys: String, CodingKey {
            case name, bytes, keys, error
            case rdbVersion = "rdb_version"
        }
    }

    enum CodingKeys: String, CodingKey {
        case totalBytes = "total_bytes"
        case totalNum = "total_num"
        case typeBytes = "type_bytes"
        case typeNum = "type_num"
        case largestKeys = "largest_keys"
        case largestKeyPrefixes = "largest_key_prefixes"
        case sizeMetric = "size_metric"
        case totalMemoryBytes = "total_memory_bytes"
        case totalSerializedBytes = "total_serialized_bytes"
        case databases, expiry, files, warnings
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        totalBytes = try c.decode(UInt64.self, forKey: .totalBytes)
        totalNum = try c.decode(UInt64.self, forKey: .totalNum)
        typeBytes = try c.decode([TypeBytes].self, forKey: .typeBytes)
        typeNum = try c.decode([TypeNum].self, forKey: .typeNum)
        largestKeys = try c.decode([LargestKey].self, forKey: .largestKeys)
        largestKeyPrefixes = try c.decode([KeyPrefix].self, forKey: .largestKeyPrefixes)
        sizeMetric = try c.decodeIfPresent(String.self, forKey: .sizeMetric)
        totalMemoryBytes = try c.decodeIfPresent(UInt64.self, forKey: .totalMemoryBytes)
        totalSerializedBytes = try c.decodeIfPresent(UInt64.self, forKey: .totalSerializedBytes)
        databases = try c.decodeIfPresent([Database].self, forKey: .databases)
        expiry = try c.decodeIfPresent(Expiry.self, forKey: .expiry)
        files = try c.decodeIfPresent([File].self, forKey: .files)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings)
        raw = try JSONValue(from: decoder)
    }

    /// A report from its JSON (what `dcskit analyze --format json` prints).
    public static func decode(_ json: String) throws -> Report {
        do {
            return try DcsJSON.decode(Report.self, from: json)
        } catch let e as DecodingError {
            throw DcsError.decode(message: "report: \(DcsError.wrap(e).message)")
        }
    }

    /// Bytes of one type (`string`, `hash`, ...), 0 when absent.
    public func bytes(ofType type: String) -> UInt64 { typeBytes.first { $0.type == type }?.bytes ?? 0 }
    /// Keys of one type, 0 when absent.
    public func num(ofType type: String) -> UInt64 { typeNum.first { $0.type == type }?.num ?? 0 }
}
