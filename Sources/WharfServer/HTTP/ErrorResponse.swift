import Hummingbird
import HTTPTypes
import NIOCore
import Registry

extension RegistryError {
    /// The OCI JSON error response for this error.
    func response(includeBody: Bool = true) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            RegistryHeaders.apiVersion: RegistryHeaders.apiVersionValue,
        ]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = ByteBuffer(string: jsonBody)
        if code == .unsupported { headers[.allow] = "GET, HEAD" }
        if !includeBody {
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: .init(code: code.status), headers: headers)
        }
        return Response(status: .init(code: code.status), headers: headers, body: .init(byteBuffer: body))
    }
}
