import Foundation
import Testing
import WharfTesting

@testable import ACME

@Suite("certificate signing requests")
struct CertificateRequestTests {
    @Test("SANs are the hosts, CN the first host, signed by the new key (checked by openssl)", arguments: KeyType.allCases)
    func csr(keyType: KeyType) async throws {
        let identifiers = try ACMEClient.identifiers(for: ["Mirror.Example.Test.", "www.example.test", "192.0.2.7", "2001:db8::1"])
        let key = try CertificateKey(type: keyType)
        let request = try OpenSSLRequest(der: try CertificateRequestBuilder.csr(for: identifiers, key: key))
        defer { request.folder.remove() }

        let text = try await request.text()
        #expect(text.contains("Subject: CN=mirror.example.test") || text.contains("Subject: CN = mirror.example.test"))
        #expect(text.contains("DNS:mirror.example.test, DNS:www.example.test, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:1"))
        #expect(try await request.publicKey() == (try await OpenSSLRequest.publicKey(ofPrivateKeyPEM: key.pemRepresentation, in: request.folder)))
    }

    @Test("a first host longer than 64 characters leaves the CN out")
    func longName() async throws {
        let long = String(repeating: "a", count: 60) + ".example.test"
        let identifiers = try ACMEClient.identifiers(for: [long])
        let request = try OpenSSLRequest(der: try CertificateRequestBuilder.csr(for: identifiers, key: try CertificateKey(type: .ecdsaP256)))
        defer { request.folder.remove() }
        let text = try await request.text()
        #expect(!text.contains("CN"))
        #expect(text.contains("DNS:\(long)"))
    }

    @Test("hosts become dns or ip identifiers; duplicates go, nonsense is refused")
    func identifiers() throws {
        let identifiers = try ACMEClient.identifiers(for: ["a.example.test", "A.example.test.", "*.example.test", "10.0.0.1"])
        #expect(identifiers == [
            ACMEIdentifier(type: "dns", value: "a.example.test"),
            ACMEIdentifier(type: "dns", value: "*.example.test"),
            ACMEIdentifier(type: "ip", value: "10.0.0.1"),
        ])
        #expect(throws: ACMEError.self) { try ACMEClient.identifiers(for: []) }
        let error = #expect(throws: ACMEError.self) { try ACMEClient.identifiers(for: ["bad name.example.test"]) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.description.contains("\"bad name.example.test\"") == true)
    }

    @Test("key types parse from configuration values and say which exist")
    func keyTypes() throws {
        #expect(try KeyType(configurationValue: "ECDSA-P384") == .ecdsaP384)
        let error = #expect(throws: ACMEError.self) { try KeyType(configurationValue: "ed25519") }
        #expect(error?.description.contains("ecdsa-p256, ecdsa-p384, rsa-2048, rsa-4096") == true)
    }
}
