import FileIO
import Foundation
import Logging
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A certificate authority on this machine, so that Wharf serves TLS with no configuration.
///
/// It keeps four files in its folder (created 0700): `ca.pem` and `ca.key` (an ECDSA P-256 CA,
/// 10 years, CN "Wharf local CA"), `local.pem` and `local.key` (a P-256 server certificate for
/// 90 days). Keys are written 0600, every file atomically. Clients trust ``caCertificatePath``
/// once (e.g. `/etc/docker/certs.d/HOST:PORT/ca.crt`); the leaf then renews itself without
/// touching the clients.
///
/// ```swift
/// let authority = LocalCertificateAuthority(folder: "certs/local")
/// let pair = try await authority.ensureLeaf(names: LocalCertificateAuthority.defaultNames())
/// ```
public struct LocalCertificateAuthority: Sendable {
    /// The folder holding the CA and the leaf.
    public let folder: String
    private let logger: Logger

    /// How long a new CA is valid.
    public static let authorityLifetime: TimeInterval = 3652 * 86400
    /// How long a new leaf is valid.
    public static let leafLifetime: TimeInterval = 90 * 86400
    /// How far back the validity of a new certificate starts (clock skew between machines).
    static let backdating: TimeInterval = 3600
    /// The CA's common name.
    public static let authorityCommonName = "Wharf local CA"

    /// Uses `folder` (created on first use).
    ///
    /// - Parameters:
    ///   - folder: where the four files live, e.g. `certs/local`.
    ///   - logger: where issuing is logged.
    public init(folder: String, logger: Logger = Logger(label: "wharf.certificates")) {
        self.folder = folder
        self.logger = logger
    }

    /// `folder/ca.pem`: the CA certificate clients must trust.
    public var caCertificatePath: String { folder + "/ca.pem" }
    /// `folder/ca.key`: the CA's private key (0600).
    public var caKeyPath: String { folder + "/ca.key" }
    /// `folder/local.pem`: the server certificate.
    public var certificatePath: String { folder + "/local.pem" }
    /// `folder/local.key`: the server certificate's private key (0600).
    public var keyPath: String { folder + "/local.key" }

    /// `localhost`, `127.0.0.1`, `::1` and this machine's host name.
    public static func defaultNames() -> [String] {
        var names = ["localhost", "127.0.0.1", "::1"]
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count - 1) == 0 {
            let host = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.lowercased()
            if !host.isEmpty, !names.contains(host), (try? SubjectNames([host])) != nil {
                names.append(host)
            }
        }
        return names
    }

    /// Returns a server certificate for `names`, reusing the files on disk when they still serve.
    ///
    /// Creates the folder (0700) and the CA when missing, and a new CA when the old one cannot be
    /// read, does not match its key, or has less than a leaf's lifetime left (clients must then
    /// trust the new `ca.pem`; this is logged). Issues a new leaf when there is none, when it was
    /// not signed by the current CA, when its names differ from `names`, or when less than a third
    /// of its lifetime is left.
    ///
    /// - Parameters:
    ///   - names: DNS names and IP addresses, e.g. ``defaultNames()``.
    ///   - now: the current time (tests pass a later one to see renewal).
    /// - Throws: ``TLSCertificateError`` for a bad name or a file that cannot be written.
    public func ensureLeaf(names: [String], now: Date = Date()) async throws(TLSCertificateError) -> CertificatePair {
        let wanted = try SubjectNames(names)
        let authority = try await ensureAuthority(now: now)
        let reason: String
        switch await loadPair(certificatePath: certificatePath, keyPath: keyPath) {
        case .success(let leaf):
            guard let found = LeafRenewalPolicy.reasonToReissue(leaf, wanted: wanted, authority: authority.leaf, now: now) else {
                return leaf
            }
            reason = found
        case .failure(let error):
            reason = await PosixFile.exists(certificatePath) ? "\(error)" : "there is none yet"
        }
        return try await issueLeaf(names: wanted, authority: authority, now: now, reason: reason)
    }

    /// The CA on disk, or a new one when it is missing, unusable or close to expiry (as
    /// ``ensureLeaf(names:now:)`` makes it); `wharf client-cert issue` signs with it.
    public func ensureAuthority(now: Date = Date()) async throws(TLSCertificateError) -> CertificatePair {
        try await CertificateFiles.makeFolder(folder, mode: 0o700)
        let reason: String
        switch await loadPair(certificatePath: caCertificatePath, keyPath: caKeyPath) {
        case .success(let authority):
            if !Self.isAuthority(authority.leaf) {
                reason = "\(caCertificatePath) is not a CA certificate"
            } else if authority.notAfter.timeIntervalSince(now) < Self.leafLifetime {
                reason = "the CA in \(caCertificatePath) expires at \(authority.notAfter.formatted(.iso8601))"
            } else {
                return authority
            }
            logger.warning("replacing the local CA; clients must trust the new \(caCertificatePath)", metadata: ["reason": "\(reason)"])
        case .failure(let error):
            let certificateExists = await PosixFile.exists(caCertificatePath)
            let keyExists = await PosixFile.exists(caKeyPath)
            if certificateExists || keyExists {
                reason = "\(error)"
                logger.warning("replacing the local CA; clients must trust the new \(caCertificatePath)", metadata: ["reason": "\(reason)"])
            } else {
                reason = "there is none yet"
            }
        }
        return try await createAuthority(now: now, reason: reason)
    }

    static func isAuthority(_ certificate: Certificate) -> Bool {
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            return false
        }
        return true
    }

    private func createAuthority(now: Date, reason: String) async throws(TLSCertificateError) -> CertificatePair {
        let key = CertificateIssuer.makeKey()
        let name = try CertificateIssuer.name(commonName: Self.authorityCommonName)
        let certificate = try CertificateIssuer.sign(
            what: "the local CA",
            subject: name,
            subjectKey: key.publicKey,
            issuer: name,
            issuerKey: key,
            notBefore: now.addingTimeInterval(-Self.backdating),
            notAfter: now.addingTimeInterval(Self.authorityLifetime),
            extensions: CertificateIssuer.authorityExtensions(subjectKey: key.publicKey)
        )
        let certificatePEM = try CertificateIssuer.pem(certificate)
        let keyPEM = try CertificateIssuer.pem(key)
        // Key first: a crash in between leaves a pair that does not match, which is replaced next time.
        try await CertificateFiles.write(keyPEM, to: caKeyPath, mode: 0o600)
        try await CertificateFiles.write(certificatePEM, to: caCertificatePath, mode: 0o644)
        let authority = try CertificatePair.unvalidated(certificate: certificatePEM, key: keyPEM)
        logger.notice(
            "created a local CA; clients must trust \(caCertificatePath)",
            metadata: ["serial": "\(authority.serialNumberHex)", "reason": "\(reason)"]
        )
        return authority
    }

    private func issueLeaf(
        names: SubjectNames,
        authority: CertificatePair,
        now: Date,
        reason: String
    ) async throws(TLSCertificateError) -> CertificatePair {
        let key = CertificateIssuer.makeKey()
        let notAfter = min(now.addingTimeInterval(Self.leafLifetime), authority.notAfter)
        let certificate = try CertificateIssuer.sign(
            what: "a local server certificate for \(names.primaryName)",
            subject: CertificateIssuer.name(commonName: names.primaryName),
            subjectKey: key.publicKey,
            issuer: authority.leaf.subject,
            issuerKey: authority.signingKey,
            notBefore: now.addingTimeInterval(-Self.backdating),
            notAfter: notAfter,
            extensions: CertificateIssuer.serverExtensions(
                names: names,
                subjectKey: key.publicKey,
                authorityKeyIdentifier: CertificateIssuer.keyIdentifier(of: authority.leaf)
            )
        )
        let certificatePEM = try CertificateIssuer.pem(certificate)
        let keyPEM = try CertificateIssuer.pem(key)
        try await CertificateFiles.write(keyPEM, to: keyPath, mode: 0o600)
        try await CertificateFiles.write(certificatePEM, to: certificatePath, mode: 0o644)
        let leaf = try CertificatePair.fromPEM(certificate: certificatePEM, key: keyPEM, now: now)
        logger.info(
            "issued a local server certificate",
            metadata: [
                "serial": "\(leaf.serialNumberHex)",
                "names": "\(leaf.names.joined(separator: ","))",
                "not_after": "\(leaf.notAfter.formatted(.iso8601))",
                "reason": "\(reason)",
            ]
        )
        return leaf
    }

    private func loadPair(certificatePath: String, keyPath: String) async -> Result<CertificatePair, TLSCertificateError> {
        do throws(TLSCertificateError) {
            return .success(
                try CertificatePair.unvalidated(
                    certificate: await CertificateFiles.read(certificatePath),
                    key: await CertificateFiles.read(keyPath),
                    certificateSource: certificatePath,
                    keySource: keyPath
                )
            )
        } catch {
            return .failure(error)
        }
    }
}
