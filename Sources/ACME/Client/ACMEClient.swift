import AsyncHTTPClient
import FileIO
import Logging
import NIOCore
import NIOSSL

/// Obtains certificates from an ACME CA (RFC 8555): Let's Encrypt, ZeroSSL (with EAB),
/// step-ca, Pebble, or any other.
///
/// Each call opens its own HTTP client and closes it before returning, so the value needs no
/// shutdown and can be kept for the life of the server.
///
/// ```swift
/// let client = ACMEClient(
///     directoryURL: "https://acme-v02.api.letsencrypt.org/directory",
///     accountStore: CertificateStateFolder(folder: "certs"),
///     email: "ops@example.com")
/// let certificate = try await client.obtainCertificate(
///     hosts: ["mirror.example.com"], keyType: .ecdsaP256, solver: HTTP01Solver(tokens: tokens))
/// ```
public struct ACMEClient: Sendable {
    /// The CA's directory URL.
    public let directoryURL: String
    /// A PEM file of extra CAs to trust for the ACME server's HTTPS (Pebble's listener, a private CA).
    public let caBundlePath: String?
    /// Where the account key and URL are kept.
    public let accountStore: any ACMEAccountStore
    /// The contact address registered with a new account (`mailto:`), if any.
    public let email: String?
    /// External Account Binding credentials, for CAs that require them.
    public let eab: ExternalAccountBinding?
    /// How long one ``obtainCertificate(hosts:keyType:solver:preferredChain:replaces:profile:)`` may take in all.
    public let timeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - directoryURL: the CA's directory, e.g. `https://acme-v02.api.letsencrypt.org/directory`.
    ///   - caBundlePath: PEM certificates trusted for the ACME server's HTTPS besides the system's.
    ///   - accountStore: where the account is kept, e.g. the certificate state folder.
    ///   - email: a contact address for the new account (the CA's expiry mails go there).
    ///   - eab: External Account Binding, when the CA requires it.
    ///   - timeout: the overall limit for one order, solving and polling included.
    ///   - logger: where progress goes (never keys, tokens or HMAC keys).
    public init(
        directoryURL: String,
        caBundlePath: String? = nil,
        accountStore: any ACMEAccountStore,
        email: String? = nil,
        eab: ExternalAccountBinding? = nil,
        timeout: Duration = .seconds(600),
        logger: Logger = Logger(label: "wharf.acme")
    ) {
        self.directoryURL = directoryURL
        self.caBundlePath = caBundlePath
        self.accountStore = accountStore
        self.email = email
        self.eab = eab
        self.timeout = timeout
        self.logger = logger
    }

    /// The CA's directory: whether it offers ACME Renewal Information (``ACMEDirectory/offersRenewalInfo``),
    /// its profiles, whether it requires EAB.
    public func directory() async throws -> ACMEDirectory {
        try await withConnection { connection in
            try await connection.directory()
        }
    }

    /// The account URL, registering the account (or finding it by its key) if the store has none.
    public func accountURL() async throws -> String {
        try await withConnection { connection in
            try await account(on: connection).url
        }
    }

    /// Runs `body` with a connection over a fresh HTTP client, which is shut down afterwards.
    func withConnection<T: Sendable>(_ body: (ACMEConnection) async throws -> T) async throws -> T {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caBundlePath {
            tls.additionalTrustRoots = [.certificates(try await Self.loadBundle(caBundlePath))]
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        // A CA that refuses connections is reported at once instead of after 10 s of silent
        // reconnecting: the renewal scheduler has its own backoff, and retries near expiry
        // must come seconds apart.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let connection = ACMEConnection(directoryURL: directoryURL, client: client, logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return result
    }

    private static func loadBundle(_ path: String) async throws(ACMEError) -> [NIOSSLCertificate] {
        try await BlockingIO.run { () throws(ACMEError) -> [NIOSSLCertificate] in
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMFile(path)
            } catch {
                throw .invalidConfiguration("the CA bundle \(path)", reason: "cannot be read as PEM certificates (\(error)); point it at a PEM file of CA certificates")
            }
            guard !certificates.isEmpty else {
                throw .invalidConfiguration("the CA bundle \(path)", reason: "holds no certificate; point it at a PEM file of CA certificates")
            }
            return certificates
        }
    }
}
