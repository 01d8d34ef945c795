import ACME
import Foundation

/// A challenge one instance is having validated, published in the shared state so that
/// whichever instance the validator reaches can answer it: an HTTP-01 token's key
/// authorization, or for TLS-ALPN-01 the key authorization from which any instance makes the
/// validation certificate with a key of its own.
public struct PendingChallenge: Codable, Sendable, Hashable {
    /// `http-01` or `tls-alpn-01`.
    public var type: String
    /// The identifier being validated (a DNS name or an IP address).
    public var identifier: String
    /// The challenge token.
    public var token: String
    /// `token.thumbprint`, what the validator checks.
    public var keyAuthorization: String
    /// After this the record is ignored (left behind by an instance that stopped mid-order).
    public var expires: Date

    /// Creates a record.
    public init(type: ChallengeType, identifier: String, token: String, keyAuthorization: String, expires: Date) {
        self.type = type.rawValue
        self.identifier = identifier
        self.token = token
        self.keyAuthorization = keyAuthorization
        self.expires = expires
    }

    /// The record's name: `http-01.<token>`, or `tls-alpn-01.<server name>` (the name the
    /// validator's ClientHello carries), so that both lookups need only what the request says.
    public var name: String {
        type == ChallengeType.tlsALPN01.rawValue ? Self.name(tlsALPN01ServerName: TLSALPN01ChallengeTable.serverName(for: identifier)) : Self.name(http01Token: token)
    }

    /// The record name for an HTTP-01 request for `token`.
    public static func name(http01Token token: String) -> String { "\(ChallengeType.http01.rawValue).\(token)" }

    /// The record name for an `acme-tls/1` ClientHello naming `serverName`.
    public static func name(tlsALPN01ServerName serverName: String) -> String { "\(ChallengeType.tlsALPN01.rawValue).\(serverName.lowercased())" }

    /// The record in `bytes`, or nil when it is not one or it expired before `now` (a
    /// challenge is looked up on every validation request, so a bad record is only ignored).
    static func decodeUnexpired(_ bytes: [UInt8], now: Date) -> PendingChallenge? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let challenge = try? decoder.decode(PendingChallenge.self, from: Data(bytes)), challenge.expires > now else { return nil }
        return challenge
    }
}
