import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// Holds the certificate pair a TLS listener serves and lets it change under a running server.
///
/// The listener is built once from ``makeServerTLSConfiguration(minimumTLSVersion:clientCAs:clientCertificateRequired:applicationProtocols:)``,
/// whose `sslContextCallback` reads ``current`` at every handshake. ``install(_:now:)`` swaps the pair
/// atomically: the next handshake presents the new chain, connections already established keep theirs
/// (a download in progress is not cut), and nothing restarts.
///
/// ```swift
/// let provider = CertificateProvider(initial: try await CertificatePair.load(certificatePath: cert, keyPath: key))
/// let tls = provider.makeServerTLSConfiguration()
/// // ... serve with NIOSSLServerHandler(context: try NIOSSLContext(configuration: tls)) ...
/// try provider.install(renewedPair)   // takes effect at the next handshake
/// ```
public final class CertificateProvider: Sendable {
    /// The pair and the handshake override made from it once, so a handshake only takes a lock.
    private struct Installed: Sendable {
        var pair: CertificatePair
        var override: NIOSSLContextConfigurationOverride

        init(_ pair: CertificatePair) {
            self.pair = pair
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.privateKey)
            self.override = override
        }
    }

    private let installed: Mutex<Installed>
    private let logger: Logger

    /// Creates a provider serving `initial`.
    ///
    /// The initial pair is not checked against the clock, so that a server can still start
    /// (and log) with a certificate that needs replacing.
    ///
    /// - Parameters:
    ///   - initial: the pair to serve until the first ``install(_:now:)``.
    ///   - logger: where swaps are logged (`wharf.certificates` by default).
    public init(initial: CertificatePair, logger: Logger = Logger(label: "wharf.certificates")) {
        self.installed = Mutex(Installed(initial))
        self.logger = logger
    }

    /// The pair the next handshake will present.
    public var current: CertificatePair {
        installed.withLock { $0.pair }
    }

    /// Checks `pair` and makes it the one the next handshake presents.
    ///
    /// Connections already established are not touched.
    ///
    /// - Parameters:
    ///   - pair: the new pair (its key already matches its leaf, or it could not exist).
    ///   - now: the time the leaf must be valid at.
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/expired`` or
    ///   ``TLSCertificateError/Kind/notYetValid``; the current pair then keeps serving.
    public func install(_ pair: CertificatePair, now: Date = Date()) throws(TLSCertificateError) {
        try pair.validate(at: now)
        let next = Installed(pair)
        let previous = installed.withLock { installed in
            defer { installed = next }
            return installed.pair
        }
        logger.info(
            "installed a new TLS certificate; the next handshake presents it",
            metadata: [
                "serial": "\(pair.serialNumberHex)",
                "subject": "\(pair.subject)",
                "names": "\(pair.names.joined(separator: ","))",
                "issuer": "\(pair.issuerCommonName ?? "-")",
                "not_after": "\(pair.notAfter.formatted(.iso8601))",
                "replaced_serial": "\(previous.serialNumberHex)",
            ]
        )
    }

    /// A server-side TLS configuration that presents ``current`` at every handshake.
    ///
    /// The configuration also carries the pair current at this call as its static certificate and
    /// key (BoringSSL expects a server context to have one); the `sslContextCallback` replaces both
    /// per handshake. Renegotiation stays off (the library's default).
    ///
    /// - Parameters:
    ///   - minimumTLSVersion: the oldest protocol accepted; TLS 1.2 by default.
    ///   - clientCAs: when given, the handshake asks for a client certificate, and one that is offered
    ///     must chain to one of these (a certificate from another CA, or expired, fails the handshake).
    ///     Nil asks for none.
    ///   - clientCertificateRequired: with `clientCAs`, whether a handshake without a certificate
    ///     fails (distribution's `http.tls.clientcas`) or goes on (`auth.clientcert`, where a
    ///     password may stand in for the certificate).
    ///   - applicationProtocols: the ALPN protocols offered, in preference order.
    public func makeServerTLSConfiguration(
        minimumTLSVersion: TLSVersion = .tlsv12,
        clientCAs: [NIOSSLCertificate]? = nil,
        clientCertificateRequired: Bool = true,
        applicationProtocols: [String] = ["h2", "http/1.1"]
    ) -> TLSConfiguration {
        let pair = current
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) },
            privateKey: .privateKey(pair.privateKey)
        )
        configuration.minimumTLSVersion = minimumTLSVersion
        configuration.applicationProtocols = applicationProtocols
        configuration.renegotiationSupport = .none
        if let clientCAs {
            // A server has no host name to check a client against; the chain is verified in full.
            configuration.certificateVerification = clientCertificateRequired ? .noHostnameVerification : .optionalVerification
            configuration.trustRoots = .certificates(clientCAs)
            configuration.sendCANameList = true
        }
        configuration.sslContextCallback = { [self] _, promise in
            // Runs on the connection's event loop: a lock and a copy, no I/O.
            promise.succeed(installed.withLock { $0.override })
        }
        return configuration
    }
}
