import Crypto
import FileIO
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The validation certificate of a TLS-ALPN-01 challenge (RFC 8737 §3): self-signed, one
/// subjectAltName (the DNS name, or the IP address per RFC 8738 §6), and the critical
/// id-pe-acmeIdentifier extension holding the SHA-256 of the key authorization.
enum TLSALPN01Certificate {
    /// id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31.
    static let acmeIdentifierOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 1, 31]

    /// The TLS context that presents the validation certificate for `identifier` and negotiates
    /// only `acme-tls/1`.
    static func context(identifier: String, keyAuthorization: String) throws -> NIOSSLContext {
        let key = P256.Signing.PrivateKey()
        let certificate = try make(identifier: identifier, keyAuthorization: keyAuthorization, key: key)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.derRepresentation), format: .der))
        )
        configuration.applicationProtocols = [TLSALPN01ChallengeTable.applicationProtocol]
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }

    /// The validation certificate for `identifier` (a DNS name or an IP address), signed by `key`.
    static func make(identifier: String, keyAuthorization: String, key: P256.Signing.PrivateKey, now: Date = Date()) throws -> Certificate {
        let privateKey = Certificate.PrivateKey(key)
        let name: GeneralName
        if let address = IPAddressText.bytes(of: identifier) {
            name = .ipAddress(ASN1OctetString(contentBytes: address[...]))
        } else {
            name = .dnsName(identifier)
        }
        var digest = DER.Serializer()
        try digest.serialize(ASN1OctetString(contentBytes: ArraySlice(SHA256.hash(data: Array(keyAuthorization.utf8)))))
        let subject = try DistinguishedName { CommonName("ACME TLS-ALPN-01 validation") }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(7 * 86_400),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([name])
                Certificate.Extension(oid: acmeIdentifierOID, critical: true, value: ArraySlice(digest.serializedBytes))
            },
            issuerPrivateKey: privateKey
        )
    }
}
