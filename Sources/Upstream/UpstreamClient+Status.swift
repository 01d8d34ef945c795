import AsyncHTTPClient
import Foundation
import NIOHTTP1

extension UpstreamClient {
    /// Maps any status but 200 to an ``UpstreamError`` of the matching kind.
    func checkStatus(_ response: HTTPClientResponse, what: String) async throws(UpstreamError) {
        let status = response.status.code
        guard status != 200 else { return }
        await Self.discard(response)
        // Delay-seconds or an HTTP date, read as the budget reads it.
        let retryAfter = UpstreamBudget.retryAfterSeconds(response.headers.first(name: "Retry-After"), now: Date())
        switch status {
        case 404: throw UpstreamError(.notFound, "\(what) not found upstream")
        case 401, 403: throw UpstreamError(.unauthorized, "\(what): upstream answered \(status)")
        case 429: throw UpstreamError(.tooManyRequests, "\(what): upstream answered 429", retryAfter: retryAfter)
        case 500...599: throw UpstreamError(.unavailable, "\(what): upstream answered \(status)", retryAfter: retryAfter)
        default: throw UpstreamError(.badResponse, "\(what): upstream answered \(status)")
        }
    }

    static func transportError(_ error: any Error, what: String) -> UpstreamError {
        if let error = error as? UpstreamError { return error }
        return UpstreamError(.unavailable, "\(what): \(error)")
    }

    /// Reads and drops a small body so the connection can be reused.
    public static func discard(_ response: HTTPClientResponse) async {
        _ = try? await response.body.collect(upTo: 1024 * 1024)
    }

    /// A URL without its query (CDN URLs carry signatures there).
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}
