import Foundation
import Testing
import WharfTesting

@Suite("renewal while the CA is down")
struct RenewalOutageTests {
    @Test("the CA down at renewal time: attempts fail and are retried every few seconds, the old certificate keeps serving, and once the CA is back on the same ports it is renewed")
    func caUnreachableAtRenewal() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-outage")
        defer { folder.remove() }
        let (pebble, plainPort, upstream) = try await ACMEServingTests.peers(in: folder, validity: 60)
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"))
        )
        let firstRoot = folder.file("root-1.pem")
        try (try await pebble.rootPEM()).write(toFile: firstRoot, atomically: true, encoding: .utf8)
        let first = try #require(try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: firstRoot))
        #expect(first.verified)
        await pebble.stopCA()

        // Renewal is due 30 s into the 60 s life; with a tenth of the time left as the bound,
        // failed attempts come every 2-3 s, so three of them fit well before expiry.
        let failure = "obtaining a certificate failed"
        var log = wharf.log()
        for _ in 0..<450 where Self.count(failure, in: log) < 3 {
            try await Task.sleep(for: .milliseconds(100))
            log = wharf.log()
        }
        #expect(Self.count(failure, in: log) >= 3, "three failed attempts within 45 s of the CA going away\n\(log.suffix(3000))")
        let during = try await ACMEServingTests.served(port: wharf.port, name: "mirror.example.test", rootPath: firstRoot)
        #expect(during?.serial == first.serial && during?.verified == true, "the old certificate keeps serving while the CA is down")
        #expect(wharf.isRunning)

        try await pebble.restartCA()
        // A restarted Pebble issues from a new root.
        let secondRoot = folder.file("root-2.pem")
        try (try await pebble.rootPEM()).write(toFile: secondRoot, atomically: true, encoding: .utf8)
        let renewed = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: secondRoot, attempts: 250)
        #expect(renewed?.verified == true && renewed?.serial != first.serial, "renewed once the CA is back\n\(wharf.log().suffix(3000))")
        #expect(wharf.log().contains("the CA does not know the stored account any more"), "the restarted Pebble forgot the account; Wharf registers again")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }

    static func count(_ text: String, in log: String) -> Int {
        log.components(separatedBy: text).count - 1
    }
}
