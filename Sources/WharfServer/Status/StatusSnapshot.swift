import Foundation
import Upstream

/// Everything the status page shows, gathered at one moment so rendering is a pure function.
struct StatusSnapshot: Sendable {
    struct Upstream: Sendable {
        var name: String
        var origin: String
        var health: UpstreamHealth.Record
        var budget = UpstreamBudget.Reading()
    }

    struct Store: Sendable {
        var root: String
        var bytes: Int64?
        var objects: Int?
        var measuredAt: Date?
        var maxSize: Int64?
    }

    struct Certificate: Sendable {
        var names: [String]
        var issuer: String
        var serial: String
        var notAfter: Date
        var isSelfIssued: Bool
    }

    var now: Date
    var startedAt: Date
    var upstreams: [Upstream]
    var reachabilityWindow: TimeInterval
    var store: Store
    var cache: ServerActivity.CacheCounts
    var certificate: Certificate?
    var recentErrors: [ServerActivity.RecentError]
    var repositories = ImageStatistics.Ranking(top: [], other: nil)
    var clients = ImageStatistics.Ranking(top: [], other: nil)
}
