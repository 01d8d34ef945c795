import AsyncHTTPClient
import NIOCore
import Registry

/// A manifest as the upstream answered it.
public struct UpstreamManifest: Sendable {
    /// The exact bytes; empty for a HEAD.
    public let bytes: [UInt8]
    /// The `Content-Type` the upstream sent (may be empty).
    public let contentType: String
    /// The `Docker-Content-Digest` the upstream sent, if valid.
    public let digest: Digest?
    /// `Content-Length`, if sent.
    public let contentLength: Int64?
}

/// A blob response whose body is still streaming from the upstream.
public struct UpstreamBlob: Sendable {
    /// `Content-Length`, if the upstream sent one.
    public let contentLength: Int64?
    /// The body, chunk by chunk, with back-pressure.
    public let body: HTTPClientResponse.Body

    public init(contentLength: Int64?, body: HTTPClientResponse.Body) {
        self.contentLength = contentLength
        self.body = body
    }
}

/// A tags list page.
public struct UpstreamTagList: Sendable {
    public let bytes: [UInt8]
    /// The `Link` header for the next page, rewritten by the caller if needed.
    public let link: String?
}
