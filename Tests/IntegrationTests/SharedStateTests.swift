import Foundation
import Testing
import WharfTesting

@Suite("two Wharf instances on one state folder")
struct SharedStateTests {
    @Test("order once: one instance orders under the folder's lock, both serve the certificate")
    func orderOnce() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-shared-state")
        defer { folder.remove() }
        let (pebble, plainPort, upstream) = try await ACMEServingTests.peers(in: folder)
        let state = folder.file("shared-acme")
        // Only the first instance can bind the validator's port; the second still shares the state.
        let first = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: state), name: "first"
        )
        let second = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: try FreePort.make(), pebble: pebble, state: state), name: "second"
        )
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let servedFirst = try await ACMEServingTests.waitForVerified(port: first.port, name: "mirror.example.test", rootPath: rootPath)
        let servedSecond = try await ACMEServingTests.waitForVerified(port: second.port, name: "mirror.example.test", rootPath: rootPath)
        #expect(servedFirst?.verified == true, "\(first.log().suffix(2000))")
        #expect(servedSecond?.verified == true, "\(second.log().suffix(2000))")
        #expect(servedFirst?.serial == servedSecond?.serial, "both serve the one certificate")
        let orders = first.log().components(separatedBy: "ordering a certificate").count - 1
            + second.log().components(separatedBy: "ordering a certificate").count - 1
        #expect(orders == 1, "exactly one order between the two instances")
        await first.stop()
        await second.stop()
        await upstream.stop()
        await pebble.stop()
    }
}
