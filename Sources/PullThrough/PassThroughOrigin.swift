import AsyncHTTPClient
import Metrics
import NIOCore
import Registry
import Storage
import Upstream
import WharfMetrics

/// Where the clients of a download the store could not take get the blob instead: each its
/// own upstream stream, hashed as it passes, with nothing stored.
struct PassThroughOrigin: Sendable {
    let digest: Digest
    /// The size the upstream announced to the download, if any.
    let expectedSize: Int64?
    let open: @Sendable () async throws(UpstreamError) -> UpstreamBlob

    /// Streams bytes `offset..<end` (to the blob's end when `end` is `nil`) of a fresh upstream
    /// copy to `write`. The whole blob is read and hashed, and the last chunk is held back until
    /// it matched the digest, so a client whose connection ends normally got verified content.
    /// - Throws: ``RegistryError``; the caller must cut the connection.
    func stream(from offset: Int64, to end: Int64?, to write: (ByteBuffer) async throws -> Void) async throws {
        let response: UpstreamBlob
        do {
            response = try await open()
        } catch {
            throw error.registryError(notFound: .blobUnknown)
        }
        var hasher = ContentHasher(digest.algorithm)
        var position: Int64 = 0
        var held: ByteBuffer?
        do {
            for try await chunk in response.body {
                hasher.update(chunk)
                let chunkStart = position
                position += Int64(chunk.readableBytes)
                if let limit = expectedSize ?? response.contentLength, position > limit {
                    throw RegistryError(.badGateway, "upstream sent more than the \(limit) bytes it announced for \(digest)")
                }
                let from = max(offset, chunkStart)
                let to = min(end ?? position, position)
                guard from < to else { continue }
                if let held { try await write(held) }
                held = chunk.getSlice(at: chunk.readerIndex + Int(from - chunkStart), length: Int(to - from))
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.upstreamUnavailable, "streaming \(digest) from the upstream failed: \(error)")
        }
        guard hasher.finalize() == digest else {
            Counter(label: WharfMetric.verificationFailures.name).increment()
            throw RegistryError(.badGateway, "upstream sent wrong content for \(digest); the client is cut off")
        }
        if let held { try await write(held) }
    }
}
