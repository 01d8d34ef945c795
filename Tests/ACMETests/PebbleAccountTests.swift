import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("accounts against Pebble", .timeLimit(.minutes(3)))
struct PebbleAccountTests {
    @Test("a second order with the same state folder reuses the account: no new account, same URL")
    func reusesAccount() async throws {
        try await PebbleFixture.with { fixture in
            let client = fixture.client()
            _ = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            let first = try #require(try await fixture.store.loadAccount())
            #expect(first.directoryURL == fixture.pebble.directoryURL)
            #expect(fixture.pebble.accountCount() == 1, "Pebble's log: \(fixture.pebble.log())")

            let certificate = try await client.obtainCertificate(hosts: ["www.example.test"], solver: fixture.solver)
            try await fixture.verify(certificate, hosts: ["www.example.test"])
            #expect(try await fixture.store.loadAccount() == first)
            #expect(fixture.pebble.accountCount() == 1)
            #expect(fixture.logs.messages.filter { $0.contains("registered an ACME account") }.count == 1)
        }
    }

    @Test("with the account file lost but the key kept, the account is found again by its key")
    func findsAccountByKey() async throws {
        try await PebbleFixture.with { fixture in
            let client = fixture.client()
            let url = try await client.accountURL()
            try FileManager.default.removeItem(atPath: fixture.store.accountPath)

            let certificate = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            try await fixture.verify(certificate, hosts: ["mirror.example.test"])
            #expect(try await fixture.store.loadAccount()?.accountURL == url)
            #expect(fixture.pebble.accountCount() == 1)
            #expect(fixture.logs.text.contains("found the existing ACME account"))
        }
    }

    @Test("an account URL the CA does not know (a reset CA) is replaced by a new registration")
    func forgottenAccount() async throws {
        try await PebbleFixture.with { fixture in
            let client = fixture.client()
            let url = try await client.accountURL()
            let bogus = StoredAccount(directoryURL: fixture.pebble.directoryURL, accountURL: url + "0000")
            try await fixture.store.saveAccount(bogus)
            // The stored key is the one of the real account: the lookup finds it again.
            let certificate = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            try await fixture.verify(certificate, hosts: ["mirror.example.test"])
            #expect(try await fixture.store.loadAccount()?.accountURL == url)
            #expect(fixture.logs.text.contains("does not know the stored account"))
        }
    }

    @Test("External Account Binding: refused without, accepted with the CA's key id and HMAC key")
    func externalAccountBinding() async throws {
        let macKey = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
        try await PebbleFixture.with({ $0.externalAccountMACKeys = ["kid-1": macKey] }) { fixture in
            let without = fixture.client()
            let error = await #expect(throws: ACMEError.self) {
                try await without.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            }
            #expect(error?.kind == .invalidConfiguration)
            #expect(error?.description.contains("External Account Binding") == true)

            let wrong = fixture.client(eab: try ExternalAccountBinding(keyID: "kid-1", hmacKey: Base64URL.encode(Array("wrong key".utf8))))
            let refused = await #expect(throws: ACMEError.self) { try await wrong.accountURL() }
            #expect(refused?.kind == .rejected)

            let client = fixture.client(eab: try ExternalAccountBinding(keyID: "kid-1", hmacKey: macKey))
            let certificate = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            try await fixture.verify(certificate, hosts: ["mirror.example.test"])
            #expect(!fixture.logs.text.contains(macKey))
        }
    }
}
