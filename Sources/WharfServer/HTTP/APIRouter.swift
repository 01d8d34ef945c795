import HtpasswdAuth
import Hummingbird
import HTTPTypes
import Logging
import PullThrough
import Registry

/// The main listener's responder chain, on Hummingbird's router:
///
///     /healthz, /readyz                      operations, never authenticated nor logged
///     RequestAccountingMiddleware            errors as OCI JSON, metrics, status page, request log
///     AuthenticationMiddleware               /v2/... and the operations pages: trusted networks,
///                                            client certificates, htpasswd
///     /, /metrics                            operations (unless on http.debug.addr)
///     /v2, /v2/**                            RegistryResponder: manifests, blobs, tag lists
enum APIRouter {
    /// The methods routed to the registry, so that any write answers 405 `UNSUPPORTED`.
    static let registryMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    static func make(
        registry: RegistryResponder,
        authentication: AuthenticationMiddleware?,
        operations: OperationsEndpoints?,
        accounting: RequestAccountingMiddleware
    ) -> Router<WharfRequestContext> {
        let router = Router(context: WharfRequestContext.self)
        if let operations {
            for path in ["/healthz", "/readyz"] { addOperation(path, operations, to: router) }
        }
        router.add(middleware: accounting)
        if let authentication { router.add(middleware: authentication) }
        if let operations {
            for path in OperationsEndpoints.protectedPaths.sorted() { addOperation(path, operations, to: router) }
        }
        for method in registryMethods {
            router.on("/v2", method: method, responder: registry)
            router.on("/v2/**", method: method, responder: registry)
        }
        return router
    }

    private static func addOperation(_ path: String, _ operations: OperationsEndpoints, to router: Router<WharfRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on(RouterPath(path), method: method) { request, _ in
                guard let answer = await operations.respond(path: path, isHead: request.method == .head) else {
                    throw RegistryError(.notFound, "no such endpoint")
                }
                return answer
            }
        }
    }
}
