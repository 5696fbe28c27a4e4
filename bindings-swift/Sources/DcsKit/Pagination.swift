import Foundation

/// The pages of a list operation as an `AsyncSequence`: `for try await page in client.listInstancesPages(req)`.
/// The core's paginator (offset, page or marker style) decides what to fetch next and when
/// to stop; each page is one call, with the options' deadline.
public struct DcsPages<Page: Decodable>: AsyncSequence {
    public typealias Element = Page
    let client: DcsClient
    let operation: String
    let input: Result<String, Error>
    let options: CallOptions

    public func makeAsyncIterator() -> Iterator {
        Iterator(source: PaginatorSource(client: client, operation: operation, input: input, options: options))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let source: PaginatorSource

        public mutating func next() async throws -> Page? {
            guard let json = try await source.next(items: false) else { return nil }
            return try dcsErrorsSync { try DcsClient.decodeResponse(source.operation, json, as: Page.self, wrapped: false) }
        }
    }

    /// Every page, collected (for short lists).
    public func collect() async throws -> [Page] {
        var out: [Page] = []
        for try await p in self { out.append(p) }
        return out
    }
}

/// The items of a list operation, across pages, as an `AsyncSequence`.
public struct DcsItems<Item: Decodable>: AsyncSequence {
    public typealias Element = Item
    let client: DcsClient
    let operation: String
    let input: Result<String, Error>
    let options: CallOptions

    public func makeAsyncIterator() -> Iterator {
        Iterator(source: PaginatorSource(client: client, operation: operation, input: input, options: options))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let source: PaginatorSource

        public mutating func next() async throws -> Item? {
            guard let json = try await source.next(items: true) else { return nil }
            return try dcsErrorsSync {
                do { return try DcsJSON.decode(Item.self, from: json) } catch let e as DecodingError {
                    throw DcsError.decode(message: "\(source.operation): item does not match the spec: \(DcsError.wrap(e).message)")
                }
            }
        }
    }

    /// Every item, collected (for short lists).
    public func collect() async throws -> [Item] {
        var out: [Item] = []
        for try await i in self { out.append(i) }
        return out
    }
}

/// One native paginator, created at the first fetch (a class: iterators are copied around).
final class PaginatorSource: @unchecked Sendable {
    let client: DcsClient
    let operation: String
    let input: Result<String, Error>
    let options: CallOptions
    private var paginator: NativePaginator?
    private var finished = false

    init(client: DcsClient, operation: String, input: Result<String, Error>, options: CallOptions) {
        self.client = client
        self.operation = operation
        self.input = input
        self.options = options
    }

    func next(items: Bool) async throws -> String? {
        if finished { return nil }
        return try await dcsErrors {
            do {
                if paginator == nil {
                    paginator = try client.native.paginate(operation: operation, inputJson: try input.get())
                }
                let p = paginator!
                let timeout = client.timeout(options)
                let out = try await withCancelToken { token -> String? in
                    if items { return try await p.nextItem(timeout: timeout, cancel: token) }
                    return try await p.nextPage(timeout: timeout, cancel: token)
                }
                if out == nil { finished = true }
                return out
            } catch {
                finished = true
                throw error
            }
        }
    }
}
