import Foundation
import Testing
import WharfTesting

@Suite("challenge: an ordered list; a failing challenge falls back to the next, and what worked goes first next time")
struct ChallengeFallbackTests {
    /// The `ordering with a challenge` lines of `log`, in order.
    static func orderings(_ log: Substring) -> [String] {
        log.split(separator: "\n").filter { $0.contains("ordering with a challenge") }.map(String.init)
    }

    @Test("TLS-ALPN-01 unreachable, HTTP-01 succeeds; the renewal starts with HTTP-01")
    func fallsBackAndRemembers() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-fallback")
        defer { folder.remove() }
        let plainPort = try FreePort.make()
        var options = PebbleOptions(httpPort: plainPort)
        options.tlsPort = try FreePort.make()   // Pebble's TLS-ALPN-01 validator dials this port; nothing listens there.
        options.authorizationReusePercent = 0
        let (pebble, upstream, rootPath) = try await TLSALPNChallengeTests.peers(in: folder, options: options)
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: TLSALPNChallengeTests.acmeYAML(
                hosts: "[mirror.example.test]", challenge: "[tls-alpn-01, http-01]", pebble: pebble, state: folder.file("state"),
                extra: "      httpaddr: 127.0.0.1:\(plainPort)")
        )
        let issued = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        let log = wharf.log()
        #expect(issued?.verified == true, "HTTP-01 obtained the certificate after TLS-ALPN-01 failed\n\(log.suffix(3000))")
        let fallback = log.split(separator: "\n").first { $0.contains("the challenge failed; trying the next one") }.map(String.init) ?? ""
        #expect(fallback.contains("tls-alpn-01") && fallback.contains("mirror.example.test"), "the failure names the challenge and the identifier: \(fallback)")
        #expect(fallback.contains("Failed to connect") && fallback.contains("(unauthorized)"), "the failure quotes the CA's problem (detail and type): \(fallback)")
        #expect(fallback.contains("port 443 reaches Wharf itself"), "the advice is about TLS-ALPN-01, not HTTP-01: \(fallback)")
        let first = Self.orderings(log[...])
        #expect(first.count == 2 && first[0].contains("tls-alpn-01") && first[1].contains("http-01"), "\(first)")

        let status = try await Command.run(try WharfProcess.binaryPath(), ["cert", "status", "--config", wharf.configPath])
        #expect(status.stdout.contains("challenge:    http-01"), "the state remembers what worked: \(status.stdout)")

        let mark = wharf.log().count
        let renew = try await Command.run(try WharfProcess.binaryPath(), ["cert", "renew", "--force", "--config", wharf.configPath])
        #expect(renew.status == 0, "\(renew.summary)")
        var renewed = issued
        for _ in 0..<150 where renewed?.serial == issued?.serial {
            try await Task.sleep(for: .milliseconds(100))
            renewed = try await ACMEServingTests.served(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        }
        #expect(renewed?.serial != issued?.serial && renewed?.verified == true, "the forced renewal issued a new certificate")
        let after = wharf.log().dropFirst(mark)
        let second = Self.orderings(after)
        #expect(second.first?.contains("http-01") == true, "the renewal starts with the challenge that worked: \(second)")
        #expect(!after.contains("trying the next one"), "and needs no fallback")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }
}
