/// Proves control of an identifier for one ACME challenge type (HTTP-01, DNS-01 providers).
///
/// The ACME client calls ``present(_:)`` before telling the CA to validate, and
/// ``cleanup(_:)`` once the authorization is decided either way.
public protocol ChallengeSolver: Sendable {
    /// The challenge type answered.
    var challengeType: ChallengeType { get }

    /// Publishes the proof and returns once the CA can see it (for DNS-01: once every
    /// authoritative server answers with the value).
    func present(_ challenge: ChallengeProof) async throws

    /// Removes exactly what ``present(_:)`` published.
    func cleanup(_ challenge: ChallengeProof) async throws
}

/// What a solver publishes for one challenge.
public struct ChallengeProof: Sendable, Hashable {
    /// The identifier being validated, without `*.` (for a wildcard order, `example.com`).
    public let domain: String
    /// Whether the order asked for `*.<domain>`.
    public let isWildcard: Bool
    /// The challenge token.
    public let token: String
    /// `token.thumbprint` (RFC 8555 §8.1).
    public let keyAuthorization: String

    /// Creates the proof for one challenge.
    public init(domain: String, isWildcard: Bool, token: String, keyAuthorization: String) {
        self.domain = domain
        self.isWildcard = isWildcard
        self.token = token
        self.keyAuthorization = keyAuthorization
    }

    /// `_acme-challenge.<domain>.`, the name a DNS-01 TXT record goes under.
    public var dnsRecordName: String { "_acme-challenge.\(domain)." }
}
