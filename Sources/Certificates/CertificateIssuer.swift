import Crypto
import Foundation
import SwiftASN1
import X509

/// Creates keys and signs certificates for the local CA and for self-signed certificates.
enum CertificateIssuer {
    /// A fresh ECDSA P-256 key.
    static func makeKey() -> Certificate.PrivateKey {
        Certificate.PrivateKey(P256.Signing.PrivateKey())
    }

    /// A distinguished name holding only a common name.
    static func name(commonName: String) throws(TLSCertificateError) -> DistinguishedName {
        do {
            return try DistinguishedName { CommonName(commonName) }
        } catch {
            throw .issuanceFailed("a name for \(String(reflecting: commonName))", reason: "\(error)")
        }
    }

    /// The extensions of a TLS server certificate for `names`.
    ///
    /// - Parameter authorityKeyIdentifier: the issuer's key identifier; nil for a self-signed certificate.
    static func serverExtensions(
        names: SubjectNames,
        subjectKey: Certificate.PublicKey,
        authorityKeyIdentifier: ArraySlice<UInt8>?
    ) throws(TLSCertificateError) -> Certificate.Extensions {
        try leafExtensions(usage: .serverAuth, names: names, subjectKey: subjectKey, authorityKeyIdentifier: authorityKeyIdentifier)
    }

    /// The extensions of a TLS client certificate.
    static func clientExtensions(subjectKey: Certificate.PublicKey, authorityKeyIdentifier: ArraySlice<UInt8>?) throws(TLSCertificateError) -> Certificate.Extensions {
        try leafExtensions(usage: .clientAuth, names: nil, subjectKey: subjectKey, authorityKeyIdentifier: authorityKeyIdentifier)
    }

    /// A leaf's extensions: not a CA, signing only, for `usage`, with subjectAltNames when `names` is set.
    private static func leafExtensions(
        usage: ExtendedKeyUsage.Usage,
        names: SubjectNames?,
        subjectKey: Certificate.PublicKey,
        authorityKeyIdentifier: ArraySlice<UInt8>?
    ) throws(TLSCertificateError) -> Certificate.Extensions {
        do {
            return try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                if let names {
                    SubjectAlternativeNames(names.generalNames)
                }
                SubjectKeyIdentifier(hash: subjectKey)
                if let authorityKeyIdentifier {
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                }
            }
        } catch {
            throw .issuanceFailed("extensions for \(names?.primaryName ?? "a client certificate")", reason: "\(error)")
        }
    }

    /// The extensions of a CA that signs leaves only (path length 0).
    static func authorityExtensions(subjectKey: Certificate.PublicKey) throws(TLSCertificateError) -> Certificate.Extensions {
        do {
            return try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: subjectKey)
            }
        } catch {
            throw .issuanceFailed("CA extensions", reason: "\(error)")
        }
    }

    /// Signs a v3 certificate with a random 20-byte serial number.
    static func sign(
        what: String,
        subject: DistinguishedName,
        subjectKey: Certificate.PublicKey,
        issuer: DistinguishedName,
        issuerKey: Certificate.PrivateKey,
        notBefore: Date,
        notAfter: Date,
        extensions: Certificate.Extensions
    ) throws(TLSCertificateError) -> Certificate {
        do {
            return try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: subjectKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: issuer,
                subject: subject,
                extensions: extensions,
                issuerPrivateKey: issuerKey
            )
        } catch {
            throw .issuanceFailed(what, reason: "\(error)")
        }
    }

    /// The certificate as a PEM block with a final newline.
    static func pem(_ certificate: Certificate) throws(TLSCertificateError) -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw .issuanceFailed("the PEM form of a certificate", reason: "\(error)")
        }
    }

    /// The key as a PKCS#8 PEM block with a final newline.
    static func pem(_ key: Certificate.PrivateKey) throws(TLSCertificateError) -> String {
        do {
            return try key.serializeAsPEM().pemString + "\n"
        } catch {
            throw .issuanceFailed("the PEM form of a private key", reason: "\(error)")
        }
    }

    /// The subject key identifier of `certificate`, if it carries one.
    static func keyIdentifier(of certificate: Certificate) -> ArraySlice<UInt8>? {
        (try? certificate.extensions.subjectKeyIdentifier)??.keyIdentifier
    }
}
