import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OutboundURL

extension UpstreamClient {
    /// The Bearer token flow of the distribution token spec.
    func fetchToken(realm: String, service: String?, scope: String) async throws(UpstreamError) -> String {
        guard var components = URLComponents(string: realm), let realmHost = components.host,
            components.scheme == "https" || components.scheme == "http"
        else {
            throw UpstreamError(.badResponse, "token realm \"\(realm)\" is not an http(s) URL")
        }
        var query = components.queryItems ?? []
        if let service { query.append(URLQueryItem(name: "service", value: service)) }
        query.append(URLQueryItem(name: "scope", value: scope))
        components.queryItems = query
        guard let tokenURL = components.url?.absoluteString else {
            throw UpstreamError(.badResponse, "token realm \"\(realm)\" cannot carry a query")
        }
        if let problem = OutboundURL.problem(tokenURL) {
            throw UpstreamError(.badResponse, "token realm unusable: \(problem)")
        }
        var request = HTTPClientRequest(url: tokenURL)
        request.headers.add(name: "User-Agent", value: "wharf")
        // Credentials only go to a realm on the upstream's own registrable domain.
        if let basic = basicCredential(), RegistrableDomain.sameSite(realmHost, configuration.host) {
            request.headers.add(name: "Authorization", value: basic)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: Self.shortRequestTimeout, logger: logger)
            body = try await response.body.collect(upTo: 1024 * 1024)
        } catch {
            throw Self.transportError(error, what: "token request to \(realmHost)")
        }
        guard response.status == .ok else {
            let kind: UpstreamError.Kind =
                response.status.code == 401 || response.status.code == 403 ? .unauthorized
                : response.status.code == 429 ? .tooManyRequests : .unavailable
            throw UpstreamError(kind, "token service \(realmHost) answered \(response.status.code)")
        }
        guard let token = try? JSONDecoder().decode(TokenResponse.self, from: Data(body.readableBytesView)),
            let value = token.token ?? token.accessToken, !value.isEmpty
        else {
            throw UpstreamError(.badResponse, "token service \(realmHost) sent no token")
        }
        let header = "Bearer " + value
        await tokens.store(header, scope: scope, lifetime: TimeInterval(token.expiresIn ?? 60))
        return header
    }
}
