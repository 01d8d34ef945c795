import Foundation
import X509

/// A throw-away self-signed certificate, for serving TLS before a real one exists.
///
/// Clients do not trust it; callers should log that a temporary certificate is in use.
public enum SelfSignedCertificate {
    /// Makes a P-256 key and a self-signed server certificate for `names`.
    ///
    /// The certificate is not a CA (basicConstraints CA:false), carries extendedKeyUsage
    /// serverAuth and a subjectAltName for every name, and is valid from an hour before `now`
    /// (clock skew) until `now + validity`.
    ///
    /// - Parameters:
    ///   - names: DNS names and IP addresses, e.g. `["localhost", "127.0.0.1", "::1"]`; the first
    ///     becomes the subject's common name.
    ///   - validity: how long it stays valid after `now`, in seconds.
    ///   - now: the issue time.
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/invalidName`` for an empty list
    ///   or a name that is neither a DNS name nor an IP address.
    public static func make(names: [String], validity: TimeInterval, now: Date = Date()) throws(TLSCertificateError) -> CertificatePair {
        let subjectNames = try SubjectNames(names)
        guard validity > 0 else {
            throw .issuanceFailed("a self-signed certificate", reason: "the validity must be positive, not \(validity) s")
        }
        let key = CertificateIssuer.makeKey()
        let subject = try CertificateIssuer.name(commonName: subjectNames.primaryName)
        let certificate = try CertificateIssuer.sign(
            what: "a self-signed certificate for \(subjectNames.primaryName)",
            subject: subject,
            subjectKey: key.publicKey,
            issuer: subject,
            issuerKey: key,
            notBefore: now.addingTimeInterval(-3600),
            notAfter: now.addingTimeInterval(validity),
            extensions: CertificateIssuer.serverExtensions(
                names: subjectNames,
                subjectKey: key.publicKey,
                authorityKeyIdentifier: nil
            )
        )
        return try CertificatePair.fromPEM(
            certificate: CertificateIssuer.pem(certificate),
            key: CertificateIssuer.pem(key),
            now: now
        )
    }
}
