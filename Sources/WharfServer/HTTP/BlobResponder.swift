import Hummingbird
import HTTPTypes
import NIOCore
import PullThrough
import Registry

/// `GET`/`HEAD /v2/<name>/blobs/<digest>`, with `Range`. On plaintext HTTP/1.1 connections a
/// stored blob goes out through the ``DirectBodyHandler``: from a local file with `sendfile`,
/// from the bucket relayed on the connection's event loop; everything else is streamed.
struct BlobResponder: Sendable {
    let cache: PullThroughCache
    /// Whether the listener is plaintext HTTP/1.1, whose pipelines have a ``DirectBodyHandler``.
    let sendsFiles: Bool
    /// Bytes read per write to the client.
    static let chunkSize = 1024 * 1024

    func respond(_ name: RepositoryName, _ digest: Digest, request: Request, context: WharfRequestContext, upstream: UpstreamTarget) async throws -> Response {
        if request.method == .head {
            let head = try await cache.blobHead(name, digest, from: upstream)
            return try answer(request, digest, size: head.size, isStored: head.isStored).head
        }
        let source = try await cache.blob(name, digest, from: upstream)
        if let location = source.redirectURL {
            // storage.redirect: the client fetches the verified object from the bucket itself.
            return Response(status: .temporaryRedirect, headers: [.location: location, RegistryHeaders.contentDigest: digest.description, RegistryHeaders.cache: CacheAnswer.hit.rawValue])
        }
        let answered = try answer(request, digest, size: source.size, isStored: source.isStored)
        var head = answered.head
        let range = answered.range
        if source.isPassThrough { head.headers[RegistryHeaders.cache] = CacheAnswer.passthrough.rawValue }
        guard head.status != .rangeNotSatisfiable else { return head }
        let size = source.size
        let length = range.map { $0.upperBound - $0.lowerBound } ?? size
        let body = ResponseBody(contentLength: length.map { Int($0) }) { [sendsFiles, range, channel = context.channel] writer in
            if sendsFiles, let size, source.isStored,
                let handler = try? await channel.pipeline.handler(type: DirectBodyHandler.self).get(),
                let direct = try Self.directBody(of: source, range ?? 0..<size, on: channel)
            {
                try await writer.write(handler.enqueue(direct))
            } else {
                try await source.stream(range: range, chunkSize: Self.chunkSize) { buffer in
                    try await writer.write(buffer)
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: head.status, headers: head.headers, body: body)
    }

    /// How the pipeline can send `range` of a stored blob itself, if it can.
    private static func directBody(of source: BlobSource, _ range: Range<Int64>, on channel: any Channel) throws -> DirectBody? {
        if let region = try source.fileRegion(range) { return .file(region) }
        return source.relay(range, on: channel.eventLoop).map { .relay($0) }
    }

    /// The response head for a blob of `size`, and the byte range asked for; a range outside
    /// the blob answers 416.
    private func answer(_ request: Request, _ digest: Digest, size: Int64?, isStored: Bool) throws -> (head: Response, range: Range<Int64>?) {
        var headers: HTTPFields = [
            RegistryHeaders.cache: (isStored ? CacheAnswer.hit : .miss).rawValue,
            .contentType: "application/octet-stream",
            RegistryHeaders.contentDigest: digest.description,
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
            .eTag: "\"\(digest)\"",
        ]
        guard let size else {
            // An upstream that sent no Content-Length: the body goes out chunked. Response's
            // empty default body would announce `Content-Length: 0`, which the real body keeps.
            var head = Response(status: .ok, headers: headers)
            head.headers[.contentLength] = nil
            return (head, nil)
        }
        headers[.acceptRanges] = "bytes"
        var range: Range<Int64>?
        if let header = request.headers[.range], let requested = ByteRange(header: header) {
            guard let resolved = requested.resolve(size: size) else {
                var error = RegistryError(.rangeNotSatisfiable, "range \(header.prefix(60)) is outside the blob's \(size) bytes").response(includeBody: request.method != .head)
                error.headers[.contentRange] = "bytes */\(size)"
                return (error, nil)
            }
            range = resolved
            headers[.contentRange] = "bytes \(resolved.lowerBound)-\(resolved.upperBound - 1)/\(size)"
        }
        let length = range.map { $0.upperBound - $0.lowerBound } ?? size
        headers[.contentLength] = String(length)
        return (Response(status: range == nil ? .ok : .partialContent, headers: headers), range)
    }
}
