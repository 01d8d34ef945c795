import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import ACME

@Suite("ARI certificate identifiers (RFC 9773 §4.1)")
struct ARICertificateIDTests {
    /// RFC 9773's example: AKI keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
    let keyIdentifier: [UInt8] = [0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4]

    @Test("the RFC's example keeps the serial's leading zero byte, as DER encodes it")
    func rfcExample() {
        let id = ARICertificateID(authorityKeyIdentifier: keyIdentifier, serialNumber: [0x00, 0x87, 0x65, 0x43, 0x21])
        #expect(id.value == "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE")
    }

    @Test("a serial given without its sign byte gets it back; redundant leading zeros go")
    func derIntegerForm() {
        #expect(ARICertificateID(authorityKeyIdentifier: keyIdentifier, serialNumber: [0x87, 0x65, 0x43, 0x21]).value == "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE")
        #expect(ARICertificateID(authorityKeyIdentifier: [0x01], serialNumber: [0x00, 0x00, 0x12]).value == "AQ.Eg")
        #expect(ARICertificateID.derInteger([]) == [0])
        #expect(ARICertificateID.derInteger([0x00, 0x00]) == [0])
    }

    @Test("from a certificate: its AKI and serial; without an AKI, a clear error")
    func fromCertificate() throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName("ari test") }
        func make(withAKI: Bool) throws -> Certificate {
            try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x87, 0x65, 0x43, 0x21]), publicKey: key.publicKey,
                notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(3600), issuer: name, subject: name,
                extensions: try Certificate.Extensions {
                    if withAKI { AuthorityKeyIdentifier(keyIdentifier: ArraySlice(keyIdentifier)) }
                },
                issuerPrivateKey: key
            )
        }
        let pem = try make(withAKI: true).serializeAsPEM().pemString
        #expect(try ARICertificateID(leafPEM: pem).value == "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE")
        let error = #expect(throws: ACMEError.self) { try ARICertificateID(certificate: try make(withAKI: false)) }
        #expect(error?.description.contains("Authority Key Identifier") == true)
    }
}
