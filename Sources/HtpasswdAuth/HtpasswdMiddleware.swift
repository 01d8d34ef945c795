import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Registry

/// Hummingbird middleware that admits a request only with a user and password from the htpasswd file.
///
/// A denied request gets 401 `UNAUTHORIZED` with the `WWW-Authenticate` challenge; a rate-limited
/// one 429 `TOOMANYREQUESTS` with `Retry-After`; both with the OCI JSON error body (none for HEAD).
/// An admitted request goes on with the user in the request logger's `user` metadata.
///
/// ```swift
/// router.add(middleware: HtpasswdMiddleware(authenticator: auth) { _, context in context.clientAddress })
/// ```
public struct HtpasswdMiddleware<Context: RequestContext>: RouterMiddleware {
    private let authenticator: HtpasswdAuthenticator
    private let clientAddress: @Sendable (Request, Context) -> String

    /// - Parameters:
    ///   - authenticator: decides on each request.
    ///   - clientAddress: the client's IP address, which failed attempts are counted against.
    public init(
        authenticator: HtpasswdAuthenticator,
        clientAddress: @escaping @Sendable (Request, Context) -> String
    ) {
        self.authenticator = authenticator
        self.clientAddress = clientAddress
    }

    /// Answers 401 or 429 itself, or passes the request on.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let decision = await authenticator.authenticate(
            authorization: request.headers[.authorization],
            clientAddress: clientAddress(request, context)
        )
        switch decision {
        case .allowed(let user):
            var context = context
            context.logger[metadataKey: "user"] = "\(user)"
            return try await next(request, context)
        case .denied:
            var response = Self.errorResponse(
                RegistryError(.unauthorized, "authentication required"),
                includeBody: request.method != .head
            )
            response.headers[.wwwAuthenticate] = authenticator.challenge
            return response
        case .rateLimited(let retryAfter):
            return Self.errorResponse(
                RegistryError(.tooManyRequests, "too many failed login attempts; retry later", retryAfter: retryAfter),
                includeBody: request.method != .head
            )
        }
    }

    private static func errorResponse(_ error: RegistryError, includeBody: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            HTTPField.Name("Docker-Distribution-API-Version")!: "registry/2.0",
        ]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = ByteBuffer(string: error.jsonBody)
        headers[.contentLength] = String(body.readableBytes)
        let status = HTTPResponse.Status(code: error.code.status)
        guard includeBody else { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
