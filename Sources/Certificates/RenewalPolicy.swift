import ACME
import Foundation

/// When to renew a certificate and how long to wait after a failed attempt, as pure
/// functions of the certificate's dates, the CA's suggested window and the clock, so a test
/// can drive them.
public struct RenewalPolicy: Sendable {
    /// Largest random delay added to a renewal time, so a fleet does not renew in the same second.
    public var maximumJitter: TimeInterval = 600
    /// How long to wait before asking the CA for renewal information again when it sent no
    /// usable `Retry-After` (RFC 9773 §4.3 suggests six hours).
    public var defaultAskAgain: TimeInterval = 6 * 3600
    /// The bounds a CA's `Retry-After` is held to (RFC 9773 §4.3: one minute to one day).
    public var askAgainBounds: ClosedRange<TimeInterval> = 60...86400
    /// The shortest wait between failed attempts, however close expiry is.
    public var minimumRetryDelay: TimeInterval = 2

    /// The defaults above.
    public init() {}

    /// The moment to renew: when two thirds of the lifetime have passed (half, for lifetimes
    /// under 10 days), plus a jitter of at most 1% of the lifetime and ``maximumJitter``.
    /// - Parameter random: a number in 0..<1 (injected for tests).
    public func renewalTime(notBefore: Date, notAfter: Date, random: Double) -> Date {
        let lifetime = max(0, notAfter.timeIntervalSince(notBefore))
        let fraction = lifetime < 10 * 86400 ? 0.5 : 2.0 / 3.0
        let jitter = min(maximumJitter, lifetime * 0.01) * min(max(random, 0), 1)
        return notBefore.addingTimeInterval(lifetime * fraction + jitter)
    }

    /// The moment to renew inside the CA's suggested window (RFC 9773 §4.2): a uniformly random
    /// point of it, or `now` when that point has passed; nil for an invalid window (its end at
    /// or before its start, or a start after the certificate expires), which the caller must
    /// treat as no answer.
    /// - Parameter random: a number in 0..<1 (injected for tests).
    public func renewalTime(window: RenewalInfo.Window, notAfter: Date, now: Date, random: Double) -> Date? {
        guard isUsable(window, notAfter: notAfter) else { return nil }
        let point = window.start.addingTimeInterval(window.end.timeIntervalSince(window.start) * min(max(random, 0), 1))
        return max(point, now)
    }

    /// Whether a suggested window can be followed: valid (its end after its start) and starting
    /// before the certificate expires.
    public func isUsable(_ window: RenewalInfo.Window, notAfter: Date) -> Bool {
        window.isValid && window.start < notAfter
    }

    /// Seconds until the CA's renewalInfo is asked again: its `Retry-After` held to
    /// ``askAgainBounds``, or ``defaultAskAgain`` without one.
    public func askAgainDelay(retryAfter: Duration?) -> TimeInterval {
        guard let retryAfter else { return defaultAskAgain }
        let seconds = Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) / 1e18
        return min(max(seconds, askAgainBounds.lowerBound), askAgainBounds.upperBound)
    }

    /// The renewal plan for a certificate after asking the CA for renewal information.
    ///
    /// A valid window gives a moment inside it; no window, a failed request or an invalid
    /// window keep `previous` (an earlier window the CA suggested included) or, without one,
    /// fall back to the lifetime rule. A moment already chosen for the same window in
    /// `previous` is kept, so asking again does not move the plan unless the CA moved the window.
    /// - Parameters:
    ///   - previous: the plan made for the same certificate before, if any.
    ///   - random: a number in 0..<1 (injected for tests).
    public func plan(
        _ outcome: RenewalInfoOutcome,
        previous: RenewalPlan?,
        notBefore: Date,
        notAfter: Date,
        now: Date,
        random: Double
    ) -> RenewalPlan {
        let askAgainAt: Date?
        switch outcome {
        case .notOffered:
            askAgainAt = nil
        case .failed(let retryAfter):
            askAgainAt = now.addingTimeInterval(askAgainDelay(retryAfter: retryAfter))
        case .answered(let window, let retryAfter):
            askAgainAt = now.addingTimeInterval(askAgainDelay(retryAfter: retryAfter))
            if let previous, previous.basis == .window(window) {
                return RenewalPlan(renewAt: previous.renewAt, basis: previous.basis, askAgainAt: askAgainAt)
            }
            if let moment = renewalTime(window: window, notAfter: notAfter, now: now, random: random) {
                return RenewalPlan(renewAt: moment, basis: .window(window), askAgainAt: askAgainAt)
            }
        }
        // No usable answer: the plan made before (the CA's earlier window included) stands.
        if let previous {
            return RenewalPlan(renewAt: previous.renewAt, basis: previous.basis, askAgainAt: askAgainAt)
        }
        return RenewalPlan(renewAt: renewalTime(notBefore: notBefore, notAfter: notAfter, random: random), basis: .lifetime, askAgainAt: askAgainAt)
    }

    /// How long to wait after the `attempt`-th failure in a row (1-based): about 1 min,
    /// 10 min, 100 min, then every 4 hours — but never more than a tenth of the time the
    /// current certificate has left, so retries grow more urgent as expiry nears (at least
    /// ``minimumRetryDelay``), and at most a minute once it has expired.
    public func retryDelay(attempt: Int, notAfter: Date?, now: Date) -> TimeInterval {
        let ladder: [TimeInterval] = [60, 600, 6000]
        var delay = attempt >= 1 && attempt <= ladder.count ? ladder[attempt - 1] : 4 * 3600
        if let notAfter {
            let left = notAfter.timeIntervalSince(now)
            if left > 0 { delay = min(delay, max(minimumRetryDelay, left / 10)) } else { delay = min(delay, 60) }
        }
        return delay
    }
}
