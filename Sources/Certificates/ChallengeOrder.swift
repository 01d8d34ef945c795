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

/// The challenges tried for an order failed; the description gives each one's error, prefixed
/// with its type (`http-01: the CA could not validate ...`).
public struct ChallengeFallbackError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case allFailed([String])
    }

    private let code: Code

    /// `failures`: for each challenge tried, in order, `type: error`.
    init(failures: [String]) {
        code = .allFailed(failures)
    }

    /// Each challenge's failure, in the order tried.
    public var description: String {
        switch code {
        case .allFailed(let failures) where failures.count == 1: failures[0]
        case .allFailed(let failures): "every challenge tried failed: " + failures.joined(separator: "; then ")
        }
    }
}
