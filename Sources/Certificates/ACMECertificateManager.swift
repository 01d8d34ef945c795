import ACME
import Foundation
import Logging
import Metrics
import WharfMetrics
import ServiceLifecycle

/// Obtains the certificate for `hosts` from an ACME CA, installs it in the provider, keeps it in
/// the ``CertificateStateStore`` (shared with other instances), and renews it on time. A Service: serving never waits on it, and a failure only logs, counts,
/// backs off and retries while the current certificate keeps serving.
public struct ACMECertificateManager: Service {
    /// What to order and how.
    public struct Order: Sendable {
        public var hosts: [String]
        public var keyType: KeyType
        public var preferredChain: String?
        /// The certificate profile to ask for, when the CA offers profiles.
        public var profile: String?

        public init(hosts: [String], keyType: KeyType = .ecdsaP256, preferredChain: String? = nil, profile: String? = nil) {
            self.hosts = hosts
            self.keyType = keyType
            self.preferredChain = preferredChain
            self.profile = profile
        }

        /// The state folder's name for this certificate.
        public var name: String { CertificateStateFolder.certificateName(for: hosts) }
    }

    let order: Order
    let client: ACMEClient
    let store: any CertificateStateStore
    /// The challenges to try, in the configured order; the one that last worked goes first.
    let solvers: [any ChallengeSolver]
    let provider: CertificateProvider
    let policy: RenewalPolicy
    /// The listeners the CA's validator reaches, waited for before the first order.
    let listeners: ListenerReadiness?
    let logger: Logger

    /// - Parameters:
    ///   - client: the CA; its account store is usually `store` too.
    ///   - store: where certificates, the order lock and renewal requests are kept.
    ///   - solvers: the challenges to try in order when one fails (at least one); the one that
    ///     obtained the stored certificate is tried first.
    ///   - listeners: when set, nothing is ordered before these listeners are bound.
    public init(
        order: Order,
        client: ACMEClient,
        store: any CertificateStateStore,
        solvers: [any ChallengeSolver],
        provider: CertificateProvider,
        policy: RenewalPolicy = .init(),
        listeners: ListenerReadiness? = nil,
        logger: Logger
    ) {
        self.order = order
        self.client = client
        self.store = store
        self.solvers = solvers
        self.provider = provider
        self.policy = policy
        self.listeners = listeners
        self.logger = logger
    }

    /// The pair to serve at start: the stored certificate for these hosts if it is still
    /// valid, else a temporary self-signed one (logged as such) until the CA issues one.
    public static func initialPair(order: Order, store: any CertificateStateStore, logger: Logger) async throws -> CertificatePair {
        if let stored = try? await store.loadCertificate(name: order.name),
            Set(stored.metadata.hosts) == Set(order.hosts),
            let pair = try? CertificatePair.fromPEM(certificate: stored.chainPEM, key: stored.privateKeyPEM)
        {
            logger.notice("serving the stored ACME certificate", metadata: ["hosts": "\(order.hosts)", "notAfter": "\(pair.notAfter)", "serial": "\(pair.serialNumberHex)"])
            return pair
        }
        logger.warning("serving a temporary self-signed certificate until the ACME CA issues one", metadata: ["hosts": "\(order.hosts)"])
        return try SelfSignedCertificate.make(names: order.hosts, validity: 7 * 86400)
    }

    public func run() async throws {
        await listeners?.wait(atMost: .seconds(10))
        var failures = 0
        var schedule: Schedule?
        while !Task.isCancelled {
            let current = provider.current
            let wait: TimeInterval
            if failures > 0 {
                wait = policy.retryDelay(attempt: failures, notAfter: current.isSelfIssued ? nil : current.notAfter, now: Date())
                Gauge(label: WharfMetric.certificateNextRenewal.name).record(wait)
            } else if needsCertificateNow(current) {
                wait = 0
            } else if let directory = await otherDirectory(of: current) {
                logger.notice(
                    "the stored certificate is from another ACME directory; replacing it now, and serving it until then",
                    metadata: ["issuedBy": "\(directory)", "directory": "\(client.directoryURL)", "serial": "\(current.serialNumberHex)"]
                )
                wait = 0
            } else {
                let planned: Schedule
                if let schedule, schedule.serial == current.serialNumberHex, !(schedule.plan.askAgainAt.map { $0 <= Date() } ?? false) {
                    planned = schedule
                } else {
                    planned = await makeSchedule(for: current, previous: schedule?.serial == current.serialNumberHex ? schedule?.plan : nil)
                    schedule = planned
                }
                let plan = planned.plan
                wait = max(0, plan.wakeAt.timeIntervalSinceNow)
                Gauge(label: WharfMetric.certificateExpiry.name).record(current.notAfter.timeIntervalSinceNow)
                Gauge(label: WharfMetric.certificateNextRenewal.name).record(max(0, plan.renewAt.timeIntervalSinceNow))
            }
            var wake = Wake.timer
            if wait > 0 {
                logger.info("next certificate renewal planned", metadata: plannedMetadata(wait: wait, failures: failures, schedule: schedule))
                let renewAt = failures > 0 ? nil : schedule?.plan.renewAt
                do {
                    wake = try await cancelWhenGracefulShutdown { try await waitUntilDueOrRequested(wait, renewAt: renewAt) }
                } catch {
                    return
                }
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            if wake == .adopted { continue }
            // Woken to ask the CA for renewal information again, not to renew.
            if wake == .timer, failures == 0, let plan = schedule?.plan, schedule?.serial == provider.current.serialNumberHex,
                !needsCertificateNow(provider.current), plan.renewAt > Date()
            {
                continue
            }
            let replaces = schedule?.serial == provider.current.serialNumberHex ? schedule?.replaces : nil
            do {
                try await renew(replaces: replaces, force: wake == .forced)
                failures = 0
            } catch where error is CancellationError || Task.isCancelled {
                return   // a transport error caused by the cancellation is not a failed renewal either
            } catch {
                failures += 1
                Counter(label: WharfMetric.certificateRenewals.name, dimensions: [(WharfMetric.Label.result, "failure")]).increment()
                let current = provider.current
                logger.error(
                    "obtaining a certificate failed; the current certificate keeps serving",
                    metadata: ["hosts": "\(order.hosts)", "attempt": "\(failures)", "error": "\(error)", "serving": "\(current.serialNumberHex)"]
                )
                if current.notAfter.timeIntervalSinceNow < current.notAfter.timeIntervalSince(current.notBefore) / 10 {
                    logger.warning("the certificate is in the last tenth of its life and renewals are failing", metadata: ["notAfter": "\(current.notAfter)"])
                }
                try? await store.recordFailure(name: order.name, hosts: order.hosts, directoryURL: client.directoryURL, message: "\(error)", at: Date())
            }
        }
    }

    /// Whether `current` must be replaced at once: a temporary certificate, or one for other names.
    func needsCertificateNow(_ current: CertificatePair) -> Bool {
        current.isSelfIssued || Set(current.names) != Set(order.hosts)
    }

    /// The directory `current` was issued from when that is not the configured one (the
    /// operator moved from staging to production, or to another CA): such a certificate is
    /// replaced at once, not at its renewal time. The state's metadata records the directory.
    private func otherDirectory(of current: CertificatePair) async -> String? {
        guard !current.isSelfIssued, let metadata = try? await store.loadMetadata(name: order.name),
            metadata.directoryURL != client.directoryURL
        else { return nil }
        return metadata.directoryURL
    }

    /// Whether `pair` is inside its renewal time by the lifetime rule (without jitter), for a
    /// certificate another instance stored.
    private func isDueByLifetime(_ pair: CertificatePair) -> Bool {
        needsCertificateNow(pair) || policy.renewalTime(notBefore: pair.notBefore, notAfter: pair.notAfter, random: 0) <= Date()
    }

    /// Installs a certificate another instance sharing the state folder stored meanwhile.
    /// - Returns: whether the stored one was newer and is now served.
    func adoptStoredCertificate() async -> Bool {
        guard let stored = try? await store.loadCertificate(name: order.name),
            Set(stored.metadata.hosts) == Set(order.hosts),
            let pair = try? CertificatePair.fromPEM(certificate: stored.chainPEM, key: stored.privateKeyPEM),
            pair.serialNumberHex != provider.current.serialNumberHex,
            provider.current.isSelfIssued || pair.notAfter > provider.current.notAfter
        else { return false }
        do {
            try provider.install(pair)
        } catch {
            return false
        }
        logger.notice("installed the certificate another instance stored", metadata: ["serial": "\(pair.serialNumberHex)", "notAfter": "\(pair.notAfter)"])
        return true
    }

    /// Orders and installs a new certificate, unless another instance sharing the state folder
    /// stored one meanwhile (and `force` is not set).
    /// - Parameter replaces: the ARI identifier of the certificate being replaced, when the CA knows it.
    private func renew(replaces: ARICertificateID?, force: Bool) async throws {
        if !force, await adoptStoredCertificate(), !isDueByLifetime(provider.current) { return }
        let lock = store.orderLock()
        while await !lock.acquire(now: Date()) {
            logger.info("another instance is ordering the certificate; waiting for it", metadata: ["lock": "\(lock.location)"])
            try await Task.sleep(for: .seconds(2))
            if await adoptStoredCertificate() { return }
        }
        do {
            try await renewHoldingLock(replaces: replaces, force: force)
        } catch {
            await lock.release()
            throw error
        }
        await lock.release()
    }

    /// ``renew(replaces:force:)`` once the order lock is taken.
    private func renewHoldingLock(replaces: ARICertificateID?, force: Bool) async throws {
        if !force, await adoptStoredCertificate(), !isDueByLifetime(provider.current) { return }
        let started = ContinuousClock.now
        let issued: IssuedCertificate
        do {
            issued = try await obtain(replaces: replaces)
        } catch let error as ACMEError where error.problem?.shortType == "alreadyReplaced" {
            guard let replaces else { throw error }
            // RFC 9773 §5: the CA says the certificate was replaced already; an order without
            // `replaces` still renews it.
            logger.notice("the CA says the certificate was already replaced; ordering without replaces", metadata: ["replaces": "\(replaces)"])
            issued = try await obtain(replaces: nil)
        }
        try await store.saveCertificate(issued, name: order.name, directoryURL: client.directoryURL, keyType: order.keyType)
        let pair = try CertificatePair.fromPEM(certificate: issued.chainPEM, key: issued.privateKeyPEM)
        try provider.install(pair)
        Counter(label: WharfMetric.certificateRenewals.name, dimensions: [(WharfMetric.Label.result, "success")]).increment()
        Gauge(label: WharfMetric.certificateExpiry.name).record(pair.notAfter.timeIntervalSinceNow)
        logger.notice(
            "installed a certificate from the ACME CA",
            metadata: ["hosts": "\(order.hosts)", "serial": "\(pair.serialNumberHex)", "notAfter": "\(pair.notAfter)", "took": "\(ContinuousClock.now - started)"]
        )
    }

    /// Orders with each challenge in turn until one succeeds, starting with the one that obtained
    /// the stored certificate. A failure names the challenge it happened with.
    private func obtain(replaces: ARICertificateID?) async throws -> IssuedCertificate {
        let remembered = try? await store.loadMetadata(name: order.name)?.challenge
        let ordered = ChallengeOrder.solvers(solvers, preferring: remembered)
        var failures: [String] = []
        for (index, solver) in ordered.enumerated() {
            logger.info("ordering with a challenge", metadata: ["hosts": "\(order.hosts)", "challenge": "\(solver.challengeType)"])
            do {
                return try await client.obtainCertificate(
                    hosts: order.hosts, keyType: order.keyType, solver: solver, preferredChain: order.preferredChain,
                    replaces: replaces?.value, profile: order.profile
                )
            } catch where error is CancellationError || Task.isCancelled {
                throw error   // shutting down: neither a failure of this challenge nor a reason to try the next
            } catch let error as ACMEError where failures.isEmpty && !ChallengeOrder.fallsBack(after: error) {
                throw error   // about the order, not the challenge: as the CA said it
            } catch {
                failures.append("\(solver.challengeType): \(error)")
                let fallsBack = (error as? ACMEError).map(ChallengeOrder.fallsBack(after:)) ?? true
                guard index < ordered.count - 1, fallsBack else { throw ChallengeFallbackError(failures: failures) }
                let next = ordered[index + 1].challengeType
                logger.warning("the challenge failed; trying the next one", metadata: ["challenge": "\(solver.challengeType)", "next": "\(next)", "error": "\(error)"])
            }
        }
        throw ChallengeFallbackError(failures: failures)
    }
}
