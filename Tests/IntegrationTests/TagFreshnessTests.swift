import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("tag freshness and stale answers")
struct TagFreshnessTests {
    @Test("a moved tag is served from the cache inside tagttl, and after it revalidated with one HEAD")
    func movedTag() async throws {
        let first = try ImageFactory.image(layerSizes: [2000], seed: 70)
        let second = try ImageFactory.image(layerSizes: [3000], seed: 71)
        let folder = try TemporaryFolder(prefix: "wharf-tagttl")
        defer { folder.remove() }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.push(first, repository: "library/test", tag: "latest")
        // Long enough that a loaded machine still makes its requests inside the window.
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: "  tagttl: 20s")
        let url = wharf.url + "/v2/library/test/manifests/latest"
        let tagPath = "/v2/library/test/manifests/latest"

        let initial = try await HTTPProbe.send(.GET, url)
        let fetchedAt = ContinuousClock.now
        #expect(initial.headers.first(name: "Docker-Content-Digest") == first.manifestDigest)
        let headsAfterFirst = upstream.requestCount(method: "HEAD", pathContains: tagPath)
        try await seeder.push(second, repository: "library/test", tag: "latest")
        try await seeder.shutdown()

        for _ in 0..<5 {
            let cached = try await HTTPProbe.send(.GET, url)
            #expect(cached.headers.first(name: "Docker-Content-Digest") == first.manifestDigest, "inside tagttl the cached digest is served")
        }
        #expect(upstream.requestCount(method: "HEAD", pathContains: tagPath) == headsAfterFirst, "no upstream request inside tagttl")
        #expect(upstream.requestCount(method: "GET", pathContains: tagPath) == 1)

        #expect(ContinuousClock.now - fetchedAt < .seconds(20), "the checks above ran inside the window")
        try await Task.sleep(until: fetchedAt + .seconds(20.5), clock: .continuous)
        let moved = try await HTTPProbe.send(.GET, url)
        #expect(moved.headers.first(name: "Docker-Content-Digest") == second.manifestDigest)
        _ = try await upstream.waitForRequestCount(method: "HEAD", pathContains: tagPath, atLeast: headsAfterFirst + 1)
        #expect(upstream.requestCount(method: "HEAD", pathContains: tagPath) == headsAfterFirst + 1, "one HEAD per revalidation")
        await wharf.stop()
        await upstream.stop()
    }

    @Test("concurrent requests for an expired tag share one revalidation")
    func sharedRevalidation() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 72)
        try await PullFixture.with("shared-head", images: [("library/test", "latest", image)]) { fixture in
            // tagttl is the default minute; the first request finds no record and revalidates.
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await HTTPProbe.send(.HEAD, fixture.wharf.url + "/v2/library/test/manifests/latest").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers == Array(repeating: 200, count: 10))
            #expect(fixture.upstream.requestCount(method: "HEAD", pathContains: "/v2/library/test/manifests/latest") <= 2)
        }
    }
}
