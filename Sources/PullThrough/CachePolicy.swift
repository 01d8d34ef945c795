/// How long cached answers stay fresh.
public struct CachePolicy: Sendable, Equatable {
    /// Within this time after the upstream last confirmed a tag, it is answered from the cache
    /// with no upstream request (`proxy.tagttl`, default 1 minute).
    public var tagTTL: Duration

    public init(tagTTL: Duration = .seconds(60)) {
        self.tagTTL = tagTTL
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
