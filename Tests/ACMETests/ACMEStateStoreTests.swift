import Foundation
import Testing
import WharfTesting

@testable import ACME

@Suite("ACME state folder")
struct ACMEStateStoreTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the account key is 0600 in a 0700 folder and reads back")
    func accountKey() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = ACMEStateStore(folder: temporary.file("state"))
        #expect(try await store.loadAccountKey() == nil)
        let key = AccountKey()
        try await store.saveAccountKey(key)
        #expect(try mode(store.folder) == 0o700)
        #expect(try mode(store.accountKeyPath) == 0o600)
        #expect(try await store.loadAccountKey()?.thumbprint == key.thumbprint)

        let account = StoredAccount(directoryURL: "https://ca.test/dir", accountURL: "https://ca.test/acct/1")
        try await store.saveAccount(account)
        #expect(try await store.loadAccount() == account)
        #expect(try mode(store.accountPath) == 0o600)
        try await store.removeAccount()
        #expect(try await store.loadAccount() == nil)
        #expect(try await store.loadAccountKey() != nil)
    }

    @Test("a certificate's chain, key (0600) and metadata round-trip; a failure is recorded beside them")
    func certificate() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = ACMEStateStore(folder: temporary.path)
        let issued = IssuedCertificate(
            chainPEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
            notBefore: Date(timeIntervalSince1970: 1_700_000_000),
            notAfter: Date(timeIntervalSince1970: 1_707_776_000),
            serial: "0A1B",
            issuer: "Pebble Intermediate CA 1",
            hosts: ["mirror.example.test", "www.example.test"],
            certificateURL: "https://ca.test/cert/1"
        )
        let name = ACMEStateStore.certificateName(for: issued.hosts)
        try await store.saveCertificate(issued, name: name, directoryURL: "https://ca.test/dir", keyType: .ecdsaP256)
        #expect(try mode(store.keyPath(name)) == 0o600)
        #expect(try mode(store.certificateFolder(name)) == 0o700)
        #expect(try mode(store.chainPath(name)) == 0o644)

        let stored = try #require(try await store.loadCertificate(name: name))
        #expect(stored.chainPEM == issued.chainPEM)
        #expect(stored.privateKeyPEM == issued.privateKeyPEM)
        #expect(stored.metadata.hosts == issued.hosts)
        #expect(stored.metadata.notAfter == issued.notAfter)
        #expect(stored.metadata.serial == "0A1B")
        #expect(stored.metadata.lastError == nil)

        try await store.recordFailure(name: name, hosts: issued.hosts, directoryURL: "https://ca.test/dir", message: "rate limited")
        let metadata = try #require(try await store.loadMetadata(name: name))
        #expect(metadata.lastError == "rate limited")
        #expect(metadata.serial == "0A1B")

        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.certificateFolder(name)).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("certificate names that would escape the folder are refused", arguments: ["../x", ".hidden", "a/b", ""])
    func badNames(name: String) async throws {
        let store = ACMEStateStore(folder: "/tmp/never-written")
        await #expect(throws: ACMEError.self) { try await store.loadCertificate(name: name) }
    }

    @Test("a wildcard's certificate name is a folder name")
    func wildcardName() {
        #expect(ACMEStateStore.certificateName(for: ["*.example.test"]) == "_.example.test")
    }

    @Test("the HTTP-01 solver serves the key authorization exactly while presented")
    func http01Solver() async throws {
        let tokens = HTTP01TokenTable()
        let solver = HTTP01Solver(tokens: tokens)
        let proof = ChallengeProof(domain: "mirror.example.test", isWildcard: false, token: "tok", keyAuthorization: "tok.THUMB")
        #expect(solver.challengeType == .http01)
        #expect(solver.challengeType.rawValue == "http-01")
        try await solver.present(proof)
        #expect(tokens.keyAuthorization(for: "tok") == "tok.THUMB")
        try await solver.cleanup(proof)
        #expect(tokens.keyAuthorization(for: "tok") == nil)
    }
}
