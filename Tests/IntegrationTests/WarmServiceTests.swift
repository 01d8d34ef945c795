import Foundation
import Testing
import WharfTesting

@Suite("proxy.warm: a Service keeps listed images fresh")
struct WarmServiceTests {
    /// Waits until `condition` holds, for up to `seconds`.
    static func eventually(_ seconds: Int, _ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    @Test("listed images are stored with no client asking, and a moved tag is followed within tagttl")
    func keepsImagesFresh() async throws {
        let first = try ImageFactory.image(layerSizes: [5000, 7000, 3000], seed: 198)
        let moved = try ImageFactory.image(layerSizes: [6000], seed: 199)
        try await PullFixture.with("warm-service", images: [("library/test", "latest", first)], proxyYAML: "  tagttl: 2s\n  warm: [\"library/test:latest\"]") { fixture in
            let stored = try await Self.eventually(30) { Set(try fixture.storedBlobs()).isSuperset(of: first.blobs.map(\.hex)) }
            #expect(stored, "the warm Service stored every blob: \((try? fixture.storedBlobs()) ?? [])\n\(fixture.wharf.log().suffix(2000))")
            try await fixture.push(moved, repository: "library/test", tag: "latest")
            let followed = try await Self.eventually(30) { Set(try fixture.storedBlobs()).isSuperset(of: moved.blobs.map(\.hex)) }
            #expect(followed, "the moved tag's blobs were fetched: \(fixture.wharf.log().suffix(2000))")
            #expect(fixture.wharf.log().contains("warmed"), "each warm is logged")
        }
    }

    @Test("after a 429 the warm rounds stop asking the upstream while Retry-After lasts")
    func stopsOn429() async throws {
        let images = try [200, 201].map { try ImageFactory.image(layerSizes: [2000], seed: UInt64($0)) }
        let folder = try TemporaryFolder(prefix: "wharf-warm-429")
        let registry = try await DockerRegistryPeer.start(in: folder)
        var front: RateLimitFront?
        var wharf: WharfProcess?
        do {
            let seeder = RegistrySeeder(baseURL: registry.url)
            for (repository, image) in zip(["library/a", "library/b"], images) { try await seeder.push(image, repository: repository, tag: "1") }
            try await seeder.shutdown()
            let started = try await RateLimitFront.start(upstream: registry.url, limit: 1000, remaining: 900)
            front = started
            let process = try await WharfProcess.start(
                in: folder, upstreamURL: started.url, proxyYAML: "  tagttl: 1s\n  warm: [\"library/a:1\", \"library/b:1\"]"
            )
            wharf = process
            let storage = process.storagePath + "/blobs/sha256"
            let warmed = try await Self.eventually(30) {
                Set((try? FileManager.default.contentsOfDirectory(atPath: storage)) ?? []).isSuperset(of: images.flatMap { $0.blobs.map(\.hex) })
            }
            #expect(warmed, "both images warmed: \(process.log().suffix(2000))")
            started.limit(retryAfter: 120)
            let stopped = try await Self.eventually(30) { process.log().contains("warm round stopped") }
            #expect(stopped, "\(process.log().suffix(2000))")
            let manifestRequests = started.forwarded.count { $0.contains("/manifests/") }
            let refused = started.refused
            #expect(refused >= 1, "the upstream answered 429")
            // Several rounds of tagttl (1 s) pass; none may ask the upstream while Retry-After lasts.
            try await Task.sleep(for: .seconds(4))
            #expect(started.forwarded.count { $0.contains("/manifests/") } == manifestRequests, "\(started.forwarded.suffix(5))")
            #expect(started.refused == refused, "no request reached the limited upstream again")
        } catch {
            await wharf?.stop()
            await front?.stop()
            await registry.stop()
            folder.remove()
            throw error
        }
        await wharf?.stop()
        await front?.stop()
        await registry.stop()
        folder.remove()
    }
}
