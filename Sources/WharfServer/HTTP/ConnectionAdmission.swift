import Metrics
import Synchronization
import WharfMetrics

/// The open connections of one listener, in all and per client address, against their limits.
///
/// A connection beyond a limit is refused (closed at once) rather than queued, so that a
/// client opening thousands never makes the others wait.
final class ConnectionAdmission: Sendable {
    /// Why a connection was refused: the `reason` label of ``WharfMetric/connectionsRefused``.
    enum Refusal: String, Sendable {
        case total = "connections"
        case perClient = "connectionsperclient"
    }

    private struct Counts {
        var total = 0
        var perClient: [String: Int] = [:]
    }

    private let maxTotal: Int
    private let maxPerClient: Int
    private let counts = Mutex(Counts())
    private let open = Meter(label: WharfMetric.connectionsOpen.name)
    private let refusedTotal = Counter(label: WharfMetric.connectionsRefused.name, dimensions: [(WharfMetric.Label.reason, Refusal.total.rawValue)])
    private let refusedPerClient = Counter(label: WharfMetric.connectionsRefused.name, dimensions: [(WharfMetric.Label.reason, Refusal.perClient.rawValue)])

    init(_ limits: WharfConfiguration.ListenerLimits) {
        maxTotal = limits.maxConnections
        maxPerClient = limits.maxConnectionsPerClient
    }

    /// Counts a new connection from `client`, or says why it must be refused (and counts that).
    func admit(_ client: String) -> Refusal? {
        let refusal: Refusal? = counts.withLock { counts in
            if counts.total >= maxTotal { return .total }
            let fromClient = counts.perClient[client, default: 0]
            if fromClient >= maxPerClient { return .perClient }
            counts.total += 1
            counts.perClient[client] = fromClient + 1
            return nil
        }
        switch refusal {
        case .total: refusedTotal.increment()
        case .perClient: refusedPerClient.increment()
        case nil: open.increment()
        }
        return refusal
    }

    /// Uncounts a connection ``admit(_:)`` let in.
    func release(_ client: String) {
        counts.withLock { counts in
            counts.total -= 1
            let left = counts.perClient[client, default: 1] - 1
            counts.perClient[client] = left > 0 ? left : nil
        }
        open.decrement()
    }
}
