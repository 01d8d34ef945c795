import NIOCore
import Registry

/// One blob being stored: bytes are appended while they are hashed, and the blob becomes
/// visible under its digest only when ``commit(expectedSize:)`` finds that they match.
///
/// Used by one task at a time (the download); readers follow it through ``openFollower()``.
public protocol BlobUpload: AnyObject {
    /// The digest the content must hash to.
    var expected: Digest { get }
    /// Bytes appended so far.
    var bytesWritten: Int64 { get }

    /// Appends a chunk to the content and the hash.
    func append(_ buffer: ByteBuffer) async throws

    /// Verifies the hash (and the announced size) and makes the blob visible under its digest.
    /// - Throws: ``StoreError`` on a mismatch, after discarding everything written.
    func commit(expectedSize: Int64?) async throws

    /// Discards everything written; nothing is stored.
    func abandon() async

    /// A reader of the bytes appended so far, for clients that follow the download; it stays
    /// readable after the commit. Callers never read past ``bytesWritten``.
    func openFollower() async throws -> any BlobReader
}
