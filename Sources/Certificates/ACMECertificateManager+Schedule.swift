import ACME
import Foundation
import Logging

/// Planning and waiting: when the scheduler wakes next, and why.
extension ACMECertificateManager {
    /// The plan for the certificate being served, and its ARI identifier when the CA answered for it.
    struct Schedule: Sendable {
        let serial: String
        let plan: RenewalPlan
        let replaces: ARICertificateID?
    }

    /// Why the scheduler woke up.
    enum Wake {
        case timer, forced, requestedWhileDue
        /// A newer certificate another instance sharing the state stored is now served.
        case adopted
    }

    /// How many 2 s looks for a renewal request pass between two looks for a certificate
    /// another instance stored (after `wharf cert renew --force` at one of them, say).
    static let looksPerAdoptionCheck = 15

    /// Plans the renewal of `current`: from the CA's suggested window when it offers ACME
    /// Renewal Information, else (or when asking fails) from its lifetime.
    func makeSchedule(for current: CertificatePair, previous: RenewalPlan?) async -> Schedule {
        let (plan, id) = await RenewalPlanner(client: client, policy: policy, logger: logger).plan(for: current, previous: previous)
        if let previous, previous.basis != plan.basis {
            logger.notice("renewal planned again from the CA's new window", metadata: ["was": "\(previous.renewAt.formatted(.iso8601))", "renewAt": "\(plan.renewAt.formatted(.iso8601))"])
        }
        return Schedule(serial: current.serialNumberHex, plan: plan, replaces: id)
    }

    func plannedMetadata(wait: TimeInterval, failures: Int, schedule: Schedule?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["in": "\(Int(wait)) s", "hosts": "\(order.hosts)"]
        guard failures == 0, let plan = schedule?.plan else { return metadata }
        metadata["renewAt"] = "\(plan.renewAt.formatted(.iso8601))"
        switch plan.basis {
        case .lifetime:
            metadata["basis"] = "lifetime"
        case .window(let window):
            metadata["basis"] = "CA window \(window.start.formatted(.iso8601)) to \(window.end.formatted(.iso8601))"
        }
        if let askAgainAt = plan.askAgainAt { metadata["askCAAgainAt"] = "\(askAgainAt.formatted(.iso8601))" }
        return metadata
    }

    /// Sleeps `seconds`, looking every 2 s for a `wharf cert renew` request in the state, and
    /// every 30 s for a newer certificate another instance stored.
    /// - Parameter renewAt: the planned renewal, against which `wharf cert renew` (without
    ///   `--force`) is judged; nil when an attempt is due anyway.
    func waitUntilDueOrRequested(_ seconds: TimeInterval, renewAt: Date?) async throws -> Wake {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var looks = 0
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: min(.seconds(2), deadline - ContinuousClock.now))
            looks += 1
            if looks % Self.looksPerAdoptionCheck == 0, await adoptStoredCertificate() { return .adopted }
            switch await store.takeRenewalRequest() {
            case .force:
                logger.notice("renewal requested with --force", metadata: ["hosts": "\(order.hosts)"])
                return .forced
            case .ifDue:
                if needsCertificateNow(provider.current) || (renewAt ?? .distantPast) <= Date() { return .requestedWhileDue }
                logger.notice("renewal requested, but the certificate is not due; keeping it", metadata: ["hosts": "\(order.hosts)"])
            case nil:
                continue
            }
        }
        return .timer
    }
}
