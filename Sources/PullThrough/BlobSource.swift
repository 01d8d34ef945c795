import NIOCore
import NIOFileSystem
import Registry
import Storage

/// Where a blob response reads its bytes from.
public enum BlobSource: Sendable {
    /// A verified blob in the store, already open.
    case stored(OpenedFile)
    /// A download in progress, followed as it arrives.
    case downloading(DownloadFollower)

    /// Streams `range` (or all) of the blob to `write`.
    /// - Throws: when reading fails or the download fails verification; the caller must cut the connection.
    public func stream(range: Range<Int64>?, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        switch self {
        case .stored(let file): try await file.stream(range: range, chunkSize: chunkSize, to: write)
        case .downloading(let follower): try await follower.stream(range: range, chunkSize: chunkSize, to: write)
        }
    }

    /// Whether the blob was already stored (a cache hit).
    public var isStored: Bool {
        if case .stored = self { return true }
        return false
    }

    /// The blob's size, when known before the body is sent.
    public var size: Int64? {
        switch self {
        case .stored(let file): file.size
        case .downloading(let follower): follower.expectedSize
        }
    }
}

/// Reads a download's temp file as it grows, never past what may be sent yet.
public struct DownloadFollower: Sendable {
    let download: BlobDownload
    let store: FilesystemStore
    /// The size the upstream announced, if any.
    public let expectedSize: Int64?

    /// Streams bytes `range` (of the whole blob) to `write`.
    /// - Throws: ``RegistryError`` when the download fails; the caller must cut the connection.
    public func stream(
        range: Range<Int64>? = nil,
        chunkSize: Int = 256 * 1024,
        to write: (ByteBuffer) async throws -> Void
    ) async throws {
        var file: OpenedFile?
        var offset = range?.lowerBound ?? 0
        let end = range?.upperBound
        while true {
            let progress = download.progress
            if case .failed(let error) = progress.phase { throw error }
            let stored = if case .stored = progress.phase { true } else { false }
            // Hold the final byte back until the digest is verified.
            var sendable = progress.bytesWritten
            if !stored, let expected = progress.expectedSize, sendable >= expected { sendable = expected - 1 }
            if let end { sendable = min(sendable, end) }
            if offset < sendable {
                if file == nil { file = try await open(progress) }
                guard let file else { throw RegistryError(.internalError, "download of \(download.digest) vanished") }
                let buffer = try await file.read(at: offset, length: Int(min(Int64(chunkSize), sendable - offset)))
                guard buffer.readableBytes > 0 else { throw RegistryError(.internalError, "download of \(download.digest) was truncated") }
                offset += Int64(buffer.readableBytes)
                try await write(buffer)
                continue
            }
            if stored, offset >= (end ?? progress.bytesWritten) { return }
            try Task.checkCancellation()
            await download.waitForChange(from: progress)
        }
    }

    /// Opens the temp file, or the stored blob when the download finished meanwhile.
    private func open(_ progress: BlobDownload.Progress) async throws -> OpenedFile {
        if let path = progress.temporaryPath, let file = try await OpenedFile.open(path.string) {
            return file
        }
        if let file = try await store.openBlob(download.digest) { return file }
        throw RegistryError(.internalError, "download of \(download.digest) is neither in progress nor stored")
    }
}
