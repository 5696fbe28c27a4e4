/// Holds a value of a type that (indirectly) contains itself, which a Swift struct cannot do
/// inline. Encodes and decodes as the value itself. The generator uses it only for such cycles.
public struct DcsIndirect<Wrapped: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    private final class Storage: Sendable {
        let value: Wrapped
        init(_ value: Wrapped) { self.value = value }
    }

    private let storage: Storage

    public init(_ value: Wrapped) { storage = Storage(value) }

    public var value: Wrapped { storage.value }

    public init(from decoder: Decoder) throws { storage = Storage(try Wrapped(from: decoder)) }

    public func encode(to encoder: Encoder) throws { try storage.value.encode(to: encoder) }

    public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
}
