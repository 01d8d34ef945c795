import ACME
import Certificates
import DNS
import DNS01
import FileIO
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle

/// The certificate provider for the TLS listener and the Services that keep it current.
struct TLSSetup {
    let provider: CertificateProvider
    let services: [any Service]
    let configuration: TLSConfiguration
    /// The pending TLS-ALPN-01 validation certificates the listener answers `acme-tls/1` hellos
    /// from; nil without ACME (certificate files, the local CA), whose listeners read no hello.
    let validations: TLSALPN01ChallengeTable?
    /// The challenges other instances sharing the ACME state published (nil without ACME).
    var sharedChallenges: SharedChallenges?

    static func make(
        _ settings: WharfConfiguration.TLSSettings,
        http: WharfConfiguration.HTTPSettings,
        origins: ConfigurationOrigins,
        stateFolder: String,
        tokens: HTTP01TokenTable,
        optionalClientCAs: [String] = [],
        certificateState: OpenedCertificateState? = nil,
        listeners: ListenerReadiness? = nil,
        logger: Logger
    ) async throws -> TLSSetup {
        let provider: CertificateProvider
        var services: [any Service] = []
        var validations: TLSALPN01ChallengeTable?
        var sharedChallenges: SharedChallenges?
        switch settings.source {
        case .files(let certificate, let key):
            let pair: CertificatePair
            do {
                pair = try await CertificatePair.load(certificatePath: certificate, keyPath: key)
            } catch {
                throw origins.error("http.tls.certificate", "\(error)")
            }
            provider = CertificateProvider(initial: pair, logger: logger)
            services.append(CertificateFileWatcher(certificatePath: certificate, keyPath: key, provider: provider, logger: logger))
            logger.notice("serving TLS", metadata: ["certificate": "\(certificate)", "notAfter": "\(pair.notAfter)", "serial": "\(pair.serialNumberHex)"])
        case .acme(let acme):
            let store = certificateState?.store ?? CertificateStateFolder(folder: acme.stateFolder)
            let order = ACMECertificateManager.Order(
                hosts: acme.hosts,
                keyType: acme.keyType,
                preferredChain: acme.preferredChain,
                profile: acme.profile
            )
            let eab = try acme.eabKeyID.map { try ExternalAccountBinding(keyID: $0, hmacKey: acme.eabHMACKey ?? "") }
            let client = ACMEClient(directoryURL: acme.directoryURL, caBundlePath: acme.caBundle, accountStore: store, email: acme.email, eab: eab, logger: logger)
            provider = CertificateProvider(initial: try await ACMECertificateManager.initialPair(order: order, store: store, logger: logger), logger: logger)
            let table = TLSALPN01ChallengeTable()
            validations = table
            let solvers: [any ChallengeSolver]
            do {
                solvers = try acme.challenges.map {
                    SharedChallengeSolver.sharing(try Self.solver(for: $0, tokens: tokens, validations: table, logger: logger), in: store)
                }
            } catch {
                throw origins.error("http.tls.letsencrypt.dns", "\(error)")
            }
            sharedChallenges = SharedChallenges(store: store, logger: logger)
            services.append(
                ACMECertificateManager(order: order, client: client, store: store, solvers: solvers, provider: provider, listeners: listeners, logger: logger)
            )
            if acme.profile != nil || acme.hosts.contains(where: { IPAddressText.bytes(of: $0) != nil }) {
                services.append(
                    ACMEProfileCheck(profile: acme.profile, client: client, store: store, certificateName: order.name, hosts: acme.hosts, origins: origins, logger: logger)
                )
            }
            logger.notice(
                "certificates from ACME",
                metadata: [
                    "directory": "\(acme.directoryURL)", "hosts": "\(acme.hosts)", "challenge": "\(acme.challenges.map { "\($0.type)" })",
                    "state": "\(certificateState?.location ?? acme.stateFolder)",
                ]
            )
        case .localAuthority:
            let authority = LocalCertificateAuthority(folder: stateFolder, logger: logger)
            let names = LocalCertificateAuthority.defaultNames()
            let pair = try await authority.ensureLeaf(names: names)
            provider = CertificateProvider(initial: pair, logger: logger)
            services.append(LocalCertificateRenewer(authority: authority, names: names, provider: provider, logger: logger))
            let caPath = URL(fileURLWithPath: authority.caCertificatePath).standardizedFileURL.path
            logger.notice(
                "serving TLS with a certificate from Wharf's local CA; clients must trust its CA certificate",
                metadata: [
                    "ca": "\(caPath)",
                    "names": "\(names.joined(separator: ","))",
                    "docker": "copy it to /etc/docker/certs.d/HOST:\(http.port)/ca.crt",
                    "skopeo/podman": "--cert-dir DIR (DIR holding it as ca.crt)",
                    "containerd": "ca = \"\(caPath)\" under the host in hosts.toml",
                ]
            )
        }
        let requiredCAs = try await loadCertificates(settings.clientCAs, key: "http.tls.clientcas", origins: origins)
        let optionalCAs = try await loadCertificates(optionalClientCAs, key: "auth.clientcert.cas", origins: origins)
        let clientCAs = requiredCAs + optionalCAs
        let configuration = provider.makeServerTLSConfiguration(
            minimumTLSVersion: settings.minimumVersion == .tls13 ? .tlsv13 : .tlsv12,
            clientCAs: clientCAs.isEmpty ? nil : clientCAs,
            clientCertificateRequired: !requiredCAs.isEmpty,
            applicationProtocols: http.http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        )
        // With ACME, hellos are read whatever this instance's own challenges: another instance
        // sharing the state may have published a TLS-ALPN-01 challenge it answers.
        return TLSSetup(
            provider: provider, services: services, configuration: configuration,
            validations: validations, sharedChallenges: sharedChallenges
        )
    }

    /// The certificates of the PEM files at `paths`, read through BlockingIO.
    private static func loadCertificates(_ paths: [String], key: String, origins: ConfigurationOrigins) async throws -> [NIOSSLCertificate] {
        var certificates: [NIOSSLCertificate] = []
        for path in paths {
            do {
                certificates += try await BlockingIO.run { try NIOSSLCertificate.fromPEMFile(path) }
            } catch {
                throw origins.error(key, "\(path): not a readable PEM certificate file (\(error))")
            }
        }
        return certificates
    }

    /// The solver that answers `challenge`.
    ///
    /// - Throws: ``DNSError`` when the DNS-01 provider's settings cannot be used.
    static func solver(
        for challenge: WharfConfiguration.ChallengeSettings,
        tokens: HTTP01TokenTable,
        validations: TLSALPN01ChallengeTable,
        logger: Logger
    ) throws -> any ChallengeSolver {
        switch challenge {
        case .http01:
            return HTTP01Solver(tokens: tokens)
        case .tlsALPN01:
            return TLSALPN01Solver(table: validations)
        case .dns01(let dns):
            switch dns.provider {
            case .rfc2136(let settings): return try RFC2136Solver(settings: settings, propagation: dns.propagation, logger: logger)
            case .webhook(let settings): return try WebhookSolver(settings: settings, propagation: dns.propagation, logger: logger)
            case .exec(let settings): return try ExecSolver(settings: settings, propagation: dns.propagation, logger: logger)
            }
        }
    }
}
