import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import PullThrough
import Registry

/// `GET /v2/<name>/tags/list`, with `n` and `last` passed to the upstream.
struct TagListResponder: Sendable {
    let cache: PullThroughCache

    func respond(_ name: RepositoryName, request: Request, upstream: UpstreamTarget) async throws -> Response {
        let parameters = request.uri.queryParameters
        let limit = parameters["n"].flatMap { Int(String($0)) }
        let last = parameters["last"].map { String($0) }
        var query: [String] = []
        if let limit { query.append("n=\(limit)") }
        if let last, let encoded = last.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { query.append("last=\(encoded)") }
        let list = try await cache.tagList(name, query: query.isEmpty ? nil : query.joined(separator: "&"), limit: limit, last: last, from: upstream)
        var headers = RegistryHeaders.json
        if let link = list.link { headers[RegistryHeaders.link] = link }
        headers[.contentLength] = String(list.body.count)
        return Response(status: .ok, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: ByteBuffer(bytes: list.body)))
    }
}
