import ACME
import Crypto
import NIOSSL
import SwiftASN1
import X509

/// Who a verified client certificate names, and the two values a revocation list can name it by.
public struct ClientCertificateIdentity: Sendable, Equatable {
    /// The subject's common name; the whole subject when it has none.
    public let name: String
    /// The serial number in upper-case hex without leading zeros, as `openssl x509 -serial` prints it.
    public let serialHex: String
    /// The SHA-256 of the DER certificate in lower-case hex, as `openssl x509 -fingerprint -sha256` prints it without colons.
    public let fingerprint: String

    /// Reads the identity of `certificate`.
    ///
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/invalidCertificate`` when
    ///   the certificate cannot be parsed (BoringSSL accepted it, so this is not expected).
    public init(_ certificate: NIOSSLCertificate) throws(TLSCertificateError) {
        let der: [UInt8]
        do {
            der = try certificate.toDERBytes()
        } catch {
            throw .invalidCertificate("the client certificate", index: 0, reason: "\(error)")
        }
        try self.init(der: der)
    }

    /// Reads the identity of the DER-encoded certificate `der`.
    ///
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/invalidCertificate`` when it cannot be parsed.
    public init(der: [UInt8]) throws(TLSCertificateError) {
        let parsed: Certificate
        do {
            parsed = try Certificate(derEncoded: der)
        } catch {
            throw .invalidCertificate("the client certificate", index: 0, reason: "\(error)")
        }
        self.init(parsed, der: der)
    }

    /// The identity of a parsed certificate whose DER encoding is `der`.
    public init(_ certificate: Certificate, der: [UInt8]) {
        name = certificate.subject.commonName ?? certificate.subject.description
        serialHex = certificate.serialNumberHex
        fingerprint = HexText.encode(SHA256.hash(data: der), uppercase: false)
    }
}
