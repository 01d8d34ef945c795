import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("size-bounded eviction")
struct EvictionTests {
    @Test("past storage.maxsize the least recently used go first; the image just pulled stays")
    func evictsLeastRecentlyUsed() async throws {
        let images = try (0..<3).map { try ImageFactory.image(layerSizes: [1_000_000], seed: 80 + UInt64($0)) }
        let folder = try TemporaryFolder(prefix: "wharf-evict")
        defer { folder.remove() }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        for (index, image) in images.enumerated() { try await seeder.push(image, repository: "library/img\(index)", tag: "latest") }
        try await seeder.shutdown()
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, storageYAML: "  maxsize: 2500KB")
        for (index, _) in images.enumerated() {
            let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/img\(index):latest", "dir:\(folder.file("out\(index)"))", arguments: ["--src-tls-verify=false"])
            #expect(pulled.status == 0, "\(pulled.summary)")
            // Distinct last-use times (the file system keeps whole seconds).
            try await Task.sleep(for: .seconds(1.1))
        }
        let blobs = wharf.storagePath + "/blobs/sha256/"
        var evicted = false
        for _ in 0..<50 where !evicted {
            evicted = !FileManager.default.fileExists(atPath: blobs + images[0].layers[0].hex)
            if !evicted { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(evicted, "the least recently used layer was evicted")
        #expect(FileManager.default.fileExists(atPath: blobs + images[2].layers[0].hex), "the image just pulled stays")
        #expect(wharf.log().contains("evicted cached content"))

        let before = upstream.accessLog().count
        let again = try await Skopeo.copy("docker://\(wharf.hostPort)/library/img2@\(images[2].manifestDigest)", "dir:\(folder.file("again"))", arguments: ["--src-tls-verify=false"])
        #expect(again.status == 0)
        #expect(upstream.accessLog().count == before, "the just-pulled image pulls again without upstream requests")
        await wharf.stop()
        await upstream.stop()
    }

    @Test("wharf gc --dry-run reports and removes nothing; wharf gc removes")
    func garbageCollectCommand() async throws {
        let image = try ImageFactory.image(layerSizes: [500_000], seed: 90)
        try await PullFixture.with("gc", images: [("library/test", "latest", image)]) { fixture in
            let pulled = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("out"))", arguments: ["--src-tls-verify=false"])
            #expect(pulled.status == 0)
            let config = fixture.folder.file("gc.yml")
            try "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(fixture.wharf.storagePath)\n  maxsize: 1000\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let layer = fixture.wharf.storagePath + "/blobs/sha256/" + image.layers[0].hex
            let dry = try await Command.run(try WharfProcess.binaryPath(), ["gc", "--config", config, "--dry-run"])
            #expect(dry.status == 0, "\(dry.summary)")
            #expect(dry.stdout.contains("would remove blob \(image.layers[0].digest)"))
            #expect(FileManager.default.fileExists(atPath: layer))
            let real = try await Command.run(try WharfProcess.binaryPath(), ["gc", "--config", config])
            #expect(real.stdout.contains("removed blob \(image.layers[0].digest)"))
            #expect(!FileManager.default.fileExists(atPath: layer))
        }
    }
}
