import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Registry

extension UpstreamClient {
    /// Fetches (or, with `headOnly`, checks) a manifest.
    public func manifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: String,
        headOnly: Bool
    ) async throws(UpstreamError) -> UpstreamManifest {
        let remote = configuration.upstreamName(name)
        let response = try await perform(
            headOnly ? .HEAD : .GET,
            path: "\(remote)/manifests/\(reference)",
            scope: remote,
            headers: [("Accept", accept)],
            timeout: Self.shortRequestTimeout
        )
        try await checkStatus(response, what: "manifest \(name):\(reference)")
        let contentLength = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        if let contentLength, contentLength > Self.maximumManifestBytes {
            throw UpstreamError(.badResponse, "manifest \(name):\(reference) is \(contentLength) bytes; the limit is \(Self.maximumManifestBytes)")
        }
        var bytes: [UInt8] = []
        if !headOnly {
            do {
                let buffer = try await response.body.collect(upTo: Int(Self.maximumManifestBytes))
                bytes = Array(buffer.readableBytesView)
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw UpstreamError(.badResponse, "manifest \(name):\(reference) exceeds \(Self.maximumManifestBytes) bytes")
            } catch {
                throw Self.transportError(error, what: "manifest \(name):\(reference)")
            }
        }
        let digest = response.headers.first(name: "Docker-Content-Digest").flatMap { try? Digest(parsing: $0) }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        return UpstreamManifest(bytes: bytes, contentType: contentType, digest: digest, contentLength: contentLength)
    }
}
