import Foundation
import HtpasswdAuth
import Hummingbird
import HTTPTypes
import Logging
import Metrics
import NIOCore
import PullThrough
import Registry
import Storage

/// Answers the pull side of the distribution API; everything that writes gets 405 `UNSUPPORTED`.
struct RegistryHandler: HTTPResponder {
    typealias Context = WharfRequestContext

    let cache: PullThroughCache
    let upstreams: UpstreamTable
    /// When set, every `/v2/` route (and `/metrics` on this listener) needs valid credentials.
    let authenticator: HtpasswdAuthenticator?
    /// `/`, `/metrics`, `/healthz`, `/readyz`; `nil` when they are served on `http.debug.addr` instead.
    let operations: OperationsEndpoints?
    /// Cache answers and failed requests, for the status page.
    let activity: ServerActivity
    /// Whether the listener is plaintext HTTP/1.1, whose pipelines have a ``SendfileHandler``.
    let sendsFiles: Bool
    /// Requests, durations, bytes and cache answers for `/metrics`.
    let metrics = RequestMetrics()
    let logger: Logger
    /// Bytes read from a file per write to the client.
    static let chunkSize = 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let isHead = request.method == .head
        var response: Response
        let path = request.uri.path
        if let operations, path == "/healthz" || path == "/readyz", let answer = operations.respond(path: path, isHead: isHead) {
            return answer
        }
        do {
            if let refusal = await authenticate(request, client: context.clientAddress) {
                response = refusal
            } else if let operations, OperationsEndpoints.protectedPaths.contains(path), let answer = operations.respond(path: path, isHead: isHead) {
                response = answer
            } else {
                response = try await route(request, isHead: isHead, channel: context.channel)
            }
        } catch let error as RegistryError {
            response = error.response(includeBody: !isHead)
            remember(error, request: request)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            let internalError = RegistryError(.internalError, "internal error")
            response = internalError.response(includeBody: !isHead)
            remember(internalError, request: request)
        }
        logRequest(request, response: response, client: context.clientAddress, duration: ContinuousClock.now - started)
        return response
    }

    /// A bounded label for metrics: the kind of route, never the repository name.
    static func routeLabel(_ path: String) -> String {
        if path == "/v2/" || path == "/v2" { return "base" }
        if path.contains("/manifests/") { return "manifest" }
        if path.contains("/blobs/") { return "blob" }
        if path.hasSuffix("/tags/list") { return "tags" }
        if path == "/metrics" { return "metrics" }
        return "other"
    }

    /// The 401 or 429 answer for a request that may not pass; `nil` when it may.
    private func authenticate(_ request: Request, client: String) async -> Response? {
        guard let authenticator, request.uri.path.hasPrefix("/v2") || OperationsEndpoints.protectedPaths.contains(request.uri.path) else { return nil }
        switch await authenticator.authenticate(authorization: request.headers[.authorization], clientAddress: client) {
        case .allowed:
            return nil
        case .denied:
            if request.headers[.authorization] != nil { Counter(label: "wharf_auth_failures_total").increment() }
            var response = RegistryError(.unauthorized, "authentication required").response(includeBody: request.method != .head)
            response.headers[.wwwAuthenticate] = authenticator.challenge
            return response
        case .rateLimited(let retryAfter):
            Counter(label: "wharf_auth_rate_limited_total").increment()
            return RegistryError(.tooManyRequests, "too many failed sign-ins; try again later", retryAfter: retryAfter)
                .response(includeBody: request.method != .head)
        }
    }

    /// Keeps a failed request for the status page.
    private func remember(_ error: RegistryError, request: Request) {
        let status = error.code.status
        guard ServerActivity.isWorthShowing(status: status) else { return }
        activity.recordError(
            .init(date: Date(), method: request.method.rawValue, path: String(request.uri.path.prefix(200)), status: status, message: String(error.message.prefix(300)))
        )
    }

    /// One line per request (never headers: they may carry credentials), and its metrics.
    private func logRequest(_ request: Request, response: Response, client: String, duration: Duration) {
        let route = Self.routeLabel(request.uri.path)
        let cache = response.headers[RegistryHeaders.cache]
        let length = response.headers[.contentLength]
        if let cache { activity.recordCacheAnswer(cache) }
        metrics.record(
            route: route,
            status: response.status.code,
            duration: duration,
            bodyBytes: request.method == .head ? nil : length.flatMap(Int64.init),
            cache: cache
        )
        guard logger.logLevel <= .info else { return }
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path.prefix(300))",
            "status": "\(response.status.code)",
            "bytes": "\(length ?? "-")",
            "ms": "\(Int(milliseconds.rounded()))",
            "client": "\(client)",
        ]
        if let query = request.uri.query, !query.isEmpty { metadata["query"] = "\(query.prefix(200))" }
        if let cache { metadata["cache"] = "\(cache)" }
        logger.info("request", metadata: metadata)
    }

    private func route(_ request: Request, isHead: Bool, channel: any Channel) async throws -> Response {
        let upstream: UpstreamTarget
        let path: String
        switch upstreams.select(namespace: request.uri.queryParameters["ns"].map(String.init), path: request.uri.path) {
        case .upstream(let selected, let rest):
            upstream = selected
            path = rest
        case .unknownNamespace(let namespace):
            throw RegistryError(.nameUnknown, "no upstream is configured for registry \(namespace.prefix(100))")
        }
        guard let route = try RegistryRoute(path: path) else {
            throw RegistryError(.notFound, "no such endpoint: \(path.prefix(100))")
        }
        guard request.method == .get || isHead else {
            throw RegistryError(.unsupported, "Wharf is a read-only mirror; \(request.method.rawValue) is not supported")
        }
        switch route {
        case .base:
            return Response(status: .ok, headers: jsonHeaders(), body: isHead ? .init() : .init(byteBuffer: ByteBuffer(string: "{}")))
        case .manifest(let name, let reference):
            return try await manifest(name, reference, request: request, isHead: isHead, upstream: upstream)
        case .blob(let name, let digest):
            return try await blob(name, digest, request: request, isHead: isHead, upstream: upstream, channel: channel)
        case .tagsList(let name):
            return try await tagList(name, request: request, isHead: isHead, upstream: upstream)
        case .upload:
            throw RegistryError(.unsupported, "Wharf is a read-only mirror; pushing is not supported")
        case .catalog:
            throw RegistryError(.unsupported, "the catalog is not offered by a mirror")
        }
    }

    // MARK: Manifests

    private func manifest(_ name: RepositoryName, _ reference: Reference, request: Request, isHead: Bool, upstream: UpstreamTarget) async throws -> Response {
        let accept = AcceptHeader(request.headers[values: .accept])
        let answer = try await cache.manifest(name, reference, accept: accept, from: upstream)
        let etag = "\"\(answer.digest)\""
        var headers: HTTPFields = [
            .contentType: answer.mediaType,
            RegistryHeaders.contentDigest: answer.digest.description,
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
            .eTag: etag,
            .contentLength: String(answer.size),
            RegistryHeaders.cache: answer.stale ? "stale" : answer.fromCache ? "hit" : "miss",
        ]
        if request.headers[values: .ifNoneMatch].contains(where: { $0 == etag || $0 == answer.digest.description }) {
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        guard !isHead else { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.bytes)))
    }

    // MARK: Blobs

    private func blob(_ name: RepositoryName, _ digest: Digest, request: Request, isHead: Bool, upstream: UpstreamTarget, channel: any Channel) async throws -> Response {
        let source = try await cache.blob(name, digest, from: upstream)
        var headers: HTTPFields = [
            RegistryHeaders.cache: source.isStored ? "hit" : "miss",
            .contentType: "application/octet-stream",
            RegistryHeaders.contentDigest: digest.description,
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
            .eTag: "\"\(digest)\"",
        ]
        let size = source.size
        var range: Range<Int64>?
        if let size {
            headers[.acceptRanges] = "bytes"
            if let header = request.headers[.range], let requested = ByteRange(header: header) {
                guard let resolved = requested.resolve(size: size) else {
                    var error = RegistryError(.rangeNotSatisfiable, "range \(header.prefix(60)) is outside the blob's \(size) bytes").response()
                    error.headers[.contentRange] = "bytes */\(size)"
                    return error
                }
                range = resolved
                headers[.contentRange] = "bytes \(resolved.lowerBound)-\(resolved.upperBound - 1)/\(size)"
            }
        }
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        let length = range.map { $0.upperBound - $0.lowerBound } ?? size
        if isHead {
            if let length { headers[.contentLength] = String(length) }
            return Response(status: status, headers: headers)
        }
        let selected = range
        let body = ResponseBody(contentLength: length.map { Int($0) }) { writer in
            if sendsFiles, case .stored(let file) = source, let sendfile = try? await channel.pipeline.handler(type: SendfileHandler.self).get() {
                let duplicate = dup(file.file.descriptor)
                guard duplicate >= 0 else { throw RegistryError(.internalError, "cannot duplicate the descriptor of \(digest)") }
                try await writer.write(sendfile.enqueue(descriptor: duplicate, range: selected ?? 0..<file.size))
            } else {
                try await source.stream(range: selected, chunkSize: Self.chunkSize) { buffer in
                    try await writer.write(buffer)
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    // MARK: Tags

    private func tagList(_ name: RepositoryName, request: Request, isHead: Bool, upstream: UpstreamTarget) async throws -> Response {
        let parameters = request.uri.queryParameters
        let limit = parameters["n"].flatMap { Int(String($0)) }
        let last = parameters["last"].map { String($0) }
        var query: [String] = []
        if let limit { query.append("n=\(limit)") }
        if let last, let encoded = last.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { query.append("last=\(encoded)") }
        let list = try await cache.tagList(name, query: query.isEmpty ? nil : query.joined(separator: "&"), limit: limit, last: last, from: upstream)
        var headers = jsonHeaders()
        if let link = list.link { headers[RegistryHeaders.link] = link }
        headers[.contentLength] = String(list.body.count)
        return Response(status: .ok, headers: headers, body: isHead ? .init() : .init(byteBuffer: ByteBuffer(bytes: list.body)))
    }

    private func jsonHeaders() -> HTTPFields {
        [.contentType: "application/json; charset=utf-8", RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue]
    }
}
