import ACME
import Foundation

/// An HTTP-01 or TLS-ALPN-01 solver whose challenges are also published in the shared
/// ``CertificateStateStore``, so that every instance sharing it answers the validator
/// (``SharedChallenges``), not only the one that ordered.
public struct SharedChallengeSolver: ChallengeSolver {
    /// The solver publishing this instance's own copy.
    public let inner: any ChallengeSolver
    /// Where the challenges are shared.
    public let store: any CertificateStateStore
    /// How long a published record counts if its instance never removes it.
    static let lifetime: TimeInterval = 3600

    /// `solver`, sharing its challenges in `store` when they can be answered from the state
    /// (HTTP-01, TLS-ALPN-01); any other solver unchanged.
    public static func sharing(_ solver: any ChallengeSolver, in store: any CertificateStateStore) -> any ChallengeSolver {
        solver.challengeType == .dns01 ? solver : SharedChallengeSolver(inner: solver, store: store)
    }

    /// The inner solver's type.
    public var challengeType: ChallengeType { inner.challengeType }

    /// Publishes locally, then in the shared state, before the CA is told to validate.
    public func present(_ challenge: ChallengeProof) async throws {
        try await inner.present(challenge)
        try await store.savePendingChallenge(record(challenge))
    }

    /// Removes the shared record, then the local one.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        try await store.removePendingChallenge(name: record(challenge).name, token: challenge.token)
        try await inner.cleanup(challenge)
    }

    private func record(_ challenge: ChallengeProof) -> PendingChallenge {
        PendingChallenge(
            type: challengeType, identifier: challenge.domain, token: challenge.token, keyAuthorization: challenge.keyAuthorization,
            expires: Date().addingTimeInterval(Self.lifetime)
        )
    }
}
