import Crypto
import SwiftASN1
import Testing
import X509

@testable import ACME

@Suite("the TLS-ALPN-01 solver and its validation certificate")
struct TLSALPN01SolverTests {
    @Test("the validation certificate: one SAN, the critical acmeIdentifier extension holding SHA-256 of the key authorization")
    func validationCertificate() throws {
        let key = P256.Signing.PrivateKey()
        for (identifier, expected) in [("mirror.example.test", GeneralName.dnsName("mirror.example.test")), ("127.0.0.1", .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))] {
            let certificate = try TLSALPN01Certificate.make(identifier: identifier, keyAuthorization: "tok.THUMB", key: key)
            #expect(try certificate.extensions.subjectAlternativeNames.map(Array.init) == [expected])
            let acme = try #require(certificate.extensions[oid: TLSALPN01Certificate.acmeIdentifierOID])
            #expect(acme.critical)
            let digest = try ASN1OctetString(derEncoded: acme.value)
            #expect(Array(digest.bytes) == Array(SHA256.hash(data: Array("tok.THUMB".utf8))))
            #expect(certificate.issuer == certificate.subject)
            #expect(certificate.publicKey == Certificate.PublicKey(key.publicKey))
        }
    }

    @Test("the SNI a validator sends: the name, or the address's reverse-DNS name (RFC 8738 §6)")
    func serverNames() {
        #expect(TLSALPN01ChallengeTable.serverName(for: "Mirror.Example.Test") == "mirror.example.test")
        #expect(TLSALPN01ChallengeTable.serverName(for: "127.0.0.1") == "1.0.0.127.in-addr.arpa")
        #expect(TLSALPN01ChallengeTable.serverName(for: "2001:db8::1") == "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
    }

    @Test("present publishes a context under the SNI exactly until cleanup; a newer token for the name survives an older cleanup")
    func presentAndCleanup() async throws {
        let table = TLSALPN01ChallengeTable()
        let solver = TLSALPN01Solver(table: table)
        #expect(solver.challengeType.rawValue == "tls-alpn-01")
        let first = ChallengeProof(domain: "127.0.0.1", isWildcard: false, token: "one", keyAuthorization: "one.T")
        let second = ChallengeProof(domain: "127.0.0.1", isWildcard: false, token: "two", keyAuthorization: "two.T")
        #expect(table.context(forServerName: "1.0.0.127.in-addr.arpa") == nil)
        try await solver.present(first)
        #expect(table.context(forServerName: "1.0.0.127.IN-ADDR.ARPA") != nil)
        #expect(table.context(forServerName: "127.0.0.1") == nil, "the validator sends the reverse name, never the address")
        try await solver.present(second)
        try await solver.cleanup(first)
        #expect(table.context(forServerName: "1.0.0.127.in-addr.arpa") != nil)
        try await solver.cleanup(second)
        #expect(table.context(forServerName: "1.0.0.127.in-addr.arpa") == nil)
    }
}
