/// Answers `tls-alpn-01` challenges (RFC 8737) by making each validation certificate and
/// publishing it in a ``TLSALPN01ChallengeTable`` that the TLS listener consults, so the
/// challenge is answered on the main port next to ordinary clients.
public struct TLSALPN01Solver: ChallengeSolver {
    /// The table the TLS listener answers validation handshakes from.
    public let table: TLSALPN01ChallengeTable

    /// A solver publishing into `table`.
    public init(table: TLSALPN01ChallengeTable) {
        self.table = table
    }

    /// `tls-alpn-01`.
    public var challengeType: ChallengeType { .tlsALPN01 }

    /// Makes the validation certificate; validation handshakes for the identifier get it from then on.
    public func present(_ challenge: ChallengeProof) async throws {
        let context = try TLSALPN01Certificate.context(identifier: challenge.domain, keyAuthorization: challenge.keyAuthorization)
        table.add(identifier: challenge.domain, token: challenge.token, context: context)
    }

    /// Removes the validation certificate.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        table.remove(identifier: challenge.domain, token: challenge.token)
    }
}
