import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP side of ``TokenServiceStandIn``: `GET /token` (Docker's token endpoint, optional Basic auth)
/// and `POST /token` (the OAuth2 password-grant form), answering like auth.docker.io does.
final class TokenEndpoint: Sendable {
    private let issuer: TokenIssuer
    private let records = Mutex<[TokenRequestRecord]>([])

    init(issuer: TokenIssuer) {
        self.issuer = issuer
    }

    func requests() -> [TokenRequestRecord] {
        records.withLock { $0 }
    }

    func respond(to request: ReceivedHTTPRequest, with writer: HTTPResponseWriter) {
        guard request.path == "/token" else {
            writer.respond(.notFound, headers: jsonHeaders, body: Array(#"{"details":"not found"}"#.utf8))
            return
        }
        let parameters: [URLQueryItem]
        let user: String?
        let password: String?
        let hadAuthorization: Bool
        switch request.head.method {
        case .GET:
            parameters = URLComponents(string: request.head.uri)?.queryItems ?? []
            let credentials = basicCredentials(request.head.headers["Authorization"].first)
            user = credentials?.user
            password = credentials?.password
            hadAuthorization = request.head.headers["Authorization"].first != nil
        case .POST:
            parameters = formItems(request.body)
            user = value("username", in: parameters)
            password = value("password", in: parameters)
            hadAuthorization = value("grant_type", in: parameters) == "password"
        default:
            writer.respond(.methodNotAllowed, headers: jsonHeaders, body: Array(#"{"details":"method not allowed"}"#.utf8))
            return
        }
        let scopes = parameters.filter { $0.name == "scope" }
            .compactMap(\.value)
            .flatMap { $0.split(separator: " ").map(String.init) }
        let service = value("service", in: parameters)
        let accepted = issuer.accepts(user: user, password: password)
        records.withLock {
            $0.append(TokenRequestRecord(
                method: request.head.method.rawValue,
                scopes: scopes,
                service: service,
                hadAuthorization: hadAuthorization,
                account: user,
                issued: accepted
            ))
        }
        guard accepted else {
            var headers = jsonHeaders
            headers.add(name: "WWW-Authenticate", value: #"Basic realm="test token service""#)
            writer.respond(.unauthorized, headers: headers, body: Array(#"{"details":"incorrect username or password"}"#.utf8))
            return
        }
        do {
            let token = try issuer.mint(scopes: scopes, account: user)
            let answer = TokenAnswer(
                token: token,
                access_token: token,
                expires_in: issuer.lifetimeSeconds,
                issued_at: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            writer.respond(.ok, headers: jsonHeaders, body: Array(try encoder.encode(answer)))
        } catch {
            writer.respond(.internalServerError, headers: jsonHeaders, body: Array(#"{"details":"signing failed"}"#.utf8))
        }
    }

    private struct TokenAnswer: Encodable {
        var token: String
        var access_token: String
        var expires_in: Int
        var issued_at: String
    }

    private var jsonHeaders: HTTPHeaders {
        ["Content-Type": "application/json"]
    }

    private func value(_ name: String, in items: [URLQueryItem]) -> String? {
        items.first { $0.name == name }?.value
    }

    private func basicCredentials(_ header: String?) -> (user: String, password: String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst("basic ".count))),
              let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// The fields of an `application/x-www-form-urlencoded` body.
    private func formItems(_ body: [UInt8]) -> [URLQueryItem] {
        var components = URLComponents()
        components.percentEncodedQuery = String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: "+", with: "%20")
        return components.queryItems ?? []
    }
}
