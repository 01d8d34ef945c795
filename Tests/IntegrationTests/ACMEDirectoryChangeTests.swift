import Foundation
import Testing
import WharfTesting

@Suite("a changed http.tls.letsencrypt.directoryurl")
struct ACMEDirectoryChangeTests {
    @Test("a stored certificate from the old directory keeps serving only until the new directory issues one, at once")
    func replacedAtOnce() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-acme-dir")
        defer { folder.remove() }
        let plainPort = try FreePort.make()
        // Two CAs, as staging and production are: each Pebble makes a root of its own.
        let first = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: plainPort), name: "pebble-first")
        let second = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: plainPort), name: "pebble-second")
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let state = folder.file("acme-state")
        do {
            let firstRoot = folder.file("first-root.pem")
            let secondRoot = folder.file("second-root.pem")
            try (try await first.rootPEM()).write(toFile: firstRoot, atomically: true, encoding: .utf8)
            try (try await second.rootPEM()).write(toFile: secondRoot, atomically: true, encoding: .utf8)

            let before = try await WharfProcess.start(
                in: folder, upstreamURL: upstream.url,
                httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: first, state: state), name: "wharf-first"
            )
            let issued = try await ACMEServingTests.waitForVerified(port: before.port, name: "mirror.example.test", rootPath: firstRoot)
            #expect(issued?.verified == true, "the first CA's certificate\n\(before.log().suffix(3000))")
            await before.stop()

            let after = try await WharfProcess.start(
                in: folder, upstreamURL: upstream.url,
                httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: second, state: state), name: "wharf-second"
            )
            let replaced = try await ACMEServingTests.waitForVerified(port: after.port, name: "mirror.example.test", rootPath: secondRoot)
            #expect(replaced?.verified == true, "the second CA's certificate replaces the stored one at once\n\(after.log().suffix(3000))")
            #expect(replaced?.serial != issued?.serial)
            #expect(after.log().contains("serving the stored ACME certificate"), "the old certificate served until then")
            #expect(after.log().contains("from another ACME directory"))
            struct Metadata: Decodable { let directoryURL: String }
            let metadata = try Data(contentsOf: URL(fileURLWithPath: state + "/certificates/mirror.example.test/metadata.json"))
            #expect(try JSONDecoder().decode(Metadata.self, from: metadata).directoryURL == second.directoryURL, "the metadata records the new directory")
            await after.stop()
        } catch {
            await upstream.stop()
            await first.stop()
            await second.stop()
            throw error
        }
        await upstream.stop()
        await first.stop()
        await second.stop()
    }
}
