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
