import Foundation
import SwiftASN1
import X509

/// Signs client certificates (P-256, `clientAuth`, the name as subject CN) with a CA pair.
///
/// ```swift
/// let authority = try await LocalCertificateAuthority(folder: "certs").ensureAuthority()
/// let issued = try ClientCertificateIssuer(authority: authority).issue(name: "ci-runner-3", days: 365)
/// ```
public struct ClientCertificateIssuer: Sendable {
    /// What was issued: the PEM texts and the certificate's identity.
    public struct Issued: Sendable {
        public let certificatePEM: String
        public let keyPEM: String
        /// The issuing CA's certificate (PEM).
        public let authorityPEM: String
        public let identity: ClientCertificateIdentity
        public let notAfter: Date
    }

    /// The longest validity accepted, in days (about ten years; no longer than the CA anyway).
    public static let maximumDays = 3650

    private let authority: CertificatePair

    /// Signs with `authority`, a CA certificate and its key.
    public init(authority: CertificatePair) {
        self.authority = authority
    }

    /// The CA in `certificatePath` and `keyPath`.
    ///
    /// - Throws: ``TLSCertificateError`` for unreadable files, a key that does not match, or an
    ///   expired certificate, or of kind ``TLSCertificateError/Kind/issuanceFailed`` when it is no CA.
    public static func loadAuthority(certificatePath: String, keyPath: String) async throws(TLSCertificateError) -> CertificatePair {
        let pair = try await CertificatePair.load(certificatePath: certificatePath, keyPath: keyPath)
        guard LocalCertificateAuthority.isAuthority(pair.leaf) else {
            throw .issuanceFailed("client certificates", reason: "\(certificatePath) is not a CA certificate (no basicConstraints CA:TRUE)")
        }
        return pair
    }

    /// Refuses a name or a validity ``issue(name:days:now:)`` would refuse, before any CA is made.
    public static func check(name: String, days: Int) throws(TLSCertificateError) {
        guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw .invalidName(name, reason: "a client name is 1 to 64 characters on one line")
        }
        guard days >= 1, days <= Self.maximumDays else {
            throw .issuanceFailed("a client certificate for \(name)", reason: "--days must be 1 to \(Self.maximumDays), not \(days)")
        }
    }

    /// Issues a certificate naming `name` for `days` days (cut to the CA's own expiry).
    ///
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/invalidName`` for an
    ///   empty or over-long name, ``TLSCertificateError/Kind/issuanceFailed`` for days out of range.
    public func issue(name: String, days: Int, now: Date = Date()) throws(TLSCertificateError) -> Issued {
        try Self.check(name: name, days: days)
        let key = CertificateIssuer.makeKey()
        let certificate = try CertificateIssuer.sign(
            what: "a client certificate for \(name)",
            subject: CertificateIssuer.name(commonName: name),
            subjectKey: key.publicKey,
            issuer: authority.leaf.subject,
            issuerKey: authority.signingKey,
            notBefore: now.addingTimeInterval(-LocalCertificateAuthority.backdating),
            notAfter: min(now.addingTimeInterval(TimeInterval(days) * 86400), authority.notAfter),
            extensions: CertificateIssuer.clientExtensions(
                subjectKey: key.publicKey,
                authorityKeyIdentifier: CertificateIssuer.keyIdentifier(of: authority.leaf)
            )
        )
        let der: [UInt8]
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            der = serializer.serializedBytes
        } catch {
            throw .issuanceFailed("a client certificate for \(name)", reason: "\(error)")
        }
        return Issued(
            certificatePEM: try CertificateIssuer.pem(certificate),
            keyPEM: try CertificateIssuer.pem(key),
            authorityPEM: try CertificateIssuer.pem(authority.leaf),
            identity: ClientCertificateIdentity(certificate, der: der),
            notAfter: certificate.notValidAfter
        )
    }
}
