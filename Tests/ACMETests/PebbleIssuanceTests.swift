import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("issuance against Pebble", .timeLimit(.minutes(3)))
struct PebbleIssuanceTests {
    @Test("a certificate for two names chains to Pebble's root, names both, matches its key")
    func twoNames() async throws {
        try await PebbleFixture.with { fixture in
            let hosts = ["mirror.example.test", "www.example.test"]
            let started = ContinuousClock.now
            let certificate = try await fixture.client().obtainCertificate(hosts: hosts, keyType: .ecdsaP256, solver: fixture.solver)
            let took = ContinuousClock.now - started

            try await fixture.verify(certificate, hosts: hosts)
            #expect(certificate.hosts == hosts)
            #expect(certificate.notAfter > Date())
            #expect(fixture.challengeServer.requestCount >= 1)
            #expect(fixture.tokens.keyAuthorization(for: "anything") == nil)
            // Nothing secret reaches the log, not even at trace level.
            #expect(!fixture.logs.text.contains("PRIVATE KEY"))
            print("ACME issuance for two names against Pebble took \(took)")

            let name = CertificateStateFolder.certificateName(for: hosts)
            try await fixture.store.saveCertificate(certificate, name: name, directoryURL: fixture.pebble.directoryURL, keyType: .ecdsaP256)
            let stored = try #require(try await fixture.store.loadCertificate(name: name))
            #expect(stored.chainPEM == certificate.chainPEM)
            #expect(stored.metadata.serial == certificate.serial)
            #expect(stored.metadata.notAfter == certificate.notAfter)
            #expect(stored.metadata.issuer?.hasPrefix("Pebble Intermediate CA") == true)
        }
    }

    @Test("every key type is issued and verifies", arguments: [KeyType.ecdsaP384, .rsa2048, .rsa4096])
    func keyTypes(keyType: KeyType) async throws {
        try await PebbleFixture.with { fixture in
            let certificate = try await fixture.client().obtainCertificate(hosts: ["mirror.example.test"], keyType: keyType, solver: fixture.solver)
            try await fixture.verify(certificate, hosts: ["mirror.example.test"])
        }
    }

    @Test("an IP address is ordered as an ip identifier and lands in the SANs")
    func ipAddress() async throws {
        try await PebbleFixture.with { fixture in
            let hosts = ["mirror.example.test", "127.0.0.1"]
            let certificate = try await fixture.client().obtainCertificate(hosts: hosts, solver: fixture.solver)
            try await fixture.verify(certificate, hosts: hosts)
        }
    }

    @Test("half the nonces rejected as badNonce: the order still succeeds")
    func badNonces() async throws {
        try await PebbleFixture.with({ $0.nonceRejectPercent = 50 }) { fixture in
            let hosts = ["mirror.example.test", "www.example.test"]
            let certificate = try await fixture.client().obtainCertificate(hosts: hosts, solver: fixture.solver)
            try await fixture.verify(certificate, hosts: hosts)
            let retries = fixture.logs.messages.filter { $0.contains("rejected the nonce") }.count
            #expect(retries > 0, "with 50% rejected, at least one request must have been retried")
            print("badNonce retries with PEBBLE_WFE_NONCEREJECT=50: \(retries)")
        }
    }

    @Test("the directory says Pebble 2.4 has neither renewalInfo nor profiles; replaces and profile are then left out")
    func directoryOffers() async throws {
        try await PebbleFixture.with { fixture in
            let client = fixture.client()
            let directory = try await client.directory()
            #expect(!directory.offersRenewalInfo)
            #expect(directory.profiles.isEmpty)
            #expect(!directory.requiresExternalAccountBinding)
            let certificate = try await client.obtainCertificate(
                hosts: ["mirror.example.test"], solver: fixture.solver, replaces: "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", profile: "shortlived")
            try await fixture.verify(certificate, hosts: ["mirror.example.test"])
            #expect(fixture.logs.text.contains("offers no certificate profiles"))
        }
    }
}
