import Certificates
import Foundation
import PullThrough
import Storage
import Upstream

/// Where the status page and `/readyz` read the server's state from.
struct StatusSources: Sendable {
    let startedAt: Date
    let upstreams: [UpstreamTarget]
    /// How long ago an upstream's last answer may be for it to count as reachable.
    let reachabilityWindow: TimeInterval
    let activity: ServerActivity
    let sweeper: StoreSweeperService
    let store: any ContentStore
    /// The served certificate, when TLS is on.
    let certificates: CertificateProvider?

    /// One line per upstream that has not answered within the window; empty when all have.
    func unreachableUpstreams(now: Date = Date()) -> [String] {
        upstreams.compactMap { upstream in
            let name = upstream.client.configuration.name
            let record = upstream.client.health.record
            guard !record.isReachable(now: now, window: reachabilityWindow) else { return nil }
            if record.isFailing, let message = record.lastFailureMessage { return "upstream \(name) is unreachable: \(message)" }
            return record.lastAnswer == nil ? "upstream \(name) has not answered yet" : "upstream \(name) has not answered for \(Int(reachabilityWindow)) s"
        }
    }

    func snapshot(now: Date = Date()) -> StatusSnapshot {
        let measured = sweeper.lastMeasured
        return StatusSnapshot(
            now: now,
            startedAt: startedAt,
            upstreams: upstreams.map {
                let configuration = $0.client.configuration
                return .init(name: configuration.name, origin: configuration.origin, health: $0.client.health.record, budget: $0.client.budget.reading)
            },
            reachabilityWindow: reachabilityWindow,
            store: .init(root: store.location, bytes: measured?.bytes, objects: measured?.objects, measuredAt: measured?.measuredAt, maxSize: sweeper.sweeper.plan.maxSize),
            cache: activity.cacheCounts,
            certificate: certificates.map {
                let pair = $0.current
                return .init(names: pair.names, issuer: pair.issuerCommonName ?? pair.subject, serial: pair.serialNumberHex, notAfter: pair.notAfter, isSelfIssued: pair.isSelfIssued)
            },
            recentErrors: activity.recentErrors,
            repositories: activity.images.repositories,
            clients: activity.images.clients
        )
    }
}
