import Foundation
import Testing
import WharfTesting

@Suite("a download across a certificate swap")
struct RenewalDownloadTests {
    @Test("a 64 MiB blob download over TLS that spans a renewal completes intact, and a new handshake meanwhile gets the new certificate")
    func downloadSpansRenewal() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-swap")
        defer { folder.remove() }
        let (pebble, plainPort, upstream) = try await ACMEServingTests.peers(in: folder, validity: 30)
        let size = 64 << 20
        // The 64 MiB never pass through the test process (reading and hashing them here would
        // hold the test runner's two threads for seconds): head, sha256sum and curl do the work.
        let source = folder.file("source.bin")
        let made = try await Command.run("/bin/sh", ["-c", "head -c \(size) /dev/urandom > \(source)"])
        #expect(made.succeeded, "\(made.stderr)")
        let digest = try await Self.sha256(of: source)
        try await Self.upload(source, digest: digest, to: upstream.url, repository: "library/big")
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"))
        )
        let curl = try Command.locate("curl", debianPackage: "curl")
        let url = "https://mirror.example.test:\(wharf.port)/v2/library/big/blobs/\(digest)"
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
        #expect(try await Self.sha256(of: output) == digest, "the bytes received hash to the blob's digest")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }

    /// `sha256:<hex>` of a file, by `sha256sum`.
    static func sha256(of path: String) async throws -> String {
        let summed = try await Command.run(try Command.locate("sha256sum", debianPackage: "coreutils"), [path])
        guard summed.succeeded, let hex = summed.stdout.split(separator: " ").first else { throw TestSupportError("sha256sum \(path): \(summed.stderr)") }
        return "sha256:" + hex
    }

    /// A monolithic blob upload from a file with curl: `POST .../blobs/uploads/`, then `PUT <Location>&digest=`.
    static func upload(_ path: String, digest: String, to registry: String, repository: String) async throws {
        let curl = try Command.locate("curl", debianPackage: "curl")
        let started = try await Command.run(curl, ["-sS", "--fail", "-X", "POST", "-o", "/dev/null", "-D", "-", "\(registry)/v2/\(repository)/blobs/uploads/"])
        guard let line = started.stdout.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("location:") }) else {
            throw TestSupportError("no upload location from \(registry): \(started.stdout) \(started.stderr)")
        }
        var location = line.dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
        if location.hasPrefix("/") { location = registry + location }
        let separator = location.contains("?") ? "&" : "?"
        let put = try await Command.run(curl, [
            "-sS", "--fail", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@\(path)",
            location + separator + "digest=" + digest.replacingOccurrences(of: ":", with: "%3A"),
        ])
        guard put.succeeded else { throw TestSupportError("uploading \(path) failed: \(put.stderr)") }
    }

    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
