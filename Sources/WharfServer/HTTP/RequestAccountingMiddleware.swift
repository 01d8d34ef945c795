import Foundation
import Hummingbird
import HTTPTypes
import Logging
import Registry

/// The outermost middleware: renders any error as the OCI JSON error, then counts the
/// answer (metrics, the status page's cache counts and failed requests) and logs one line.
struct RequestAccountingMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    let metrics: RequestMetrics
    let activity: ServerActivity
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let rendered = RegistryError.rendering(error)
            if rendered.code == .internalError {
                logger.error("request failed", metadata: ["path": "\(request.uri.path.prefix(300))", "error": "\(error)"])
            }
            remember(rendered, request: request)
            response = rendered.response(includeBody: request.method != .head)
        }
        record(request, response: response, context: context, duration: ContinuousClock.now - started)
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

    /// Counts a manifest or blob answer for its repository and the client's identity.
    private func recordImage(_ request: Request, response: Response, context: Context, bytes: Int64?, cache: CacheAnswer?) {
        guard response.status.code < 400, let route = try? RegistryRoute(path: request.uri.path) else { return }
        let repository: RepositoryName
        let isManifest: Bool
        switch route {
        case .manifest(let name, _): (repository, isManifest) = (name, true)
        case .blob(let name, _): (repository, isManifest) = (name, false)
        default: return
        }
        activity.images.record(
            repository: repository.value,
            client: context.admitted.name,
            isManifest: isManifest && request.method == .get,
            bytes: request.method == .head ? nil : bytes,
            cache: cache
        )
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
    private func record(_ request: Request, response: Response, context: Context, duration: Duration) {
        let cache = CacheAnswer(header: response.headers[RegistryHeaders.cache])
        let length = response.headers[.contentLength]
        if let cache { activity.recordCacheAnswer(cache) }
        recordImage(request, response: response, context: context, bytes: length.flatMap(Int64.init), cache: cache)
        metrics.record(
            route: Self.routeLabel(request.uri.path),
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
            "client": "\(context.clientAddress)",
        ]
        if let client = context.admitted.name { metadata["user"] = "\(client.prefix(200))" }
        if let method = context.admitted.method { metadata["auth"] = "\(method.rawValue)" }
        if let query = request.uri.query, !query.isEmpty { metadata["query"] = "\(query.prefix(200))" }
        if let cache { metadata["cache"] = "\(cache.rawValue)" }
        logger.info("request", metadata: metadata)
    }
}
