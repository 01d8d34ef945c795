import Certificates
import HtpasswdAuth
import Hummingbird
import HTTPTypes
import Metrics
import Registry
import WharfMetrics

/// Admits requests to the API (and the operations pages on this listener) from a trusted network,
/// with a verified client certificate that is not revoked, or with valid htpasswd credentials:
/// 401 with the challenge otherwise, 403 for a revoked certificate, 429 while a guesser is limited.
/// Paths outside the API pass through: they answer 404 to anyone.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    /// `auth.htpasswd`; nil when passwords are not accepted.
    let authenticator: HtpasswdAuthenticator?
    /// `auth.clientcert`; nil when certificates do not admit.
    var certificates: ClientCertificateGate?
    /// `auth.trustednetworks`.
    var trustedNetworks: [IPNetwork] = []
    /// The counters, made once rather than looked up through the metrics factory per request.
    let failures = Counter(label: WharfMetric.authFailures.name)
    let rateLimited = Counter(label: WharfMetric.authRateLimited.name)
    let admittedBy = Dictionary(
        uniqueKeysWithValues: AdmittedClient.Method.allCases.map { method in
            (method, Counter(label: WharfMetric.authAdmitted.name, dimensions: [(WharfMetric.Label.method, method.rawValue)]))
        }
    )

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v2") || OperationsEndpoints.protectedPaths.contains(path) else {
            return try await next(request, context)
        }
        if let network = trustedNetworks.first(where: { $0.contains(context.clientAddress) }) {
            return try await admit(request, context, as: network.description, method: .network, next: next)
        }
        if let certificates {
            switch await certificates.check(context.channel) {
            case .verified(let identity):
                return try await admit(request, context, as: identity.name, method: .certificate, next: next)
            case .revoked(let identity):
                failures.increment()
                context.admitted.record(identity.name, method: .certificate)
                throw RegistryError(.denied, "the client certificate \(identity.serialHex) is revoked")
            case .none:
                break
            }
        }
        guard let authenticator else {
            return RegistryError(.unauthorized, "a client certificate is required").response(includeBody: request.method != .head)
        }
        let authorization = request.headers[.authorization]
        switch await authenticator.authenticate(authorization: authorization, clientAddress: context.clientAddress) {
        case .allowed(let user):
            return try await admit(request, context, as: user, method: .password, next: next)
        case .denied:
            if authorization != nil { failures.increment() }
            var response = RegistryError(.unauthorized, "authentication required").response(includeBody: request.method != .head)
            response.headers[.wwwAuthenticate] = authenticator.challenge
            return response
        case .rateLimited(let retryAfter):
            rateLimited.increment()
            throw RegistryError(.tooManyRequests, "too many failed sign-ins; try again later", retryAfter: retryAfter)
        }
    }

    private func admit(
        _ request: Request,
        _ context: Context,
        as name: String,
        method: AdmittedClient.Method,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        context.admitted.record(name, method: method)
        admittedBy[method]?.increment()
        return try await next(request, context)
    }
}
