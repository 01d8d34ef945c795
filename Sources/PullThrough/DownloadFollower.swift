import NIOCore
import Registry
import Storage

/// Reads a download as it grows, never past what may be sent yet.
public struct DownloadFollower: Sendable {
    let download: BlobDownload
    /// The size the upstream announced, if any.
    public let expectedSize: Int64?

    /// Whether the store gave up on the download and clients stream it from the upstream.
    public var isPassingThrough: Bool {
        if case .passThrough = download.progress.phase { return true }
        return false
    }

    /// Streams bytes `range` (of the whole blob) to `write`.
    /// - Throws: ``RegistryError`` when the download fails; the caller must cut the connection.
    public func stream(
        range: Range<Int64>? = nil,
        chunkSize: Int = 256 * 1024,
        to write: (ByteBuffer) async throws -> Void
    ) async throws {
        var offset = range?.lowerBound ?? 0
        let end = range?.upperBound
        while true {
            let progress = download.progress
            if case .failed(let error) = progress.phase { throw error }
            if case .passThrough(let origin) = progress.phase {
                return try await origin.stream(from: offset, to: end, to: write)
            }
            let stored = if case .stored = progress.phase { true } else { false }
            // Hold the final byte back until the digest is verified.
            var sendable = progress.bytesWritten
            if !stored, let expected = progress.expectedSize, sendable >= expected { sendable = expected - 1 }
            if let end { sendable = min(sendable, end) }
            if offset < sendable {
                guard let reader = progress.reader else { throw RegistryError(.internalError, "download of \(download.digest) has no readable bytes") }
                if stored {
                    // Verified and complete: the rest in one stream (one ranged GET from a bucket,
                    // rather than one per chunk).
                    try await reader.stream(offset..<sendable, chunkSize: chunkSize, to: write)
                    return
                }
                let buffer: ByteBuffer
                do {
                    buffer = try await reader.read(at: offset, length: Int(min(Int64(chunkSize), sendable - offset)))
                } catch {
                    // The store gave up on the upload meanwhile: go on pass-through.
                    if isPassingThrough { continue }
                    throw error
                }
                guard buffer.readableBytes > 0 else {
                    if isPassingThrough { continue }
                    throw RegistryError(.internalError, "download of \(download.digest) was truncated")
                }
                offset += Int64(buffer.readableBytes)
                try await write(buffer)
                continue
            }
            if stored, offset >= (end ?? progress.bytesWritten) { return }
            try Task.checkCancellation()
            await download.waitForChange(from: progress)
        }
    }
}
