import Foundation
import Synchronization

/// What the server did lately, kept for the status page: cache answers by result and the last
/// failed requests. Metrics hold the same counts for Prometheus; these are readable in-process.
final class ServerActivity: Sendable {
    /// A request that failed (status 500 and above, or a 4xx other than 401, 404 and 429,
    /// which are clients asking for what is not there or not theirs).
    struct RecentError: Sendable, Equatable {
        var date: Date
        var method: String
        var path: String
        var status: Int
        var message: String
    }

    /// Cache answers by result.
    struct CacheCounts: Sendable, Equatable {
        var hits = 0
        var misses = 0
        var stale = 0

        /// Hits (stale answers included) as a share of all answers; `nil` before the first.
        var hitRatio: Double? {
            let total = hits + misses + stale
            return total == 0 ? nil : Double(hits + stale) / Double(total)
        }
    }

    /// How many recent errors are kept.
    static let recentErrorLimit = 20

    private struct State {
        var cache = CacheCounts()
        var errors: [RecentError] = []
    }

    private let state = Mutex(State())
    /// Pulls, bytes and hits per repository and per client identity.
    let images = ImageStatistics()

    /// Counts one answer by where it came from (`X-Wharf-Cache`).
    func recordCacheAnswer(_ answer: CacheAnswer) {
        state.withLock { state in
            switch answer {
            case .hit: state.cache.hits += 1
            case .miss, .passthrough: state.cache.misses += 1
            case .stale: state.cache.stale += 1
            }
        }
    }

    /// Keeps a failed request, dropping the oldest beyond ``recentErrorLimit``.
    func recordError(_ error: RecentError) {
        state.withLock { state in
            state.errors.append(error)
            if state.errors.count > Self.recentErrorLimit { state.errors.removeFirst(state.errors.count - Self.recentErrorLimit) }
        }
    }

    /// Whether a response with this status belongs among the recent errors.
    static func isWorthShowing(status: Int) -> Bool {
        status >= 500 || (status >= 400 && ![401, 404, 429].contains(status))
    }

    var cacheCounts: CacheCounts { state.withLock { $0.cache } }

    /// The recent errors, newest first.
    var recentErrors: [RecentError] { state.withLock { $0.errors.reversed() } }
}
