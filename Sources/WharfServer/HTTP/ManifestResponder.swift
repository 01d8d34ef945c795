import Hummingbird
import HTTPTypes
import NIOCore
import PullThrough
import Registry

/// `GET`/`HEAD /v2/<name>/manifests/<reference>`, with `ETag` and `If-None-Match` (304).
struct ManifestResponder: Sendable {
    let cache: PullThroughCache

    func respond(_ name: RepositoryName, _ reference: Reference, request: Request, upstream: UpstreamTarget) async throws -> Response {
        let accept = AcceptHeader(request.headers[values: .accept])
        let answer = try await cache.manifest(name, reference, accept: accept, from: upstream)
        let etag = "\"\(answer.digest)\""
        var headers: HTTPFields = [
            .contentType: answer.mediaType,
            RegistryHeaders.contentDigest: answer.digest.description,
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
            .eTag: etag,
            .contentLength: String(answer.size),
            RegistryHeaders.cache: (answer.stale ? CacheAnswer.stale : answer.fromCache ? .hit : .miss).rawValue,
        ]
        if request.headers[values: .ifNoneMatch].contains(where: { $0 == etag || $0 == answer.digest.description }) {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        guard request.method != .head else { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.bytes)))
    }
}
