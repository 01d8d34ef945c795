import NIOCore
import Registry
import Storage

/// Where a blob response reads its bytes from.
public enum BlobSource: Sendable {
    /// A verified blob in the store, already open.
    case stored(StoredBlob)
    /// A download in progress, followed as it arrives.
    case downloading(DownloadFollower)

    /// Streams `range` (or all) of the blob to `write`.
    /// - Throws: when reading fails or the download fails verification; the caller must cut the connection.
    public func stream(range: Range<Int64>?, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        switch self {
        case .stored(let blob): try await blob.stream(range: range, chunkSize: chunkSize, to: write)
        case .downloading(let follower): try await follower.stream(range: range, chunkSize: chunkSize, to: write)
        }
    }

    /// A presigned URL the client may fetch a stored blob from directly, when the store offers one.
    public var redirectURL: String? {
        if case .stored(let blob) = self { return blob.redirectURL }
        return nil
    }

    /// Whether the blob was already stored (a cache hit).
    public var isStored: Bool {
        if case .stored = self { return true }
        return false
    }

    /// Whether the blob is served pass-through: streamed from the upstream, not stored.
    public var isPassThrough: Bool {
        if case .downloading(let follower) = self { return follower.isPassingThrough }
        return false
    }

    /// The blob's size, when known before the body is sent.
    public var size: Int64? {
        switch self {
        case .stored(let blob): blob.size
        case .downloading(let follower): follower.expectedSize
        }
    }

    /// A file region for `range` when the blob is stored in a local file (for `sendfile`);
    /// `nil` when it must be streamed as buffers.
    public func fileRegion(_ range: Range<Int64>) throws -> FileRegion? {
        guard case .stored(let blob) = self, blob.delivery == .fileRegion else { return nil }
        return try blob.fileRegion(range)
    }

    /// A relay of `range` on `eventLoop` when the blob is stored in an object store that can
    /// read there; `nil` when it must be streamed.
    public func relay(_ range: Range<Int64>, on eventLoop: any EventLoop) -> BlobRelayStart? {
        guard case .stored(let blob) = self, blob.delivery == .relay else { return nil }
        return blob.relay(range, on: eventLoop)
    }
}
