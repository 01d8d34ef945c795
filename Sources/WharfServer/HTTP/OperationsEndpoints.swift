import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Prometheus

/// `/metrics`, `/healthz` and `/readyz`.
struct OperationsEndpoints: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The store's root; ready only while it is writable.
    let storageRoot: String
    /// The current certificate's expiry, when TLS is served.
    let certificateExpiry: (@Sendable () -> Date)?

    /// The answer for an operations path, or `nil` when the path is not one.
    func respond(path: String, isHead: Bool) -> Response? {
        switch path {
        case "/metrics":
            let text = registry.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(text.count)],
                body: isHead ? .init() : .init(byteBuffer: ByteBuffer(bytes: text))
            )
        case "/healthz":
            return plain(.ok, "ok\n", isHead: isHead)
        case "/readyz":
            var problems: [String] = []
            if access(storageRoot + "/tmp", W_OK) != 0 { problems.append("the store \(storageRoot) is not writable") }
            if let expiry = certificateExpiry?(), expiry < Date() { problems.append("the TLS certificate expired at \(expiry)") }
            return problems.isEmpty
                ? plain(.ok, "ready\n", isHead: isHead)
                : plain(.serviceUnavailable, problems.joined(separator: "\n") + "\n", isHead: isHead)
        default:
            return nil
        }
    }

    private func plain(_ status: HTTPResponse.Status, _ text: String, isHead: Bool) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8", .contentLength: String(text.utf8.count)],
            body: isHead ? .init() : .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
