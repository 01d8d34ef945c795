import NIOCore

/// A stored blob opened for reading, with its size at opening.
///
/// It stays readable when the blob is removed meanwhile, so a response that has opened a
/// blob completes even if eviction removes it.
public struct StoredBlob: Sendable {
    /// The blob's size in bytes.
    public let size: Int64
    /// Positional reads of the bytes.
    public let reader: any BlobReader
    private let presign: (@Sendable () -> String)?

    /// - Parameter presign: makes the URL of ``redirectURL``, when the store offers one and
    ///   redirects are enabled; called only when a response asks for it.
    public init(size: Int64, reader: any BlobReader, presign: (@Sendable () -> String)? = nil) {
        self.size = size
        self.reader = reader
        self.presign = presign
    }

    /// A URL the client may fetch the bytes from itself (a presigned object-store URL), when
    /// the store offers one and redirects are enabled; made (signed) on each call.
    public var redirectURL: String? { presign?() }

    /// How the bytes can reach a client: as a file region the kernel copies to the socket
    /// (`sendfile(2)`), or only as buffers read into memory.
    public var delivery: BlobDelivery { reader.delivery }

    /// A region of the underlying file for `range`, when ``delivery`` is `.fileRegion`; the
    /// region owns its own file handle, which the writer closes once it is sent.
    public func fileRegion(_ range: Range<Int64>) throws -> FileRegion? {
        try reader.fileRegion(range)
    }

    /// A relay of `range` on `eventLoop`, when ``delivery`` is `.relay` and the reader can read
    /// on that loop; `nil` otherwise (stream it).
    public func relay(_ range: Range<Int64>, on eventLoop: any EventLoop) -> BlobRelayStart? {
        reader.relay(range, on: eventLoop)
    }

    /// Streams `range` (the whole blob by default) in chunks to `write`.
    public func stream(range: Range<Int64>? = nil, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        try await reader.stream(range ?? 0..<size, chunkSize: chunkSize, to: write)
    }
}

/// How a blob's bytes can be sent.
public enum BlobDelivery: Sendable, Equatable {
    /// A local file: the HTTP layer may hand a region of it to the kernel.
    case fileRegion
    /// An object store whose bytes can be relayed to a connection on the event loop that
    /// reads them (``BlobRelayStart``), or streamed as buffers.
    case relay
    /// Buffers only (a download in progress elsewhere).
    case buffers
}

/// Starts relaying a blob's bytes: each piece goes to `write` on the event loop the relay was
/// made for, and the next is read once the future `write` returned has completed.
public typealias BlobRelayStart = @Sendable (_ write: @escaping @Sendable (ByteBuffer) -> EventLoopFuture<Void>) -> BlobRelay

/// A relay under way.
public struct BlobRelay: Sendable {
    /// Succeeds once every byte was written; fails with a ``StoreError`` when the store failed,
    /// or with the writer's own error.
    public let done: EventLoopFuture<Void>
    /// Stops it; ``done`` fails.
    public let cancel: @Sendable () -> Void

    public init(done: EventLoopFuture<Void>, cancel: @escaping @Sendable () -> Void) {
        self.done = done
        self.cancel = cancel
    }
}

/// Positional reads of one blob's bytes (a stored blob, or a download still being written).
public protocol BlobReader: Sendable, CustomStringConvertible {
    /// Reads up to `length` bytes at `offset`; fewer only at the end of what exists.
    func read(at offset: Int64, length: Int) async throws -> ByteBuffer

    /// How the bytes can be sent.
    var delivery: BlobDelivery { get }

    /// A file region for `range`, when the reader is a local file.
    func fileRegion(_ range: Range<Int64>) throws -> FileRegion?

    /// A relay of `range` on `eventLoop`, when the reader is an object store that can read there.
    func relay(_ range: Range<Int64>, on eventLoop: any EventLoop) -> BlobRelayStart?

    /// Streams `range` to `write`; by positional reads unless the reader has a better way
    /// (an object store answers one ranged GET, streamed).
    func stream(_ range: Range<Int64>, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws
}

extension BlobReader {
    public var delivery: BlobDelivery { .buffers }
    public func fileRegion(_ range: Range<Int64>) throws -> FileRegion? { nil }
    public func relay(_ range: Range<Int64>, on eventLoop: any EventLoop) -> BlobRelayStart? { nil }

    public func stream(_ range: Range<Int64>, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let buffer = try await read(at: offset, length: Int(min(Int64(chunkSize), range.upperBound - offset)))
            guard buffer.readableBytes > 0 else { throw StoreError.io(description, "blob shrank while being read") }
            offset += Int64(buffer.readableBytes)
            try await write(buffer)
        }
    }
}
