import ACME
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Obtains the certificate for `hosts` from an ACME CA, installs it in the provider, and
/// renews it on time. A Service: serving never waits on it, and a failure only logs, counts,
/// backs off and retries while the current certificate keeps serving.
public struct ACMECertificateManager: Service {
    /// What to order and how.
    public struct Order: Sendable {
        public var hosts: [String]
        public var keyType: KeyType
        public var preferredChain: String?

        public init(hosts: [String], keyType: KeyType = .ecdsaP256, preferredChain: String? = nil) {
            self.hosts = hosts
            self.keyType = keyType
            self.preferredChain = preferredChain
        }

        /// The state folder's name for this certificate.
        public var name: String { ACMEStateStore.certificateName(for: hosts) }
    }

    let order: Order
    let client: ACMEClient
    let solver: any ChallengeSolver
    let provider: CertificateProvider
    let policy: RenewalPolicy
    let logger: Logger

    public init(order: Order, client: ACMEClient, solver: any ChallengeSolver, provider: CertificateProvider, policy: RenewalPolicy = .init(), logger: Logger) {
        self.order = order
        self.client = client
        self.solver = solver
        self.provider = provider
        self.policy = policy
        self.logger = logger
    }

    /// The pair to serve at start: the stored certificate for these hosts if it is still
    /// valid, else a temporary self-signed one (logged as such) until the CA issues one.
    public static func initialPair(order: Order, store: ACMEStateStore, logger: Logger) async throws -> CertificatePair {
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
        var failures = 0
        while !Task.isCancelled {
            let wait = await nextAttemptDelay(failures: failures)
            if wait > 0 {
                logger.info("next certificate renewal planned", metadata: ["in": "\(Int(wait)) s", "hosts": "\(order.hosts)"])
                Gauge(label: "wharf_certificate_next_renewal_seconds").record(wait)
                do {
                    try await cancelWhenGracefulShutdown { try await waitUntilDueOrRequested(wait) }
                } catch {
                    return
                }
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                try await renew()
                failures = 0
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                Counter(label: "wharf_certificate_renewals_total", dimensions: [("result", "failure")]).increment()
                let current = provider.current
                logger.error(
                    "obtaining a certificate failed; the current certificate keeps serving",
                    metadata: ["hosts": "\(order.hosts)", "attempt": "\(failures)", "error": "\(error)", "serving": "\(current.serialNumberHex)"]
                )
                if current.notAfter.timeIntervalSinceNow < current.notAfter.timeIntervalSince(current.notBefore) / 10 {
                    logger.warning("the certificate is in the last tenth of its life and renewals are failing", metadata: ["notAfter": "\(current.notAfter)"])
                }
                try? await client.accountStore.recordFailure(name: order.name, hosts: order.hosts, directoryURL: client.directoryURL, message: "\(error)")
            }
        }
    }

    /// Sleeps `seconds`, looking every 2 s for a `wharf cert renew` request in the state folder.
    private func waitUntilDueOrRequested(_ seconds: TimeInterval) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: min(.seconds(2), deadline - ContinuousClock.now))
            switch RenewalRequest.take(in: client.accountStore.folder) {
            case .force:
                logger.notice("renewal requested with --force", metadata: ["hosts": "\(order.hosts)"])
                return
            case .ifDue:
                if await nextAttemptDelay(failures: 0) <= 0 { return }
                logger.notice("renewal requested, but the certificate is not due; keeping it", metadata: ["hosts": "\(order.hosts)"])
            case nil:
                continue
            }
        }
    }

    /// Seconds until the next attempt: now for a temporary or mismatched certificate, the
    /// policy's renewal time otherwise, the backoff after failures.
    func nextAttemptDelay(failures: Int) async -> TimeInterval {
        let current = provider.current
        let now = Date()
        if failures > 0 {
            return policy.retryDelay(attempt: failures, notAfter: current.isSelfIssued ? nil : current.notAfter, now: now)
        }
        guard !current.isSelfIssued, Set(current.names) == Set(order.hosts) else { return 0 }
        let due = policy.renewalTime(notBefore: current.notBefore, notAfter: current.notAfter, random: Double.random(in: 0..<1))
        Gauge(label: "wharf_certificate_expiry_seconds").record(current.notAfter.timeIntervalSince(now))
        return max(0, due.timeIntervalSince(now))
    }

    /// Installs a certificate another instance sharing the state folder stored meanwhile.
    /// - Returns: whether the stored one was newer and is now served.
    private func adoptStoredCertificate() async -> Bool {
        guard let stored = try? await client.accountStore.loadCertificate(name: order.name),
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

    private func renew() async throws {
        // Another instance on the same state folder may have renewed already.
        if await adoptStoredCertificate(), await nextAttemptDelay(failures: 0) > 0 { return }
        let lock = StateFolderLock(folder: client.accountStore.folder)
        while !lock.acquire() {
            logger.info("another instance is ordering the certificate; waiting for it", metadata: ["lock": "\(lock.path)"])
            try await Task.sleep(for: .seconds(2))
            if await adoptStoredCertificate() { return }
        }
        defer { lock.release() }
        if await adoptStoredCertificate(), await nextAttemptDelay(failures: 0) > 0 { return }
        let started = ContinuousClock.now
        let issued = try await client.obtainCertificate(hosts: order.hosts, keyType: order.keyType, solver: solver, preferredChain: order.preferredChain)
        try await client.accountStore.saveCertificate(issued, name: order.name, directoryURL: client.directoryURL, keyType: order.keyType)
        let pair = try CertificatePair.fromPEM(certificate: issued.chainPEM, key: issued.privateKeyPEM)
        try provider.install(pair)
        Counter(label: "wharf_certificate_renewals_total", dimensions: [("result", "success")]).increment()
        Gauge(label: "wharf_certificate_expiry_seconds").record(pair.notAfter.timeIntervalSinceNow)
        logger.notice(
            "installed a certificate from the ACME CA",
            metadata: ["hosts": "\(order.hosts)", "serial": "\(pair.serialNumberHex)", "notAfter": "\(pair.notAfter)", "took": "\(ContinuousClock.now - started)"]
        )
    }
}
