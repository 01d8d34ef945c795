import Certificates
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Prometheus
import Storage

/// `/` (the status page), `/metrics`, `/healthz` and `/readyz`.
struct OperationsEndpoints: Sendable {
    let registry: PrometheusCollectorRegistry
    let status: StatusSources

    /// The paths answered here that need credentials on the main listener when auth is on.
    static let protectedPaths: Set<String> = ["/", "/metrics"]

    /// The answer for an operations path, or `nil` when the path is not one.
    func respond(path: String, isHead: Bool) async -> Response? {
        switch path {
        case "/":
            return text(.ok, StatusPage.render(status.snapshot()), contentType: "text/html; charset=utf-8", isHead: isHead)
        case "/metrics":
            status.activity.images.publishMetrics()
            return body(.ok, ByteBuffer(bytes: registry.emitToBuffer()), contentType: "text/plain; version=0.0.4; charset=utf-8", isHead: isHead)
        case "/healthz":
            return text(.ok, "ok\n", isHead: isHead)
        case "/readyz":
            let problems = await readinessProblems()
            return problems.isEmpty
                ? text(.ok, "ready\n", isHead: isHead)
                : text(.serviceUnavailable, problems.joined(separator: "\n") + "\n", isHead: isHead)
        default:
            return nil
        }
    }

    /// Why the server should not get traffic now: the store not writable, the certificate
    /// expired, an upstream that has not answered its probe lately.
    func readinessProblems(now: Date = Date()) async -> [String] {
        var problems: [String] = []
        if let problem = await status.store.readinessProblem() { problems.append(problem) }
        if let expiry = status.certificates?.current.notAfter, expiry < now { problems.append("the TLS certificate expired at \(expiry)") }
        problems += status.unreachableUpstreams(now: now)
        return problems
    }

    private func text(_ status: HTTPResponse.Status, _ text: String, contentType: String = "text/plain; charset=utf-8", isHead: Bool) -> Response {
        body(status, ByteBuffer(string: text), contentType: contentType, isHead: isHead)
    }

    private func body(_ status: HTTPResponse.Status, _ buffer: ByteBuffer, contentType: String, isHead: Bool) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .contentLength: String(buffer.readableBytes), .cacheControl: "no-store"],
            body: isHead ? .init() : .init(byteBuffer: buffer)
        )
    }
}
