import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A small S3 client: the object, listing and multipart calls Wharf's store needs, each
/// request signed with SigV4.
///
/// Keys are given relative to `rootdirectory`; the client adds and strips the prefix. The
/// caller owns the `HTTPClient` (``makeHTTPClient(_:)`` configures one for the settings).
public struct S3Client: Sendable {
    public let settings: S3Settings
    public let endpoint: S3Endpoint
    let signer: SigV4Signer
    let http: HTTPClient
    /// How long a request without a streamed body may take.
    let timeout: TimeAmount
    /// The connections relays read on (``relayObject(_:range:on:to:)``).
    let relays: S3RelayConnections

    public init(settings: S3Settings, http: HTTPClient, timeout: TimeAmount = .seconds(60)) {
        self.settings = settings
        self.endpoint = S3Endpoint(settings)
        self.signer = SigV4Signer(credentials: settings.credentials, region: settings.region)
        self.http = http
        self.timeout = timeout
        self.relays = S3RelayConnections(endpoint: endpoint, skipVerify: settings.skipVerify, readTimeout: .seconds(60))
    }

    /// An HTTP client for `settings`: certificate checks off only with `skipverify`, no
    /// redirects followed (S3 answers a wrong region with one), no decompression.
    public static func makeHTTPClient(_ settings: S3Settings) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        if settings.skipVerify {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The full key of `key` in the bucket, under `rootdirectory`.
    public func fullKey(_ key: String) -> String {
        settings.rootDirectory.isEmpty ? key : settings.rootDirectory + "/" + key
    }

    /// `key` relative to `rootdirectory`, or `nil` when it lies outside it.
    func relativeKey(_ fullKey: String) -> String? {
        guard !settings.rootDirectory.isEmpty else { return fullKey }
        let prefix = settings.rootDirectory + "/"
        return fullKey.hasPrefix(prefix) ? String(fullKey.dropFirst(prefix.count)) : nil
    }

    // MARK: Requests

    /// A body to send: bytes in memory (hashed and signed) or a buffer sent as `UNSIGNED-PAYLOAD`.
    enum Body {
        case signed([UInt8])
        case unsigned(ByteBuffer)
    }

    /// Sends one signed request; any answer of 300 or more becomes an ``S3Error``.
    /// - Parameter key: relative to `rootdirectory`; `nil` addresses the bucket.
    func send(
        _ method: HTTPMethod,
        key: String?,
        query: [(name: String, value: String)] = [],
        headers extra: [(name: String, value: String)] = [],
        body: Body? = nil,
        operation: String,
        timeout: TimeAmount? = nil
    ) async throws(S3Error) -> HTTPClientResponse {
        let payloadHash: String
        switch body {
        case nil: payloadHash = SigV4Signer.emptyPayloadHash
        case .signed(let bytes): payloadHash = SHA256.hash(data: bytes).hexString
        case .unsigned: payloadHash = SigV4Signer.unsignedPayload
        }
        let signed = signedRequest(method, key: key, query: query, headers: extra, payloadHash: payloadHash)
        var request = HTTPClientRequest(url: endpoint.origin + signed.target)
        request.method = method
        request.headers = signed.headers
        switch body {
        case nil: break
        case .signed(let bytes): request.body = .bytes(ByteBuffer(bytes: bytes))
        case .unsigned(let buffer): request.body = .bytes(buffer)
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout ?? self.timeout)
        } catch {
            throw .unreachable(operation: operation, error)
        }
        guard response.status.code < 300 else {
            throw await Self.error(from: response, method: method, operation: operation)
        }
        return response
    }

    /// A request signed with SigV4: its target and headers (`Authorization` included, `Host`
    /// left to the HTTP client).
    struct SignedRequest {
        /// The path and query, on ``S3Endpoint/origin``.
        let target: String
        let headers: HTTPHeaders
    }

    /// The request `method` on `key` signed with SigV4.
    func signedRequest(
        _ method: HTTPMethod,
        key: String?,
        query: [(name: String, value: String)] = [],
        headers extra: [(name: String, value: String)] = [],
        payloadHash: String = SigV4Signer.emptyPayloadHash
    ) -> SignedRequest {
        let path = endpoint.path(forKey: key.map(fullKey))
        let date = Date()
        var headers: [(name: String, value: String)] = [("host", endpoint.hostHeader), ("x-amz-date", SigV4Signer.timestamp(date))]
        headers.append(("x-amz-content-sha256", payloadHash))
        if let token = settings.credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        headers += extra
        let signed = SigV4Signer.Request(method: method.rawValue, path: path, query: query, headers: headers, payloadHash: payloadHash)
        var sent = HTTPHeaders()
        for header in headers where header.name != "host" { sent.add(name: header.name, value: header.value) }
        sent.add(name: "Authorization", value: signer.authorization(for: signed, date: date))
        let queryText = query.isEmpty ? "" : "?" + SigV4Signer.canonicalQuery(query)
        return SignedRequest(target: path + queryText, headers: sent)
    }

    /// The answer's body, up to `limit` bytes.
    func collect(_ response: HTTPClientResponse, operation: String, limit: Int = 16 * 1024 * 1024) async throws(S3Error) -> [UInt8] {
        do {
            var buffer = try await response.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw .malformed(operation: operation, status: Int(response.status.code), "the answer could not be read: \(error)")
        }
    }

    /// An XML answer's root element; an `<Error>` root (S3 sends one with 200 for a failed
    /// CompleteMultipartUpload) is thrown.
    func document(_ response: HTTPClientResponse, operation: String) async throws(S3Error) -> S3XML.Element {
        let bytes = try await collect(response, operation: operation)
        let root: S3XML.Element
        do {
            root = try S3XML.parse(bytes)
        } catch {
            throw .malformed(operation: operation, status: Int(response.status.code), "the answer is not XML")
        }
        if root.name == "Error" {
            throw .service(code: root.text("Code") ?? "Unknown", status: Int(response.status.code), operation: operation, message: root.text("Message") ?? "")
        }
        return root
    }

    private static func error(from response: HTTPClientResponse, method: HTTPMethod, operation: String) async -> S3Error {
        let bytes = (try? await response.body.collect(upTo: errorBodyLimit)).map { Array($0.readableBytesView) } ?? []
        return error(status: response.status, body: bytes, method: method, operation: operation)
    }

    /// How much of an error answer's body is read for its `<Error>` document.
    static let errorBodyLimit = 64 * 1024

    /// The ``S3Error`` for an answer of 300 or more with `body`.
    static func error(status: HTTPResponseStatus, body: [UInt8], method: HTTPMethod, operation: String) -> S3Error {
        let code = Int(status.code)
        if method != .HEAD, let root = try? S3XML.parse(body), root.name == "Error" {
            return .service(code: root.text("Code") ?? "Unknown", status: code, operation: operation, message: root.text("Message") ?? "")
        }
        // HEAD answers carry no body: the status alone says what happened.
        let serviceCode = switch code {
        case 404: "NoSuchKey"
        case 403: "AccessDenied"
        case 412: "PreconditionFailed"
        case 301, 307: "PermanentRedirect"
        default: "HTTP\(code)"
        }
        return .service(code: serviceCode, status: code, operation: operation, message: status.reasonPhrase)
    }
}
