import FileIO
import SwiftASN1
import X509

/// Builds the PKCS#10 CSR sent to `finalize`: the hosts as subjectAltNames, the first DNS
/// name (when it fits the 64-character limit) as common name, signed with the new key.
enum CertificateRequestBuilder {
    /// The DER bytes of the CSR for `identifiers`.
    static func csr(for identifiers: [ACMEIdentifier], key: CertificateKey) throws -> [UInt8] {
        var names: [GeneralName] = []
        for identifier in identifiers {
            if identifier.type == "ip", let bytes = IPAddressText.bytes(of: identifier.value) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
            } else {
                names.append(.dnsName(identifier.value))
            }
        }
        let commonName = identifiers.first { $0.type == "dns" && $0.value.utf8.count <= 64 }?.value
        let subject = try DistinguishedName {
            if let commonName {
                CommonName(commonName)
            }
        }
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames(names)
        }
        let attributes = CertificateSigningRequest.Attributes(
            [try CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions))]
        )
        let request = try CertificateSigningRequest(
            version: .v1,
            subject: subject,
            privateKey: key.privateKey,
            attributes: attributes,
            signatureAlgorithm: key.signatureAlgorithm
        )
        var serializer = DER.Serializer()
        try serializer.serialize(request)
        return serializer.serializedBytes
    }
}
