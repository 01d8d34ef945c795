import ACME
import Foundation

/// When the current certificate is to be renewed, on what basis, and when to ask the CA's
/// renewalInfo endpoint again. Made by ``RenewalPolicy/plan(_:previous:notBefore:notAfter:now:random:)``.
public struct RenewalPlan: Sendable, Hashable {
    /// What the renewal time was taken from.
    public enum Basis: Sendable, Hashable {
        /// Two thirds of the lifetime (half under 10 days), with jitter.
        case lifetime
        /// A moment inside the window the CA suggested (RFC 9773).
        case window(RenewalInfo.Window)
    }

    /// The moment to renew.
    public let renewAt: Date
    /// What ``renewAt`` was taken from.
    public let basis: Basis
    /// When to ask the CA for renewal information again; nil when it offers none.
    public let askAgainAt: Date?

    /// A plan, e.g. for a test; ``RenewalPolicy/plan(_:previous:notBefore:notAfter:now:random:)`` makes the real ones.
    public init(renewAt: Date, basis: Basis, askAgainAt: Date?) {
        self.renewAt = renewAt
        self.basis = basis
        self.askAgainAt = askAgainAt
    }

    /// The earlier of ``renewAt`` and ``askAgainAt``: when the scheduler wakes next.
    public var wakeAt: Date { min(renewAt, askAgainAt ?? renewAt) }
}

/// What asking the CA for renewal information gave.
public enum RenewalInfoOutcome: Sendable, Hashable {
    /// The CA has no renewalInfo endpoint (or the certificate is not from a CA).
    case notOffered
    /// The request failed or the answer was unusable; `retryAfter` if the CA sent one.
    case failed(retryAfter: Duration?)
    /// The CA suggested `window`, to be asked again after `retryAfter`.
    case answered(RenewalInfo.Window, retryAfter: Duration?)
}
