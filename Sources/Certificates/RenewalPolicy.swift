import Foundation

/// When to renew a certificate and how long to wait after a failed attempt, as pure
/// functions of the certificate's dates and the clock, so a test can drive them.
public struct RenewalPolicy: Sendable {
    /// Largest random delay added to a renewal time, so a fleet does not renew in the same second.
    public var maximumJitter: TimeInterval = 600

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

    /// How long to wait after the `attempt`-th failure in a row (1-based): about 1 min,
    /// 10 min, 100 min, then every 4 hours — but never more than a tenth of the time the
    /// current certificate has left, so retries grow more urgent as expiry nears (at least 30 s).
    public func retryDelay(attempt: Int, notAfter: Date?, now: Date) -> TimeInterval {
        let ladder: [TimeInterval] = [60, 600, 6000]
        var delay = attempt >= 1 && attempt <= ladder.count ? ladder[attempt - 1] : 4 * 3600
        if let notAfter {
            let left = notAfter.timeIntervalSince(now)
            if left > 0 { delay = min(delay, max(30, left / 10)) } else { delay = min(delay, 60) }
        }
        return delay
    }
}
