import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("the certificate state folder")
struct CertificateStateFolderTests {
    /// A certificate record as the ACME client hands it over (placeholder PEM: the store does not parse it).
    static let issued = IssuedCertificate(
        chainPEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
        notBefore: Date(timeIntervalSince1970: 1_700_000_000),
        notAfter: Date(timeIntervalSince1970: 1_707_776_000),
        serial: "0A1B",
        issuer: "Pebble Intermediate CA 1",
        hosts: ["mirror.example.test", "www.example.test"],
        certificateURL: "https://ca.test/cert/1"
    )

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the account key is 0600 in a 0700 folder and reads back")
    func accountKey() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.file("state"))
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

    @Test("an existing wider folder is narrowed to 0700 before a key goes in")
    func narrowsFolder() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: try temporary.folder("state"))
        #expect(chmod(store.folder, 0o755) == 0)
        try await store.saveAccountKey(AccountKey())
        #expect(try mode(store.folder) == 0o700)
    }

    @Test("a certificate's chain, key (0600) and metadata round-trip; a failure is recorded beside them")
    func certificate() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.path)
        let issued = Self.issued
        let name = CertificateStateFolder.certificateName(for: issued.hosts)
        try await store.saveCertificate(issued, name: name, directoryURL: "https://ca.test/dir", keyType: .ecdsaP256)
        #expect(try mode(store.keyPath(name)) == 0o600)
        #expect(try mode(store.certificateFolder(name)) == 0o700)
        #expect(try mode(store.chainPath(name)) == 0o644)
        #expect(try mode(store.metadataPath(name)) == 0o644)

        let stored = try #require(try await store.loadCertificate(name: name))
        #expect(stored.chainPEM == issued.chainPEM)
        #expect(stored.privateKeyPEM == issued.privateKeyPEM)
        #expect(stored.metadata.hosts == issued.hosts)
        #expect(stored.metadata.notAfter == issued.notAfter)
        #expect(stored.metadata.serial == "0A1B")
        #expect(stored.metadata.keyType == "ecdsa-p256")
        #expect(stored.metadata.lastError == nil)

        try await store.recordFailure(name: name, hosts: issued.hosts, directoryURL: "https://ca.test/dir", message: "rate limited", at: Date())
        let metadata = try #require(try await store.loadMetadata(name: name))
        #expect(metadata.lastError == "rate limited")
        #expect(metadata.serial == "0A1B")

        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.certificateFolder(name)).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("metadata that is not JSON is an error naming the file and saying how to recover")
    func corruptMetadata() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.path)
        try FileManager.default.createDirectory(atPath: store.certificateFolder("x"), withIntermediateDirectories: true)
        try "{not json".write(toFile: store.metadataPath("x"), atomically: false, encoding: .utf8)
        let error = try await #require(throws: TLSCertificateError.self) { try await store.loadMetadata(name: "x") }
        #expect(error.description.contains(store.metadataPath("x")))
        #expect(error.description.contains("remove it to order the certificate again"))
    }

    @Test("certificate names that would escape the folder are refused", arguments: ["../x", ".hidden", "a/b", ""])
    func badNames(name: String) async throws {
        let store = CertificateStateFolder(folder: "/tmp/never-written")
        let error = try await #require(throws: TLSCertificateError.self) { try await store.loadCertificate(name: name) }
        #expect(error.kind == .invalidName)
    }

    @Test("a wildcard's certificate name is a folder name")
    func wildcardName() {
        #expect(CertificateStateFolder.certificateName(for: ["*.example.test"]) == "_.example.test")
        #expect(CertificateStateFolder.certificateName(for: ["2001:db8::1"]) == "2001-db8--1")
    }

    @Test("a renewal request is left once and taken once; an unknown word means renew if due")
    func renewalRequests() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-store")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.file("state"))
        #expect(await store.takeRenewalRequest() == nil)
        try await store.requestRenewal(.force)
        #expect(try String(contentsOfFile: store.renewalRequestPath, encoding: .utf8) == "force")
        #expect(try mode(store.folder) == 0o700)
        #expect(await store.takeRenewalRequest() == .force)
        #expect(await store.takeRenewalRequest() == nil)
        try "soon\n".write(toFile: store.renewalRequestPath, atomically: false, encoding: .utf8)
        #expect(await store.takeRenewalRequest() == .ifDue)
    }
}
