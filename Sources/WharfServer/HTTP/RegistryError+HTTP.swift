import Hummingbird
import HTTPTypes
import NIOCore
import Registry

/// The one error type the API renders: every failure reaches the client as an OCI JSON error.
extension RegistryError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: code.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(includeBody: request.method != .head)
    }

    /// The OCI JSON error response for this error; a HEAD answer carries the headers only.
    func response(includeBody: Bool = true) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
        ]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if code == .unsupported { headers[.allow] = "GET, HEAD" }
        let body = ByteBuffer(string: jsonBody)
        guard includeBody else {
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Any error as the API renders it: a ``RegistryError`` as it is, Hummingbird's own
    /// errors (no such route, ...) by their status, anything else as an internal error.
    static func rendering(_ error: any Error) -> RegistryError {
        switch error {
        case let error as RegistryError:
            return error
        case let error as HTTPError where error.status == .notFound:
            return RegistryError(.notFound, "no such endpoint")
        case let error as HTTPError where error.status == .methodNotAllowed:
            return RegistryError(.unsupported, "Wharf is a read-only mirror; only GET and HEAD are supported")
        case let error as HTTPError where error.status == .badRequest:
            return RegistryError(.notFound, error.body ?? "bad request")
        default:
            return RegistryError(.internalError, "internal error")
        }
    }
}
