import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("tag freshness and stale answers")
struct TagFreshnessTests {
    static let tagPath = "/v2/library/test/manifests/latest"

    /// How often Wharf asked the upstream for the tag's manifest.
    struct TagRequests: Equatable, CustomStringConvertible {
        var heads: Int
        var gets: Int
        var description: String { "\(heads) HEAD, \(gets) GET" }
    }

    /// Counts the upstream's HEAD and GET requests for the tag, once its log holds every request answered so far.
    static func tagRequests(_ upstream: DockerRegistryPeer) async throws -> TagRequests {
        let entries = try await upstream.settledAccessLog().filter { $0.path == tagPath }
        return TagRequests(heads: entries.count { $0.method == "HEAD" }, gets: entries.count { $0.method == "GET" })
    }

    /// Through a Wharf with a 20 s tagttl in front of an upstream with `first` as `library/test:latest`:
    /// GETs the tag, pushes `moved` under it (when given), GETs it five times inside the window and
    /// once after it. Checks the answers and upstream requests inside the window; returns the digest
    /// of the last answer and the upstream requests by then.
    private static func revalidation(_ name: String, first: TestImage, moved: TestImage?) async throws -> (digest: String?, requests: TagRequests) {
        // Long enough that a loaded machine still makes its requests inside the window.
        try await PullFixture.with(name, images: [("library/test", "latest", first)], proxyYAML: "  tagttl: 20s") { fixture in
            let url = fixture.wharf.url + tagPath
            let initial = try await HTTPProbe.send(.GET, url)
            let fetchedAt = ContinuousClock.now
            #expect(initial.headers.first(name: "Docker-Content-Digest") == first.manifestDigest)
            #expect(try await tagRequests(fixture.upstream) == TagRequests(heads: 1, gets: 1), "an unknown tag is resolved with a HEAD, and fetched")
            if let moved {
                try await fixture.push(moved, repository: "library/test", tag: "latest")
            }
            for _ in 0..<5 {
                let cached = try await HTTPProbe.send(.GET, url)
                #expect(cached.headers.first(name: "Docker-Content-Digest") == first.manifestDigest, "inside tagttl the cached digest is served")
            }
            #expect(ContinuousClock.now - fetchedAt < .seconds(20), "the requests above ran inside the window")
            #expect(try await tagRequests(fixture.upstream) == TagRequests(heads: 1, gets: 1), "no upstream request inside tagttl")

            try await Task.sleep(until: fetchedAt + .seconds(20.5), clock: .continuous)
            let revalidated = try await HTTPProbe.send(.GET, url)
            return (revalidated.headers.first(name: "Docker-Content-Digest"), try await tagRequests(fixture.upstream))
        }
    }

    @Test("inside tagttl a tag is answered with no upstream request; after it, an unmoved tag costs one HEAD and no GET")
    func unmovedTag() async throws {
        let image = try ImageFactory.image(layerSizes: [2000], seed: 73)
        let after = try await Self.revalidation("tagttl-same", first: image, moved: nil)
        #expect(after.digest == image.manifestDigest)
        #expect(after.requests == TagRequests(heads: 2, gets: 1), "one HEAD, and no GET of a digest already cached")
    }

    @Test("a moved tag is served from the cache inside tagttl, and after it revalidated with one HEAD and fetched with one GET")
    func movedTag() async throws {
        let first = try ImageFactory.image(layerSizes: [2000], seed: 70)
        let second = try ImageFactory.image(layerSizes: [3000], seed: 71)
        let after = try await Self.revalidation("tagttl-moved", first: first, moved: second)
        #expect(after.digest == second.manifestDigest)
        #expect(after.requests == TagRequests(heads: 2, gets: 2), "one HEAD finds the new digest, one GET fetches it")
    }

    @Test("concurrent requests for an expired tag share one revalidation")
    func sharedRevalidation() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 72)
        try await PullFixture.with("shared-head", images: [("library/test", "latest", image)]) { fixture in
            // tagttl is the default minute; the first request finds no record and revalidates.
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await HTTPProbe.send(.HEAD, fixture.wharf.url + Self.tagPath).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers == Array(repeating: 200, count: 10))
            #expect(try await Self.tagRequests(fixture.upstream) == TagRequests(heads: 1, gets: 1), "ten requests, one resolution")
        }
    }
}
