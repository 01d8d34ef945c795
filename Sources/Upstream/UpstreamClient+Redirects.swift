import AsyncHTTPClient
import Foundation
import NIOHTTP1

extension UpstreamClient {
    /// The statuses whose `Location` is followed.
    static let redirectStatuses: Set<UInt> = [301, 302, 303, 307, 308]

    /// Where a redirect points, with its body discarded; `nil` when `response` is not a redirect.
    /// - Throws: ``UpstreamError`` when a redirect has no usable `Location`.
    func redirectTarget(of response: HTTPClientResponse, from url: String) async throws(UpstreamError) -> String? {
        let status = response.status.code
        guard Self.redirectStatuses.contains(status) else { return nil }
        guard let location = response.headers.first(name: "Location"),
            let next = URL(string: location, relativeTo: URL(string: url))?.absoluteURL.absoluteString
        else {
            throw UpstreamError(.badResponse, "redirect \(status) without a usable Location")
        }
        await Self.discard(response)
        return next
    }

    /// Whether `url` is on the upstream's own origin (scheme, host and port), the only one
    /// that is sent `Authorization`.
    func isUpstreamOrigin(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        return components.scheme?.lowercased() == configuration.scheme
            && components.host?.lowercased() == configuration.host
            && components.port == configuration.port
    }
}
