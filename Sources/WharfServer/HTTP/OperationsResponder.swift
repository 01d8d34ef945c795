import Hummingbird
import Registry

/// The `http.debug.addr` listener: only the status page and the operations endpoints, without auth.
struct OperationsResponder: HTTPResponder {
    typealias Context = WharfRequestContext

    let endpoints: OperationsEndpoints

    func respond(to request: Request, context: Context) async throws -> Response {
        await endpoints.respond(path: request.uri.path, isHead: request.method == .head)
            ?? RegistryError(.notFound, "this listener serves /, /metrics, /healthz and /readyz").response(includeBody: request.method != .head)
    }
}
