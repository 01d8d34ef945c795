import ACME
import Certificates
import Foundation
import Logging
import Testing
import WharfTesting

extension CertificateStateFolderTests {
    @Test("a published challenge is 0600 under challenges/, read back by name, ignored once expired, removed only for its token")
    func pendingChallenges() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-challenges")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.file("state"))
        let http = PendingChallenge(type: .http01, identifier: "mirror.example.test", token: "tok-1_A", keyAuthorization: "tok-1_A.thumb", expires: Date().addingTimeInterval(60))
        try await store.savePendingChallenge(http)
        #expect(http.name == "http-01.tok-1_A")
        #expect(try mode(store.challengePath(http.name)) == 0o600)
        #expect(try mode("\(store.folder)/challenges") == 0o700)
        #expect(try await store.loadPendingChallenge(name: http.name, now: Date())?.keyAuthorization == "tok-1_A.thumb")
        #expect(try await store.loadPendingChallenge(name: http.name, now: Date().addingTimeInterval(120)) == nil, "expired")

        let alpn = PendingChallenge(type: .tlsALPN01, identifier: "127.0.0.1", token: "t2", keyAuthorization: "t2.thumb", expires: Date().addingTimeInterval(60))
        try await store.savePendingChallenge(alpn)
        #expect(alpn.name == "tls-alpn-01.1.0.0.127.in-addr.arpa", "named by the SNI the validator sends")
        try await store.removePendingChallenge(name: alpn.name, token: "another-token")
        #expect(try await store.loadPendingChallenge(name: alpn.name, now: Date())?.token == "t2", "a cleanup for another token leaves it")
        try await store.removePendingChallenge(name: alpn.name, token: "t2")
        try await store.removePendingChallenge(name: http.name, token: "tok-1_A")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(store.folder)/challenges").isEmpty)
    }

    @Test("SharedChallenges answers a published token and server name, and nothing for unknown or path-like names")
    func sharedLookup() async throws {
        let temporary = try TemporaryFolder(prefix: "acme-shared")
        defer { temporary.remove() }
        let store = CertificateStateFolder(folder: temporary.file("state"))
        let shared = SharedChallenges(store: store, logger: Logger(label: "test"))
        try await store.savePendingChallenge(
            PendingChallenge(type: .http01, identifier: "mirror.example.test", token: "abc", keyAuthorization: "abc.thumb", expires: Date().addingTimeInterval(60)))
        try await store.savePendingChallenge(
            PendingChallenge(type: .tlsALPN01, identifier: "Mirror.Example.Test", token: "def", keyAuthorization: "def.thumb", expires: Date().addingTimeInterval(60)))
        #expect(await shared.keyAuthorization(forToken: "abc") == "abc.thumb")
        #expect(await shared.keyAuthorization(forToken: "missing") == nil)
        #expect(await shared.keyAuthorization(forToken: "../../account.key") == nil)
        #expect(await shared.keyAuthorization(forToken: "a/b") == nil)
        #expect(await shared.validationContext(forServerName: "mirror.example.test") != nil)
        #expect(await shared.validationContext(forServerName: "other.example.test") == nil)
        #expect(await shared.validationContext(forServerName: "abc") == nil, "an HTTP-01 record is not a TLS-ALPN-01 one")
    }
}
