import ACME
import Foundation
import Testing
import WharfTesting

@Suite("time to a certificate, against lego", .timeLimit(.minutes(3)))
struct PebbleTimingTests {
    @Test("one name against Pebble (PEBBLE_VA_NOSLEEP=1): Wharf's client and lego on the same CA")
    func compareWithLego() async throws {
        let lego = try Command.locate("lego", debianPackage: "lego")
        try await PebbleFixture.with { fixture in
            // A fresh account, as lego's first run has.
            let client = fixture.client()
            var started = ContinuousClock.now
            let first = try await client.obtainCertificate(hosts: ["first.example.test"], solver: fixture.solver)
            let ours = ContinuousClock.now - started
            try await fixture.verify(first, hosts: ["first.example.test"])

            started = ContinuousClock.now
            _ = try await client.obtainCertificate(hosts: ["second.example.test"], solver: fixture.solver)
            let oursAgain = ContinuousClock.now - started

            // lego answers HTTP-01 itself on the port Pebble's validator dials.
            await fixture.challengeServer.stop()
            started = ContinuousClock.now
            let result = try await Command.run(
                lego,
                [
                    "--path", fixture.folder.file("lego"), "--server", fixture.pebble.directoryURL,
                    "--http", "--http.port", "127.0.0.1:\(fixture.challengeServer.port)",
                    "-d", "lego.example.test", "--email", "x@y.z", "--accept-tos", "run",
                ],
                environment: ["LEGO_CA_CERTIFICATES": fixture.pebble.caBundlePath],
                timeout: .seconds(90)
            )
            let theirs = ContinuousClock.now - started
            #expect(result.succeeded, "lego: \(result.stderr)")

            print("time to a certificate for one name against Pebble: Wharf \(ours) (new account), \(oursAgain) (existing account); lego \(theirs)")
            #expect(ours < .seconds(5))
        }
    }
}
