import Registry
import Storage
import Upstream

/// How long cached answers stay fresh, and when a stale one may be served: pure decisions,
/// tested without a store or an upstream.
public struct CachePolicy: Sendable, Equatable {
    /// Within this time after the upstream last confirmed a tag, it is answered from the cache
    /// with no upstream request (`proxy.tagttl`, default 1 minute).
    public var tagTTL: Duration

    public init(tagTTL: Duration = .seconds(60)) {
        self.tagTTL = tagTTL
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
