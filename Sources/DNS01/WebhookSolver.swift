import ACME
import AsyncHTTPClient
import DNS
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OutboundURL

/// The `webhook` DNS-01 provider, speaking lego's `httpreq` protocol: `POST <url>/present`
/// and `POST <url>/cleanup` with a JSON body, `{"fqdn":"_acme-challenge.example.com.","value":"..."}`
/// or in `raw` mode `{"domain":"example.com","token":"...","keyAuth":"..."}`.
///
/// Any 2xx status is success. With `resolvers` set, `present` then waits until the zone's
/// authoritative servers (found through the resolvers) or the resolvers return the value.
public struct WebhookSolver: ChallengeSolver {
    /// `dns-01`.
    public let challengeType = ChallengeType.dns01

    private let base: URL
    private let shownURL: String
    private let authorization: String?
    private let mode: DNSHookMode
    private let httpClient: HTTPClient
    private let waiter: PropagationWaiter
    private let logger: Logger

    /// How long one webhook call may take.
    static let requestTimeout = TimeAmount.seconds(30)
    /// How much of an error answer's body goes into the error.
    static let bodyExcerpt = 300

    /// Checks the settings; nothing is sent yet.
    ///
    /// - Parameters:
    ///   - httpClient: the client for the webhook calls (the shared one by default).
    ///   - client: the DNS transport for the propagation check.
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming the bad setting.
    public init(
        settings: WebhookSettings,
        propagation: PropagationSettings = PropagationSettings(),
        httpClient: HTTPClient = .shared,
        client: DNSClient = DNSClient(),
        logger: Logger = Logger(label: "wharf.dns.webhook")
    ) throws {
        if let problem = OutboundURL.problem(settings.url) {
            throw DNSError.invalidSetting(
                "url",
                "it must be an http:// or https:// URL with a host, e.g. https://dns-hook.internal/acme (\(problem))"
            )
        }
        guard var components = URLComponents(string: settings.url) else {
            throw DNSError.invalidSetting("url", "it is not a valid URL")
        }
        var username = settings.username
        var password = settings.password
        if components.user != nil || components.password != nil {
            username = username ?? components.user
            password = password ?? components.password
            components.user = nil
            components.password = nil
        }
        switch (username, password) {
        case (let user?, let secret?):
            authorization = "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
        case (nil, nil):
            authorization = nil
        default:
            throw DNSError.invalidSetting("username", "set both `username` and `password` for Basic auth, or neither")
        }
        guard let base = components.url else {
            throw DNSError.invalidSetting("url", "it is not a valid URL")
        }
        self.base = base
        shownURL = components.string ?? settings.url
        mode = settings.mode
        self.httpClient = httpClient
        waiter = try PropagationWaiter(settings: propagation, client: client, logger: logger)
        self.logger = logger
    }

    /// Calls `<url>/present`, then waits for propagation when `resolvers` are set.
    public func present(_ challenge: ChallengeProof) async throws {
        try await call("present", for: challenge)
        let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
        try await waiter.waitAfterHook(value, at: try DNS01Challenge.recordName(of: challenge))
    }

    /// Calls `<url>/cleanup`.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        try await call("cleanup", for: challenge)
    }

    private func call(_ action: String, for challenge: ChallengeProof) async throws {
        let endpoint = base.appendingPathComponent(action)
        let what = "the webhook POST \(shownURL.hasSuffix("/") ? shownURL : shownURL + "/")\(action)"
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.body = .bytes(ByteBuffer(bytes: try body(for: challenge)))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: Self.requestTimeout)
        } catch {
            throw DNSError.hookFailed(what, "\(error)")
        }
        var excerpt: [UInt8] = []
        if !(200..<300).contains(response.status.code) {
            for try await chunk in response.body {
                excerpt += chunk.readableBytesView.prefix(Self.bodyExcerpt - excerpt.count)
                if excerpt.count >= Self.bodyExcerpt { break }
            }
            let text = String(decoding: excerpt, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DNSError.hookFailed(
                what,
                "it answered \(response.status.code) \(response.status.reasonPhrase)"
                    + (text.isEmpty ? "" : ": \(text)")
                    + (response.status == .unauthorized ? " (check `username` and `password`)" : "")
            )
        }
        // Read (and drop) a short success body so that the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        logger.info("DNS-01 webhook accepted", metadata: ["action": "\(action)", "domain": "\(challenge.domain)"])
    }

    private func body(for challenge: ChallengeProof) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        switch mode {
        case .default:
            let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
            return Array(try encoder.encode(DefaultBody(fqdn: challenge.dnsRecordName, value: value)))
        case .raw:
            return Array(
                try encoder.encode(RawBody(domain: challenge.domain, token: challenge.token, keyAuth: challenge.keyAuthorization))
            )
        }
    }

    private struct DefaultBody: Encodable {
        var fqdn: String
        var value: String
    }

    private struct RawBody: Encodable {
        var domain: String
        var token: String
        var keyAuth: String
    }
}
