import Foundation
import Logging
import ServiceLifecycle

/// Keeps the local CA's server certificate fresh in a running server.
///
/// Every ``checkInterval`` (a day by default) it asks the ``LocalCertificateAuthority`` for a leaf;
/// when that is a new one (renewed, or re-issued for changed names) it is installed in the
/// ``CertificateProvider`` and the next handshake presents it. Failures are logged and retried at
/// the next check; serving never stops. Use it only when the provider serves the local CA's
/// certificate: it replaces whatever the provider holds.
public struct LocalCertificateRenewer: Service {
    /// The authority that issues the leaf.
    public let authority: LocalCertificateAuthority
    /// The names the leaf must carry.
    public let names: [String]
    /// How often to check.
    public let checkInterval: Duration

    private let provider: CertificateProvider
    private let logger: Logger

    /// Creates a renewer; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - authority: the local CA.
    ///   - names: the names the leaf must carry, as given to ``LocalCertificateAuthority/ensureLeaf(names:now:)``.
    ///   - provider: where a new leaf is installed.
    ///   - checkInterval: how often to check; a day by default.
    ///   - logger: where failures are logged.
    public init(
        authority: LocalCertificateAuthority,
        names: [String],
        provider: CertificateProvider,
        checkInterval: Duration = .seconds(86_400),
        logger: Logger = Logger(label: "wharf.certificates")
    ) {
        self.authority = authority
        self.names = names
        self.provider = provider
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// Checks every ``checkInterval`` until the task is cancelled or a graceful shutdown begins.
    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [checkInterval] in
                    try await Task.sleep(for: checkInterval)
                }
            } catch {
                return
            }
            do {
                try await renewIfDue()
            } catch {
                logger.error(
                    "could not renew the local server certificate: \(error); the current one keeps serving",
                    metadata: ["reason": "\(error.kind)"]
                )
            }
        }
    }

    /// One check: gets the leaf from the authority and installs it if it differs from the one served.
    ///
    /// - Returns: whether a new leaf was installed.
    @discardableResult
    public func renewIfDue(now: Date = Date()) async throws(TLSCertificateError) -> Bool {
        let leaf = try await authority.ensureLeaf(names: names, now: now)
        guard leaf.serialNumberHex != provider.current.serialNumberHex else {
            return false
        }
        try provider.install(leaf, now: now)
        return true
    }
}
