import Foundation
import Registry
import Storage
import Upstream

/// How long cached answers stay fresh, and when a stale one may be served: pure decisions,
/// tested without a store or an upstream.
public struct CachePolicy: Sendable, Equatable {
    /// Within this time after the upstream last confirmed a tag, it is answered from the cache
    /// with no upstream request (`proxy.tagttl`, default 1 minute).
    public var tagTTL: Duration

    /// How much of an upstream's pull budget is kept back (`proxy.ratelimit.reserve`): with
    /// fewer pulls left than this, cached tags are served past `tagTTL` instead of revalidated.
    public var budgetReserve: BudgetReserve

    /// A share of the upstream's limit, or a number of pulls.
    public enum BudgetReserve: Sendable, Equatable {
        /// `10%`: fewer than this share of `ratelimit-limit` left.
        case share(Double)
        /// `20`: fewer than this many pulls left.
        case pulls(Int)
    }

    public init(tagTTL: Duration = .seconds(60), budgetReserve: BudgetReserve = .share(0.1)) {
        self.tagTTL = tagTTL
        self.budgetReserve = budgetReserve
    }

    /// Whether to spare the upstream's budget at `now`: a 429's `Retry-After` has not passed,
    /// or fewer pulls are left than the reserve. Unknown figures spare nothing.
    public func sparesBudget(_ reading: UpstreamBudget.Reading, now: Date) -> Bool {
        if let until = reading.retryUntil, until > now { return true }
        guard let remaining = reading.remaining else { return false }
        switch budgetReserve {
        case .pulls(let pulls):
            return remaining < pulls
        case .share(let share):
            guard let limit = reading.limit, limit > 0 else { return false }
            return Double(remaining) < Double(limit) * share
        }
    }

    /// Whether a tag confirmed as `record` says may be answered at `now` without asking the
    /// upstream. A record from the future (a clock that jumped back) is not fresh.
    public func isFresh(_ record: TagRecord, now: Double) -> Bool {
        let age = now - record.checkedAt
        return age >= 0 && age < tagTTL.seconds
    }

    /// Whether the last known answer may be served when asking the upstream failed this way
    /// (stale-if-error). Not when the upstream says the tag is gone or access is refused:
    /// those are answers, not failures.
    public static func servesStale(after failure: UpstreamError.Kind) -> Bool {
        failure != .notFound && failure != .unauthorized
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
