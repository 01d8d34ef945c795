import HtpasswdAuth
import Hummingbird
import HTTPTypes
import Metrics
import Registry
import WharfMetrics

/// Admits requests to the API (and the operations pages on this listener) only with valid
/// htpasswd credentials: 401 with the challenge otherwise, 429 while a guesser is limited.
/// Paths outside the API pass through: they answer 404 to anyone.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    let authenticator: HtpasswdAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v2") || OperationsEndpoints.protectedPaths.contains(path) else {
            return try await next(request, context)
        }
        let authorization = request.headers[.authorization]
        switch await authenticator.authenticate(authorization: authorization, clientAddress: context.clientAddress) {
        case .allowed:
            context.user = authorization.flatMap(HtpasswdAuthenticator.user(inAuthorization:))
            return try await next(request, context)
        case .denied:
            if authorization != nil { Counter(label: WharfMetric.authFailures.name).increment() }
            var response = RegistryError(.unauthorized, "authentication required").response(includeBody: request.method != .head)
            response.headers[.wwwAuthenticate] = authenticator.challenge
            return response
        case .rateLimited(let retryAfter):
            Counter(label: WharfMetric.authRateLimited.name).increment()
            throw RegistryError(.tooManyRequests, "too many failed sign-ins; try again later", retryAfter: retryAfter)
        }
    }
}
