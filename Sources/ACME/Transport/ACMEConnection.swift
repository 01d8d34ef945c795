import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import OutboundURL
import Synchronization

/// Talks to one ACME server: the directory, nonces, signed POSTs with `badNonce` retries,
/// and problem documents turned into ``ACMEError``s.
///
/// Every response's `Replay-Nonce` is kept for the next request, so a `HEAD newNonce` is
/// needed only for the first one (or when several run at once).
final class ACMEConnection: Sendable {
    /// How many times a request rejected with `badNonce` is sent again with a fresh nonce.
    static let badNonceRetries = 10
    /// The limit for one HTTP exchange.
    static let requestTimeout: TimeAmount = .seconds(30)
    /// Bodies larger than this are refused (a chain is a few kilobytes).
    static let maximumBodySize = 4 << 20

    let directoryURL: String
    private let client: HTTPClient
    private let logger: Logger
    private let nonces = Mutex<[String]>([])
    private let cachedDirectory = Mutex<ACMEDirectory?>(nil)

    init(directoryURL: String, client: HTTPClient, logger: Logger) {
        self.directoryURL = directoryURL
        self.client = client
        self.logger = logger
    }

    /// The directory, fetched once per connection.
    func directory() async throws -> ACMEDirectory {
        if let directory = cachedDirectory.withLock({ $0 }) {
            return directory
        }
        let response = try await get(directoryURL, action: "the directory request")
        guard response.status == 200 else {
            throw ACMEError.httpStatus(directoryURL, action: "the directory request", status: response.status, body: response.excerpt, retryAfter: response.retryAfter)
        }
        let directory = try response.decode(ACMEDirectory.self, action: "the directory request")
        cachedDirectory.withLock { $0 = directory }
        return directory
    }

    /// An unauthenticated GET (the directory, RFC 9773 renewalInfo); any status is returned.
    func get(_ url: String, action: String) async throws -> ACMEResponse {
        try await send(.GET, url, action: action)
    }

    /// Sends a signed POST of `payload` (nil: POST-as-GET) to `url`.
    ///
    /// - Parameters:
    ///   - action: what the request does, for error messages (`"newOrder"`).
    ///   - accept: the `Accept` header, e.g. `application/pem-certificate-chain`.
    /// - Returns: a 2xx response.
    /// - Throws: ``ACMEError`` with the problem document for any other status, after up to
    ///   ``badNonceRetries`` retries of `badNonce`.
    func post(_ url: String, payload: [UInt8]?, signer: RequestSigner, action: String, accept: String? = nil) async throws -> ACMEResponse {
        var retries = 0
        while true {
            let nonce = try await takeNonce()
            let jws = try JWS.sign(payload: payload, header: try signer.header(url: url, nonce: nonce), key: signer.signingKey)
            var headers = HTTPHeaders([("Content-Type", "application/jose+json")])
            if let accept {
                headers.add(name: "Accept", value: accept)
            }
            let response = try await send(.POST, url, headers: headers, body: try ACMEJSON.encode(jws), action: action)
            if (200..<300).contains(response.status) {
                return response
            }
            let problem = ACMEProblem.parse(response.body)
            if let problem, problem.shortType == "badNonce", retries < Self.badNonceRetries {
                retries += 1
                logger.debug("ACME server rejected the nonce; retrying", metadata: ["url": "\(url)", "retry": "\(retries)"])
                continue
            }
            guard let problem else {
                throw ACMEError.httpStatus(url, action: action, status: response.status, body: response.excerpt, retryAfter: response.retryAfter)
            }
            throw ACMEError.server(url, action: action, problem: problem, retryAfter: response.retryAfter)
        }
    }

    /// POST-as-GET (RFC 8555 §6.3): fetches a resource with an empty signed payload.
    func postAsGet(_ url: String, signer: RequestSigner, action: String, accept: String? = nil) async throws -> ACMEResponse {
        try await post(url, payload: nil, signer: signer, action: action, accept: accept)
    }

    /// A nonce from an earlier response, or a fresh one from `newNonce`.
    private func takeNonce() async throws -> String {
        if let nonce = nonces.withLock({ $0.popLast() }) {
            return nonce
        }
        let newNonce = try await directory().newNonce
        let response = try await send(.HEAD, newNonce, action: "newNonce", keepNonce: false)
        guard let nonce = response.headers.first(name: "Replay-Nonce"), !nonce.isEmpty else {
            throw ACMEError.unexpectedResponse(newNonce, action: "newNonce", reason: "HTTP \(response.status) without a Replay-Nonce header")
        }
        return nonce
    }

    /// One HTTP exchange; keeps the response's `Replay-Nonce` unless told not to.
    private func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        action: String,
        keepNonce: Bool = true
    ) async throws -> ACMEResponse {
        if let problem = OutboundURL.problem(url) {
            throw ACMEError.transport(url, reason: "\(action): the URL is unusable: \(problem)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        request.headers.replaceOrAdd(name: "User-Agent", value: "wharf-acme/1.0")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: ACMEResponse
        do {
            let answer = try await client.execute(request, timeout: Self.requestTimeout)
            let collected = try await answer.body.collect(upTo: Self.maximumBodySize)
            response = ACMEResponse(url: url, status: Int(answer.status.code), headers: answer.headers, body: Array(collected.readableBytesView))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ACMEError.transport(url, reason: "\(action) failed: \(error)")
        }
        logger.debug("ACME exchange", metadata: ["method": "\(method.rawValue)", "url": "\(url)", "status": "\(response.status)"])
        if keepNonce, let nonce = response.headers.first(name: "Replay-Nonce"), !nonce.isEmpty {
            nonces.withLock { pool in
                pool.append(nonce)
                if pool.count > 16 {
                    pool.removeFirst(pool.count - 16)
                }
            }
        }
        return response
    }
}
