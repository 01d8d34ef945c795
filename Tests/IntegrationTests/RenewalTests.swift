import Foundation
import Testing
import WharfTesting

@Suite("renewal on its own")
struct RenewalTests {
    @Test("with 30-second certificates Wharf renews by itself (at half the lifetime) and serves the new one, no restart")
    func renewsShortLivedCertificates() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-renew")
        defer { folder.remove() }
        let (pebble, plainPort, upstream) = try await ACMEServingTests.peers(in: folder, validity: 30)
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"))
        )
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let first = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        #expect(first?.verified == true)
        var current = first
        for _ in 0..<300 where current?.serial == first?.serial {
            try await Task.sleep(for: .milliseconds(100))
            current = try await ACMEServingTests.served(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        }
        #expect(current?.serial != first?.serial, "renewed within 30 s without a restart\n\(wharf.log().suffix(2000))")
        #expect(current?.verified == true)
        #expect(wharf.isRunning)
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }
}
