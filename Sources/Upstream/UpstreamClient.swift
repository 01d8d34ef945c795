import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OutboundURL
import Registry

/// The registry client for one upstream: token auth, credentials, redirects, error mapping.
///
/// Redirects are followed here, not by the HTTP client, so that `Authorization` is only
/// ever sent to the upstream's own origin (Docker Hub and ghcr.io redirect blobs to CDNs).
public final class UpstreamClient: Sendable {
    /// The upstream this client talks to.
    public let configuration: UpstreamConfiguration
    let http: HTTPClient
    private let tokens = TokenCache()
    /// When the upstream last answered and last failed.
    public let health = UpstreamHealth()
    let logger: Logger

    /// How long a manifest or token request may take in all.
    static let shortRequestTimeout: TimeAmount = .seconds(30)
    /// A blob download's overall limit; stalls are caught by the client's read timeout.
    static let blobTimeout: TimeAmount = .hours(6)
    static let maximumRedirects = 5

    public init(configuration: UpstreamConfiguration, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// The shared HTTP client configuration: redirects off (followed here), bounded waits.
    public static func makeHTTPClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(30))
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        // A refused connection fails the request at once, so a cached answer is served without waiting.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    // MARK: API

    /// Fetches (or, with `headOnly`, checks) a manifest.
    public func manifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: String,
        headOnly: Bool
    ) async throws(UpstreamError) -> UpstreamManifest {
        let remote = configuration.upstreamName(name)
        let response = try await perform(
            headOnly ? .HEAD : .GET,
            path: "\(remote)/manifests/\(reference)",
            scope: remote,
            headers: [("Accept", accept)],
            timeout: Self.shortRequestTimeout
        )
        try await checkStatus(response, what: "manifest \(name):\(reference)")
        let contentLength = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        if let contentLength, contentLength > ManifestLimitsForUpstream.maximumBytes {
            throw UpstreamError(.badResponse, "manifest \(name):\(reference) is \(contentLength) bytes; the limit is \(ManifestLimitsForUpstream.maximumBytes)")
        }
        var bytes: [UInt8] = []
        if !headOnly {
            do {
                let buffer = try await response.body.collect(upTo: Int(ManifestLimitsForUpstream.maximumBytes))
                bytes = Array(buffer.readableBytesView)
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw UpstreamError(.badResponse, "manifest \(name):\(reference) exceeds \(ManifestLimitsForUpstream.maximumBytes) bytes")
            } catch {
                throw Self.transportError(error, what: "manifest \(name):\(reference)")
            }
        }
        let digest = response.headers.first(name: "Docker-Content-Digest").flatMap { try? Digest(parsing: $0) }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        return UpstreamManifest(bytes: bytes, contentType: contentType, digest: digest, contentLength: contentLength)
    }

    /// Starts downloading a blob; the body streams with back-pressure.
    public func blob(_ name: RepositoryName, _ digest: Digest) async throws(UpstreamError) -> UpstreamBlob {
        let remote = configuration.upstreamName(name)
        let response = try await perform(
            .GET,
            path: "\(remote)/blobs/\(digest)",
            scope: remote,
            headers: [],
            timeout: Self.blobTimeout
        )
        try await checkStatus(response, what: "blob \(digest)")
        let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        return UpstreamBlob(contentLength: length, body: response.body)
    }

    /// Fetches a page of a repository's tag list; `query` is passed through (`n`, `last`).
    public func tagList(_ name: RepositoryName, query: String?) async throws(UpstreamError) -> UpstreamTagList {
        let remote = configuration.upstreamName(name)
        let suffix = query.map { "?" + $0 } ?? ""
        let response = try await perform(
            .GET,
            path: "\(remote)/tags/list\(suffix)",
            scope: remote,
            headers: [],
            timeout: Self.shortRequestTimeout
        )
        try await checkStatus(response, what: "tag list of \(name)")
        do {
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return UpstreamTagList(bytes: Array(body.readableBytesView), link: response.headers.first(name: "Link"))
        } catch {
            throw Self.transportError(error, what: "tag list of \(name)")
        }
    }

    // MARK: Requests

    /// Sends a request, answering one authentication challenge and following redirects.
    private func perform(
        _ method: HTTPMethod,
        path: String,
        scope repository: RepositoryName,
        headers: [(String, String)],
        timeout: TimeAmount
    ) async throws(UpstreamError) -> HTTPClientResponse {
        let scope = "repository:\(repository):pull"
        var url = configuration.url(path)
        var authorization = await tokens.authorization(for: scope)
        var answeredChallenge = false
        var hops = 0
        let deadline = NIODeadline.now() + timeout
        while true {
            if let problem = OutboundURL.problem(url) {
                throw UpstreamError(.badResponse, "the upstream sent Wharf to an unusable URL \(Self.redacted(url)): \(problem)")
            }
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.headers.add(name: "User-Agent", value: "wharf")
            let onUpstream = isUpstreamOrigin(url)
            if onUpstream, let authorization {
                request.headers.add(name: "Authorization", value: authorization)
            }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, deadline: deadline, logger: logger)
            } catch {
                let failure = Self.transportError(error, what: "\(method) \(Self.redacted(url))")
                if onUpstream { health.recordFailure(failure.message) }
                throw failure
            }
            let status = response.status.code
            if onUpstream {
                if status < 500 { health.recordAnswer() } else { health.recordFailure("\(method) \(Self.redacted(url)) answered \(status)") }
            }
            if status == 401, onUpstream, !answeredChallenge {
                answeredChallenge = true
                let challenges = response.headers["WWW-Authenticate"].compactMap(AuthenticationChallenge.init(header:))
                await Self.discard(response)
                authorization = try await answer(challenges, scope: scope)
                continue
            }
            if [301, 302, 303, 307, 308].contains(status) {
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: URL(string: url))?.absoluteURL.absoluteString
                else {
                    throw UpstreamError(.badResponse, "redirect \(status) without a usable Location")
                }
                await Self.discard(response)
                hops += 1
                guard hops <= Self.maximumRedirects else {
                    throw UpstreamError(.badResponse, "more than \(Self.maximumRedirects) redirects for \(path)")
                }
                url = next
                continue
            }
            return response
        }
    }

    /// Obtains the Authorization value a challenge asks for.
    private func answer(_ challenges: [AuthenticationChallenge], scope: String) async throws(UpstreamError) -> String {
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer.parameters["realm"] {
            return try await fetchToken(realm: realm, service: bearer.parameters["service"], scope: scope)
        }
        if challenges.contains(where: { $0.scheme == "basic" }), let basic = basicCredential() {
            await tokens.storeBasic(basic)
            return basic
        }
        throw UpstreamError(
            .unauthorized,
            configuration.hasCredentials
                ? "the upstream asks for authentication Wharf cannot answer"
                : "the upstream requires credentials; set proxy.username and proxy.password"
        )
    }

    private func basicCredential() -> String? {
        guard let username = configuration.username, let password = configuration.password else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The Bearer token flow of the distribution token spec.
    private func fetchToken(realm: String, service: String?, scope: String) async throws(UpstreamError) -> String {
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

    private struct TokenResponse: Decodable {
        let token: String?
        let accessToken: String?
        let expiresIn: Int?

        enum CodingKeys: String, CodingKey {
            case token
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    // MARK: Helpers

    private func isUpstreamOrigin(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        return components.scheme?.lowercased() == configuration.scheme
            && components.host?.lowercased() == configuration.host
            && components.port == configuration.port
    }

    private func checkStatus(_ response: HTTPClientResponse, what: String) async throws(UpstreamError) {
        let status = response.status.code
        guard status != 200 else { return }
        await Self.discard(response)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
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
    static func discard(_ response: HTTPClientResponse) async {
        _ = try? await response.body.collect(upTo: 1024 * 1024)
    }

    /// A URL without its query (CDN URLs carry signatures there).
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}

enum ManifestLimitsForUpstream {
    static let maximumBytes: Int64 = 4 * 1024 * 1024
}
