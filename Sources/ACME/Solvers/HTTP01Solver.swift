/// Answers `http-01` challenges (RFC 8555 §8.3) by publishing each key authorization in an
/// ``HTTP01TokenTable`` that the plain HTTP listener serves at
/// `/.well-known/acme-challenge/<token>`.
///
/// ```swift
/// let tokens = HTTP01TokenTable()          // shared with the :80 listener
/// let certificate = try await client.obtainCertificate(
///     hosts: ["mirror.example.com"], keyType: .ecdsaP256, solver: HTTP01Solver(tokens: tokens))
/// ```
public struct HTTP01Solver: ChallengeSolver {
    /// The table the plain listener answers from.
    public let tokens: HTTP01TokenTable

    /// A solver publishing into `tokens`.
    public init(tokens: HTTP01TokenTable) {
        self.tokens = tokens
    }

    /// `http-01`.
    public var challengeType: ChallengeType { .http01 }

    /// Adds the key authorization under the token; it is served from then on.
    public func present(_ challenge: ChallengeProof) async throws {
        tokens.add(token: challenge.token, keyAuthorization: challenge.keyAuthorization)
    }

    /// Removes the token.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        tokens.remove(challenge.token)
    }
}
