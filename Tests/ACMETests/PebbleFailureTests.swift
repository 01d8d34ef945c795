import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("failures against Pebble", .timeLimit(.minutes(3)))
struct PebbleFailureTests {
    @Test("the HTTP-01 listener down: the error names the host and quotes the validator; nothing stays published")
    func listenerDown() async throws {
        try await PebbleFixture.with { fixture in
            await fixture.challengeServer.stop()
            let client = fixture.client()
            let error = await #expect(throws: ACMEError.self) {
                try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            }
            let failure = try #require(error)
            #expect(failure.kind == .validationFailed)
            #expect(failure.identifier == "mirror.example.test")
            #expect(failure.problem?.shortType == "connection")
            #expect(failure.description.contains("could not validate mirror.example.test with http-01"))
            // The validator's own words are quoted. Whether they say "connection refused" or
            // "EOF" depends on whether another test's peer took the freed port meanwhile.
            #expect(failure.description.contains("/.well-known/acme-challenge/"), "\(failure)")
            #expect(failure.description.contains("port 80 reaches Wharf"))
            #expect(fixture.logs.text.contains("deactivat"))
            print("error shown to the user: \(failure)")
        }
    }

    @Test("a solver that cannot publish: the error names the host, the pending authorization is deactivated")
    func solverFails() async throws {
        try await PebbleFixture.with({ $0.authorizationReusePercent = 0 }) { fixture in
            let error = await #expect(throws: ACMEError.self) {
                try await fixture.client().obtainCertificate(hosts: ["mirror.example.test"], solver: FailingSolver())
            }
            #expect(error?.kind == .solverFailed)
            #expect(error?.identifier == "mirror.example.test")
            #expect(error?.description.contains("the webhook answered 500") == true)
            #expect(fixture.logs.messages.contains { $0.contains("deactivated an authorization") }, "\(fixture.logs.text)")
        }
    }

    @Test("one of two names failing fails the order and names that name")
    func oneNameFails() async throws {
        try await PebbleFixture.with { fixture in
            // www resolves nowhere useful: the validator dials 127.0.0.2, where nothing listens.
            try await fixture.pebble.dns.addA(host: "www.example.test", addresses: ["127.0.0.2"])
            let error = await #expect(throws: ACMEError.self) {
                try await fixture.client().obtainCertificate(hosts: ["mirror.example.test", "www.example.test"], solver: fixture.solver)
            }
            #expect(error?.identifier == "www.example.test")
            #expect(error?.kind == .validationFailed)
            #expect(fixture.tokens.keyAuthorization(for: "x") == nil)
        }
    }

    @Test("an unreachable CA is a network error naming the URL")
    func unreachable() async throws {
        let folder = try TemporaryFolder(prefix: "acme-unreachable")
        defer { folder.remove() }
        let port = try FreePort.make()
        let client = ACMEClient(directoryURL: "https://127.0.0.1:\(port)/dir", accountStore: CertificateStateFolder(folder: folder.path), logger: LogRecorder().logger)
        let error = await #expect(throws: ACMEError.self) {
            try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: HTTP01Solver(tokens: HTTP01TokenTable()))
        }
        #expect(error?.kind == .network)
        #expect(error?.description.contains("127.0.0.1:\(port)/dir") == true)
        print("unreachable CA: \(error.map(String.init(describing:)) ?? "")")
    }

    @Test("a CA whose certificate is not trusted fails the TLS handshake with advice about the CA bundle")
    func untrustedCA() async throws {
        try await PebbleFixture.with { fixture in
            let client = ACMEClient(directoryURL: fixture.pebble.directoryURL, accountStore: fixture.store, logger: fixture.logs.logger)
            let error = await #expect(throws: ACMEError.self) { try await client.directory() }
            #expect(error?.kind == .network)
            #expect(error?.description.contains("CA bundle") == true)
            print("untrusted CA: \(error.map(String.init(describing:)) ?? "")")
        }
    }
}

/// A solver whose publishing always fails, as a DNS webhook returning 500 would.
private struct FailingSolver: ChallengeSolver {
    struct WebhookError: Error, CustomStringConvertible {
        var description: String { "the webhook answered 500" }
    }

    var challengeType: ChallengeType { .http01 }

    func present(_ challenge: ChallengeProof) async throws {
        throw WebhookError()
    }

    func cleanup(_ challenge: ChallengeProof) async throws {}
}
