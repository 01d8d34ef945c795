import ACME
import AsyncHTTPClient
import Certificates
import Foundation
import S3
import Testing
import WharfTesting

/// ``CertificateStateBucket`` against a real SeaweedFS (one per test run, a bucket per test).
@Suite("the certificate state in a bucket")
struct CertificateStateBucketTests {
    /// Runs `body` with the state in a fresh bucket under `rootdirectory` `fleet`.
    static func withBucket(secretKey: String? = nil, _ body: (CertificateStateBucket) async throws -> Void) async throws {
        let peer = try await SeaweedFSPeer.shared()
        var settings = peer.settings(bucket: try await peer.makeBucket(prefix: "acme"), rootDirectory: "fleet")
        if let secretKey { settings.credentials = S3Credentials(accessKey: peer.accessKey, secretKey: secretKey) }
        let http = S3Client.makeHTTPClient(settings)
        do {
            try await body(CertificateStateBucket(client: S3Client(settings: settings, http: http)))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    static let issued = CertificateStateFolderTests.issued

    @Test("the account key and record round-trip under acme/; missing ones are nil; removing the record keeps the key")
    func account() async throws {
        try await Self.withBucket { store in
            #expect(try await store.loadAccountKey() == nil)
            #expect(try await store.loadAccount() == nil)
            let key = AccountKey()
            try await store.saveAccountKey(key)
            #expect(try await store.loadAccountKey()?.thumbprint == key.thumbprint)
            #expect(try await store.client.headObject("acme/account.key") != nil, "the key is at <rootdirectory>/acme/account.key")
            let account = StoredAccount(directoryURL: "https://ca.test/dir", accountURL: "https://ca.test/acct/1")
            try await store.saveAccount(account)
            #expect(try await store.loadAccount() == account)
            try await store.removeAccount()
            #expect(try await store.loadAccount() == nil)
            #expect(try await store.loadAccountKey()?.thumbprint == key.thumbprint)
        }
    }

    @Test("a certificate's chain, key and metadata round-trip in the folder's layout; a failure is recorded beside them")
    func certificate() async throws {
        try await Self.withBucket { store in
            let name = CertificateStateBucket.certificateName(for: Self.issued.hosts)
            #expect(try await store.loadCertificate(name: name) == nil)
            #expect(try await store.loadMetadata(name: name) == nil)
            try await store.saveCertificate(Self.issued, name: name, directoryURL: "https://ca.test/dir", keyType: .ecdsaP256)
            let stored = try #require(try await store.loadCertificate(name: name))
            #expect(stored.chainPEM == Self.issued.chainPEM)
            #expect(stored.privateKeyPEM == Self.issued.privateKeyPEM)
            #expect(stored.metadata.hosts == Self.issued.hosts)
            #expect(stored.metadata.serial == "0A1B")
            #expect(stored.metadata.notAfter == Self.issued.notAfter)
            #expect(stored.metadata.directoryURL == "https://ca.test/dir")
            #expect(stored.metadata.keyType == KeyType.ecdsaP256.rawValue)
            let keys = try await store.client.listAllObjects(prefix: "acme/").map(\.key).sorted()
            #expect(keys == ["acme/certificates/\(name)/chain.pem", "acme/certificates/\(name)/key.pem", "acme/certificates/\(name)/metadata.json"])

            let failedAt = Date(timeIntervalSince1970: 1_705_000_000)
            try await store.recordFailure(name: name, hosts: Self.issued.hosts, directoryURL: "https://ca.test/dir", message: "rateLimited", at: failedAt)
            let metadata = try #require(try await store.loadMetadata(name: name))
            #expect(metadata.lastError == "rateLimited")
            #expect(metadata.lastErrorAt == failedAt)
            #expect(metadata.serial == "0A1B", "the rest of the metadata stays")

            // Without its key the certificate is not there.
            try await store.client.deleteObject("acme/certificates/\(name)/key.pem")
            #expect(try await store.loadCertificate(name: name) == nil)
        }
    }

    @Test("a garbage record is an error naming its key in the bucket; a bad name is refused before any request")
    func garbage() async throws {
        try await Self.withBucket { store in
            try await store.client.putObject("acme/certificates/mirror.example.test/metadata.json", bytes: Array("{not json".utf8))
            await #expect {
                _ = try await store.loadMetadata(name: "mirror.example.test")
            } throws: { error in
                let text = "\(error)"
                return error is TLSCertificateError && text.contains("\(store.url("acme/certificates/mirror.example.test/metadata.json"))")
                    && text.contains("not certificate metadata")
            }
            try await store.client.putObject("acme/account.json", bytes: Array("[]".utf8))
            await #expect {
                _ = try await store.loadAccount()
            } throws: { error in
                "\(error)".contains("s3://\(store.client.settings.bucket)/fleet/acme/account.json") && "\(error)".contains("not an account record")
            }
            try await store.client.putObject("acme/account.key", bytes: Array("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n".utf8))
            await #expect {
                _ = try await store.loadAccountKey()
            } throws: { error in
                "\(error)".contains("fleet/acme/account.key")
            }
            await #expect(throws: TLSCertificateError.self) {
                _ = try await store.loadCertificate(name: "../escape")
            }
        }
    }

    @Test("a bucket that refuses the credentials is an error naming the key and never the secret")
    func refused() async throws {
        let secret = "wrong-secret-\(UUID().uuidString)"
        try await Self.withBucket(secretKey: secret) { store in
            await #expect {
                _ = try await store.loadAccountKey()
            } throws: { error in
                let text = "\(error)"
                return error is TLSCertificateError && text.contains("fleet/acme/account.key") && text.contains("SignatureDoesNotMatch") && !text.contains(secret)
            }
            await #expect {
                try await store.requestRenewal(.force)
            } throws: { error in
                "\(error)".contains("fleet/acme/renew-requested") && !"\(error)".contains(secret)
            }
            #expect(await store.takeRenewalRequest() == nil)
            #expect(await !store.orderLock().acquire(now: Date()), "an unreachable lock is not taken")
        }
    }

    @Test("a renewal request is taken once: read, then removed")
    func renewalRequest() async throws {
        try await Self.withBucket { store in
            #expect(await store.takeRenewalRequest() == nil)
            try await store.requestRenewal(.force)
            #expect(await store.takeRenewalRequest() == .force)
            #expect(await store.takeRenewalRequest() == nil)
            try await store.requestRenewal(.ifDue)
            #expect(await store.takeRenewalRequest() == .ifDue)
        }
    }

    @Test("a pending challenge is published, read back until it expires, and removed only for its own token")
    func pendingChallenge() async throws {
        try await Self.withBucket { store in
            // Whole seconds: records keep ISO 8601 times.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let challenge = PendingChallenge(type: .http01, identifier: "mirror.example.test", token: "tok-1", keyAuthorization: "tok-1.thumb", expires: now + 600)
            #expect(try await store.loadPendingChallenge(name: challenge.name, now: now) == nil)
            try await store.savePendingChallenge(challenge)
            #expect(try await store.loadPendingChallenge(name: challenge.name, now: now) == challenge)
            #expect(try await store.client.headObject("acme/challenges/http-01.tok-1.json") != nil)
            #expect(try await store.loadPendingChallenge(name: challenge.name, now: now + 601) == nil, "expired")
            try await store.removePendingChallenge(name: challenge.name, token: "another")
            #expect(try await store.loadPendingChallenge(name: challenge.name, now: now) == challenge, "another token's removal leaves it")
            try await store.removePendingChallenge(name: challenge.name, token: "tok-1")
            #expect(try await store.loadPendingChallenge(name: challenge.name, now: now) == nil)
            try await store.client.putObject("acme/challenges/http-01.bad.json", bytes: Array("garbage".utf8))
            #expect(try await store.loadPendingChallenge(name: "http-01.bad", now: now) == nil, "an unreadable record is ignored")
        }
    }
}
