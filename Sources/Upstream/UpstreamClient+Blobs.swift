import AsyncHTTPClient
import NIOHTTP1
import Registry

extension UpstreamClient {
    /// Starts downloading a blob; the body streams with back-pressure.
    public func blob(_ name: RepositoryName, _ digest: Digest) async throws(UpstreamError) -> UpstreamBlob {
        let remote = configuration.upstreamName(name)
        let response = try await perform(
            .GET,
            path: "\(remote)/blobs/\(digest)",
            scope: remote,
            headers: [],
            timeout: Self.blobTimeout
        )
        try await checkStatus(response, what: "blob \(digest)")
        let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        return UpstreamBlob(contentLength: length, body: response.body)
    }
}

extension UpstreamClient {
    /// Asks whether the upstream has a blob, without its body: its size, when the upstream sends one.
    public func blobSize(_ name: RepositoryName, _ digest: Digest) async throws(UpstreamError) -> Int64? {
        let remote = configuration.upstreamName(name)
        let response = try await perform(
            .HEAD,
            path: "\(remote)/blobs/\(digest)",
            scope: remote,
            headers: [],
            timeout: Self.shortRequestTimeout
        )
        try await checkStatus(response, what: "blob \(digest)")
        return response.headers.first(name: "Content-Length").flatMap { Int64($0) }
    }
}
