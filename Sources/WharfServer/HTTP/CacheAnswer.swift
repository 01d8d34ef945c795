/// Where an answered manifest or blob came from: the value of `X-Wharf-Cache`, and how the
/// status page and the per-image statistics count it.
enum CacheAnswer: String, Sendable {
    /// From the store.
    case hit
    /// Fetched upstream (and stored).
    case miss
    /// From the store because the upstream failed or the budget is spared.
    case stale
    /// Streamed from the upstream without storing (the store could not take it).
    case passthrough

    /// The answer a response's `X-Wharf-Cache` header names, if it names one.
    init?(header value: String?) {
        guard let value else { return nil }
        self.init(rawValue: value)
    }

    /// Whether the cache answered, fresh or stale.
    var isFromCache: Bool { self == .hit || self == .stale }
}
