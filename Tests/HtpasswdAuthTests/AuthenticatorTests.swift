import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Authenticating requests")
struct AuthenticatorTests {
    @Test("The right password is allowed; a wrong one, an unknown user, and unusable headers are denied")
    func decisions() async throws {
        let alice = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "pa:ss")
        let fixture = try HtpasswdFixture("\(alice)\n")
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(path: fixture.path, realm: "Wharf", logger: log.logger)
        #expect(await auth.authenticate(authorization: basic("alice", "pa:ss"), clientAddress: "10.0.0.1") == .allowed(user: "alice"))
        #expect(await auth.authenticate(authorization: basic("alice", "pa:sS"), clientAddress: "10.0.0.1") == .denied)
        #expect(await auth.authenticate(authorization: basic("mallory", "pa:ss"), clientAddress: "10.0.0.1") == .denied)
        #expect(await auth.authenticate(authorization: nil, clientAddress: "10.0.0.1") == .denied)
        for header in ["Bearer abc", "Basic", "Basic !!!", "Basic " + Data("no-colon".utf8).base64EncodedString(), "Basic " + Data(":pw".utf8).base64EncodedString()] {
            #expect(await auth.authenticate(authorization: header, clientAddress: "10.0.0.2") == .denied, "\(header)")
        }
        // The scheme is case-insensitive and padding may be left out.
        let unpadded = Data("alice:pa:ss".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(await auth.authenticate(authorization: "basic  \(unpadded) ", clientAddress: "10.0.0.3") == .allowed(user: "alice"))
    }

    @Test("The challenge quotes the realm")
    func challenge() async throws {
        let fixture = try HtpasswdFixture("")
        let log = LogRecorder()
        #expect(try await HtpasswdAuthenticator(path: fixture.path, realm: "Wharf", logger: log.logger).challenge == #"Basic realm="Wharf""#)
        let odd = try await HtpasswdAuthenticator(path: fixture.path, realm: "say \"hi\" \\ bye\r\nX: y", logger: log.logger)
        #expect(odd.challenge == #"Basic realm="say \"hi\" \\ byeX: y""#)
    }

    @Test("Start-up fails on a bad or missing file")
    func startupFails() async throws {
        let weak = try await Apache.entry(["-m"], user: "alice", password: "pw")
        let fixture = try HtpasswdFixture("\(weak)\n")
        let log = LogRecorder()
        let error = try await #require(throws: HtpasswdError.self) {
            try await HtpasswdAuthenticator(path: fixture.path, realm: "r", logger: log.logger)
        }
        #expect(error.line == 1 && error.user == "alice")
        await #expect(throws: HtpasswdError.self) {
            try await HtpasswdAuthenticator(path: fixture.folder.file("missing"), realm: "r", logger: log.logger)
        }
    }

    @Test("A cached credential skips bcrypt: the second check of a cost-12 hash is faster than the first and hashes nothing")
    func cacheSkipsHashing() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "s3cret", cost: 12)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(path: fixture.path, realm: "r", logger: log.logger)
        let clock = ContinuousClock()
        var decision = AuthenticationDecision.denied
        let first = await clock.measure {
            decision = await auth.authenticate(authorization: basic("alice", "s3cret"), clientAddress: "10.0.0.1")
        }
        #expect(decision == .allowed(user: "alice"))
        let second = await clock.measure {
            decision = await auth.authenticate(authorization: basic("alice", "s3cret"), clientAddress: "10.0.0.9")
        }
        #expect(decision == .allowed(user: "alice"))
        #expect(auth.hashing.hashesComputed == 1)
        #expect(first > second, "first \(first), second \(second)")
        // A wrong password for the same user is not answered from the cache.
        #expect(await auth.authenticate(authorization: basic("alice", "s3creT"), clientAddress: "10.0.0.1") == .denied)
        #expect(auth.hashing.hashesComputed == 2)
    }

    @Test("After a password change and reload, the old (cached) password is refused and the new one allowed")
    func reloadForgetsCache() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "old", cost: 4)
        try await HtpasswdEditor.add(file: fixture.path, user: "bob", password: "bob", cost: 4)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(path: fixture.path, realm: "r", logger: log.logger)
        #expect(await auth.authenticate(authorization: basic("alice", "old"), clientAddress: "a") == .allowed(user: "alice"))
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "new", cost: 4)
        #expect(await auth.authenticate(authorization: basic("alice", "old"), clientAddress: "a") == .allowed(user: "alice"), "cached until reload")
        #expect(await auth.reload())
        #expect(await auth.authenticate(authorization: basic("alice", "old"), clientAddress: "a") == .denied)
        #expect(await auth.authenticate(authorization: basic("alice", "new"), clientAddress: "a") == .allowed(user: "alice"))
        // A deleted user is refused at once too.
        #expect(await auth.authenticate(authorization: basic("bob", "bob"), clientAddress: "a") == .allowed(user: "bob"))
        try await HtpasswdEditor.delete(file: fixture.path, user: "bob")
        #expect(await auth.reload())
        #expect(await auth.authenticate(authorization: basic("bob", "bob"), clientAddress: "a") == .denied)
    }

    @Test("A reload that does not parse keeps the previous users and logs file, line and user")
    func brokenReloadKeepsUsers() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "pw", cost: 4)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(path: fixture.path, realm: "r", logger: log.logger)
        let weak = try await Apache.entry(["-m"], user: "eve", password: "eve-pw")
        try fixture.write("# broken\n\(weak)\n")
        #expect(await !auth.reload())
        #expect(auth.users == ["alice"])
        #expect(await auth.authenticate(authorization: basic("alice", "pw"), clientAddress: "a") == .allowed(user: "alice"))
        let line = try #require(log.messages.first { $0.hasPrefix("error") })
        #expect(line.contains("\(fixture.path):2: user \"eve\""))
        #expect(line.contains("line=2"))
        try FileManager.default.removeItem(atPath: fixture.path)
        #expect(await !auth.reload())
        #expect(auth.users == ["alice"])
    }

    @Test("Concurrent requests with the same credentials share one bcrypt")
    func singleFlight() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "pw", cost: 10)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(path: fixture.path, realm: "r", logger: log.logger)
        let decisions = await withTaskGroup(of: AuthenticationDecision.self) { group in
            for _ in 0..<8 {
                group.addTask { await auth.authenticate(authorization: basic("alice", "pw"), clientAddress: "a") }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions == Array(repeating: .allowed(user: "alice"), count: 8))
        #expect(auth.hashing.hashesComputed == 1)
    }

    @Test("No password, hash or Authorization header reaches a log line")
    func nothingSecretLogged() async throws {
        let password = "Tr0ub4dor&3-secret"
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: password, cost: 4)
        let hash = try #require(await HtpasswdFile.load(path: fixture.path).hash(for: "alice"))
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(
            path: fixture.path, realm: "r", settings: .init(failureLimit: 2), logger: log.logger
        )
        var headers = [basic("alice", password), basic("alice", password + "x"), basic("nobody", password)]
        headers += ["Basic " + Data(password.utf8).base64EncodedString(), "Bearer \(password)"]
        for header in headers {
            _ = await auth.authenticate(authorization: header, clientAddress: "192.0.2.1")
            _ = await auth.authenticate(authorization: header, clientAddress: "192.0.2.2")
        }
        let weak = try await Apache.entry(["-p"], user: "eve", password: password)
        try fixture.write("\(weak)\n")
        #expect(await !auth.reload())
        try fixture.write("alice:\(hash)\n")
        #expect(await auth.reload())
        let logged = log.messages
        #expect(logged.contains { $0.contains("authentication failed") })
        #expect(logged.contains { $0.contains("too many failed attempts") })
        for line in logged {
            #expect(!line.contains(password), "\(line)")
            #expect(!line.contains(String(hash.dropFirst(7))), "\(line)")
            for header in headers {
                #expect(!line.contains(String(header.dropFirst(6))), "\(line)")
            }
        }
    }
}
