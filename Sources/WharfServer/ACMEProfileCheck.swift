import ACME
import Foundation
import Certificates
import FileIO
import Logging
import WharfMetrics
import Metrics
import ServiceLifecycle

/// Checks `http.tls.letsencrypt.profile` against the profiles the CA lists, in the background,
/// as start-up never waits on the CA.
///
/// A profile the CA does not offer fails loudly without stopping the server: an error in the
/// log naming the key and the CA's profiles, `wharf_acme_profile_valid` 0, and the certificate's
/// last error (`wharf cert status`). Orders are not sent with it: the ACME client refuses a
/// profile the directory does not list, so each attempt fails and is retried with backoff.
struct ACMEProfileCheck: Service {
    /// What the CA's directory says about the configured profile.
    enum Verdict: Equatable {
        /// The CA offers it: orders ask for it.
        case accepted
        /// The CA lists no profiles: orders go without one (the message says so).
        case ignored(String)
        /// The CA lists profiles but not this one.
        case rejected(ConfigurationError)
    }

    static let key = "http.tls.letsencrypt.profile"

    /// The configured profile; nil when only the IP-address check runs.
    let profile: String?
    let client: ACMEClient
    /// Where a rejection is recorded as the certificate's last error.
    let store: any CertificateStateStore
    /// The certificate's name in the state folder, whose last error a rejection becomes.
    let certificateName: String
    let hosts: [String]
    let origins: ConfigurationOrigins
    let logger: Logger

    /// The verdict for `profile` given what the CA at `directoryURL` supports.
    static func judge(profile: String, support: ACMEDirectory.ProfileSupport, directoryURL: String, origins: ConfigurationOrigins) -> Verdict {
        switch support {
        case .offered:
            return .accepted
        case .noProfiles:
            return .ignored("\(key): the CA at \(directoryURL) lists no certificate profiles; \(String(reflecting: profile)) is ignored and orders go without a profile")
        case .notOffered(let offered):
            return .rejected(origins.error(
                key,
                "\(String(reflecting: profile)) is not a profile the CA at \(directoryURL) offers; it offers \(offered.joined(separator: ", "))"
            ))
        }
    }

    /// The warning for IP-address `hosts` when the CA lists `profiles` and `profile` is not one that
    /// allows IP addresses (Let's Encrypt issues them only under `shortlived`); nil otherwise.
    static func ipAddressWarning(hosts: [String], profile: String?, profiles: [String: String], directoryURL: String) -> String? {
        let addresses = hosts.filter { IPAddressText.bytes(of: $0) != nil }
        guard !addresses.isEmpty, !profiles.isEmpty else { return nil }
        let allowingIPs = profiles.filter { name, description in name == "shortlived" || description.localizedCaseInsensitiveContains("ip address") }.keys.sorted()
        if let profile, allowingIPs.contains(profile) { return nil }
        let advice = allowingIPs.isEmpty ? "none of its profiles says it allows them" : "set \(key) to \(allowingIPs.joined(separator: " or "))"
        return "the hosts list IP addresses (\(addresses.joined(separator: ", "))) and the CA at \(directoryURL) lists profiles (\(profiles.keys.sorted().joined(separator: ", "))); "
            + "\(profile.map { "profile \(String(reflecting: $0))" } ?? "no profile") may not allow IP-address certificates: \(advice)"
    }

    /// Checks once, then stays until shutdown: a ServiceGroup ends when any of its services returns.
    func run() async throws {
        await cancelWhenGracefulShutdown { await check() }
        try await gracefulShutdown()
    }

    /// Fetches the directory and reports the ``judge(profile:support:directoryURL:origins:)`` verdict.
    func check() async {
        let directory: ACMEDirectory
        do {
            directory = try await client.directory()
        } catch {
            logger.warning("cannot check the certificate profile against the CA now; each order checks it", metadata: ["profile": "\(profile ?? "-")", "error": "\(error)"])
            return
        }
        if let warning = Self.ipAddressWarning(hosts: hosts, profile: profile, profiles: directory.profiles, directoryURL: client.directoryURL) {
            logger.warning("\(warning)")
        }
        guard let profile else { return }
        let valid = Gauge(label: WharfMetric.acmeProfileValid.name)
        switch Self.judge(profile: profile, support: directory.support(forProfile: profile), directoryURL: client.directoryURL, origins: origins) {
        case .accepted:
            valid.record(1)
            logger.info("ordering certificates with a profile", metadata: ["profile": "\(profile)", "description": "\(directory.profiles[profile] ?? "")"])
        case .ignored(let message):
            valid.record(1)
            logger.warning("\(message)")
        case .rejected(let error):
            valid.record(0)
            logger.error("the CA does not offer the configured certificate profile; no certificate is ordered until it is changed: \(error)")
            try? await store.recordFailure(name: certificateName, hosts: hosts, directoryURL: client.directoryURL, message: "\(error)", at: Date())
        }
    }
}
