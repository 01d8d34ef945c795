import ACME

/// The order challenges are tried in: the configured list, with the one that obtained the stored
/// certificate moved to the front.
enum ChallengeOrder {
    /// `solvers` with the one of type `remembered` (a ``ChallengeType`` raw value) first.
    static func solvers(_ solvers: [any ChallengeSolver], preferring remembered: String?) -> [any ChallengeSolver] {
        guard let remembered, let index = solvers.firstIndex(where: { $0.challengeType.rawValue == remembered }) else { return solvers }
        var ordered = solvers
        ordered.insert(ordered.remove(at: index), at: 0)
        return ordered
    }

    /// Whether, after `error`, the next challenge is worth an order: not for a rate limit (the next
    /// order meets the same limit), a configuration the CA refuses, nor a certificate already
    /// replaced (the caller handles it).
    static func fallsBack(after error: ACMEError) -> Bool {
        error.retryAfter == nil && error.kind != .invalidConfiguration && error.problem?.shortType != "alreadyReplaced"
    }
}
