import FileIO
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and the private key of its leaf, checked to belong together.
///
/// A pair exists only if the key matches the leaf (same SubjectPublicKeyInfo); ``load(certificatePath:keyPath:now:)``
/// and ``fromPEM(certificate:key:now:)`` also refuse a leaf that is expired or not yet valid.
/// EC (P-256, P-384) and RSA keys are supported.
///
/// ```swift
/// let pair = try await CertificatePair.load(certificatePath: "certs/live.pem", keyPath: "certs/live.key")
/// print(pair.serialNumberHex, pair.notAfter, pair.dnsNames)
/// ```
public struct CertificatePair: Sendable {
    /// The chain as sent in a TLS handshake, leaf first.
    public let chain: [NIOSSLCertificate]
    /// The leaf certificate, parsed for inspection.
    public let leaf: Certificate
    /// The leaf's private key.
    public let privateKey: NIOSSLPrivateKey
    /// The chain as PEM text, leaf first (no key material).
    public let chainPEM: String
    /// The leaf's DNS subjectAltNames.
    public let dnsNames: [String]
    /// The leaf's IP address subjectAltNames in canonical text (`127.0.0.1`, `::1`).
    public let ipAddresses: [String]

    /// The key as swift-certificates holds it, for signing (the local CA).
    let signingKey: Certificate.PrivateKey

    /// How far a leaf's notBefore may lie in the future (clock skew between issuer and us).
    static let clockSkewTolerance: TimeInterval = 300

    init(parsed: PEMPairParser) {
        chain = parsed.nioCertificates
        leaf = parsed.certificates[0]
        privateKey = parsed.nioKey
        signingKey = parsed.signingKey
        chainPEM = parsed.chainPEM
        let alternativeNames = (try? leaf.extensions.subjectAlternativeNames).flatMap { $0 } ?? SubjectAlternativeNames()
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        for name in alternativeNames {
            switch name {
            case .dnsName(let dnsName):
                dnsNames.append(dnsName)
            case .ipAddress(let octets):
                if let text = IPAddressText.text(of: octets.bytes) {
                    ipAddresses.append(text)
                }
            default:
                continue
            }
        }
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }

    /// Reads a pair from two PEM files (on NIO's thread pool).
    ///
    /// - Parameters:
    ///   - certificatePath: every `CERTIFICATE` block in the file, leaf first (a full-chain file).
    ///   - keyPath: the leaf's unencrypted private key (PKCS#8, SEC1 or PKCS#1); may be the same file.
    ///   - now: the time the leaf must be valid at.
    /// - Throws: ``TLSCertificateError`` naming the file and saying what is wrong: unreadable, no or bad PEM,
    ///   a key that does not match the leaf, an expired or not yet valid leaf.
    public static func load(
        certificatePath: String,
        keyPath: String,
        now: Date = Date()
    ) async throws(TLSCertificateError) -> CertificatePair {
        let certificatePEM = try await CertificateFiles.read(certificatePath)
        let keyPEM = try await CertificateFiles.read(keyPath)
        let pair = try CertificatePair(
            parsed: PEMPairParser(
                certificatePEM: certificatePEM,
                keyPEM: keyPEM,
                certificateSource: certificatePath,
                keySource: keyPath
            )
        )
        try pair.validate(at: now, source: certificatePath)
        return pair
    }

    /// Makes a pair from PEM text.
    ///
    /// - Parameters:
    ///   - certificate: one or more `CERTIFICATE` blocks, leaf first.
    ///   - key: the leaf's unencrypted private key.
    ///   - now: the time the leaf must be valid at.
    /// - Throws: ``TLSCertificateError`` as for ``load(certificatePath:keyPath:now:)``, naming
    ///   "the certificate" and "the private key" instead of files.
    public static func fromPEM(certificate: String, key: String, now: Date = Date()) throws(TLSCertificateError) -> CertificatePair {
        let pair = try unvalidated(certificate: certificate, key: key)
        try pair.validate(at: now, source: "the certificate")
        return pair
    }

    /// A matched pair whose validity dates are not checked (the local CA inspects old leaves).
    static func unvalidated(
        certificate: String,
        key: String,
        certificateSource: String = "the certificate",
        keySource: String = "the private key"
    ) throws(TLSCertificateError) -> CertificatePair {
        try CertificatePair(
            parsed: PEMPairParser(
                certificatePEM: certificate,
                keyPEM: key,
                certificateSource: certificateSource,
                keySource: keySource
            )
        )
    }

    /// Checks that the leaf is valid at `now`: not expired, and not valid only later
    /// (a notBefore up to five minutes ahead is accepted as clock skew).
    ///
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/expired`` or ``TLSCertificateError/Kind/notYetValid``.
    public func validate(at now: Date = Date()) throws(TLSCertificateError) {
        try validate(at: now, source: "the certificate with serial \(serialNumberHex)")
    }

    func validate(at now: Date, source: String) throws(TLSCertificateError) {
        guard now < notAfter else {
            throw .expired(source, notAfter: notAfter, now: now)
        }
        guard now.addingTimeInterval(Self.clockSkewTolerance) >= notBefore else {
            throw .notYetValid(source, notBefore: notBefore, now: now)
        }
    }
}
