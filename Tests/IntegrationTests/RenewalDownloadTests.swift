import Foundation
import Testing
import WharfTesting

@Suite("a download across a certificate swap")
struct RenewalDownloadTests {
    @Test("a 64 MiB blob download over TLS that spans a renewal completes intact, and a new handshake meanwhile gets the new certificate")
    func downloadSpansRenewal() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-swap")
        defer { folder.remove() }
        let plainPort = try FreePort.make()
        var options = PebbleOptions(httpPort: plainPort)
        options.certificateValidityPeriod = 30
        let pebble = try await PebblePeer.start(in: folder, options: options)
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let size = 64 << 20
        let blob = TestBlob(bytes: Array(try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: size)), mediaType: "application/octet-stream")
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.pushBlob(blob, repository: "library/big")
        try await seeder.shutdown()
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"))
        )
        let curl = try Command.locate("curl", debianPackage: "curl")
        let url = "https://mirror.example.test:\(wharf.port)/v2/library/big/blobs/\(blob.digest)"
        let resolve = ["--resolve", "mirror.example.test:\(wharf.port):127.0.0.1"]
        // Fill the cache first (any certificate will do), so the slow download reads from the store.
        let warm = try await Command.run(curl, ["-sS", "--fail", "-k", "-o", "/dev/null"] + resolve + [url], timeout: .seconds(60))
        #expect(warm.succeeded, "\(warm.stderr)")

        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let before = try #require(try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath))
        let output = folder.file("blob.bin")
        // 64 MiB at 2.5 MiB/s takes about 26 s; certificates of 30 s are renewed every ~15 s.
        async let download = Command.run(
            curl, ["-sS", "--fail", "--cacert", rootPath, "--limit-rate", "2560K", "-o", output] + resolve + [url], timeout: .seconds(120)
        )
        var after = before
        var receivedAtSwap = 0
        for _ in 0..<120 where after.serial == before.serial {
            try await Task.sleep(for: .milliseconds(250))
            if let served = try await ACMEServingTests.served(port: wharf.port, name: "mirror.example.test", rootPath: rootPath) {
                after = served
                receivedAtSwap = Self.size(of: output)
            }
        }
        let result = try await download
        #expect(after.serial != before.serial && after.verified, "a new handshake gets the renewed certificate\n\(wharf.log().suffix(2000))")
        #expect(receivedAtSwap < size, "the swap happened while the download was running (\(receivedAtSwap) of \(size) bytes received)")
        #expect(result.succeeded, "\(result.stderr)")
        #expect(Self.size(of: output) == size)
        let received = try #require(FileManager.default.contents(atPath: output))
        #expect(TestBlob.digest(of: Array(received)) == blob.digest, "the bytes received hash to the blob's digest")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }

    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
