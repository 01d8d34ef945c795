import Foundation
import NIOCore
import NIOFileSystem
import Registry
import Storage
import Synchronization
import Testing
import WharfTesting

@testable import PullThrough

@Suite("the pull-through cache in process, against a real socket")
struct PullThroughCacheTests {
    let name: RepositoryName
    init() throws { name = try RepositoryName("library/app") }

    @Test("eight clients asking at once for an uncached blob cause one upstream fetch, and all get its bytes")
    func singleFlight() async throws {
        let image = try ImageFactory.image(layerSizes: [3_000_000], seed: 11)
        let layer = image.layers[0]
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url) { fixture in
            let digest = try Digest(parsing: layer.digest)
            let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<8 { group.addTask { try await fixture.readBlob(name, digest) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 8)
            #expect(results.allSatisfy { $0 == layer.bytes })
            #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == 1)
            #expect(try await fixture.store.blobSize(digest) == Int64(layer.size))
            #expect(try fixture.temporaryFiles().isEmpty)
        }
        await upstream.stop()
    }

    @Test("a blob that fails verification is not stored, its follower is cut off, and the next request fetches again")
    func lyingUpstream() async throws {
        let image = try ImageFactory.image(layerSizes: [1_000_000], seed: 12)
        let layer = image.layers[0]
        let upstream = try await LyingUpstream.start(mode: .wrongBytes)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url) { fixture in
            let digest = try Digest(parsing: layer.digest)
            let received = Atomic<Int>(0)
            await #expect {
                let source = try await fixture.cache.blob(name, digest, from: fixture.target)
                try await source.stream(range: nil, chunkSize: 64 * 1024) { received.add($0.readableBytes, ordering: .relaxed) }
            } throws: { error in
                (error as? RegistryError)?.code == .badGateway
            }
            #expect(received.load(ordering: .relaxed) < layer.size, "the last byte is held back until verification")
            #expect(try await fixture.store.blobSize(digest) == nil)
            try await waitUntil("the failed download's temp file is removed") { (try? fixture.temporaryFiles().isEmpty) ?? false }
            upstream.mode = .correct
            #expect(try await fixture.readBlob(name, digest) == layer.bytes)
            #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == 2)
        }
        await upstream.stop()
    }

    @Test("a fresh tag and a known digest are answered from memory: no upstream request, no store read")
    func hotManifests() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 13)
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url) { fixture in
            let first = try await fixture.cache.manifest(name, .tag(try Tag("latest")), accept: AcceptHeader([]), from: fixture.target)
            #expect(!first.fromCache)
            #expect(first.bytes == image.manifest)
            let requestsAfterFirst = upstream.requests().count
            // Removing the stored file proves the next answers come from memory.
            let stored = fixture.store.path(of: .manifest(first.digest)).string
            try FileManager.default.removeItem(atPath: stored)
            let byTag = try await fixture.cache.manifest(name, .tag(try Tag("latest")), accept: AcceptHeader([]), from: fixture.target)
            let byDigest = try await fixture.cache.manifest(name, .digest(first.digest), accept: AcceptHeader([]), from: fixture.target)
            #expect(byTag.fromCache && byDigest.fromCache)
            #expect(byTag.bytes == image.manifest && byDigest.bytes == image.manifest)
            #expect(upstream.requests().count == requestsAfterFirst)
        }
        await upstream.stop()
    }

    @Test("past its freshness a tag is revalidated with exactly one HEAD and no GET when it did not move")
    func revalidation() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 14)
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url, tagTTL: .zero) { fixture in
            let tag = try Tag("latest")
            _ = try await fixture.cache.manifest(name, .tag(tag), accept: AcceptHeader([]), from: fixture.target)
            let before = upstream.requests()
            let again = try await fixture.cache.manifest(name, .tag(tag), accept: AcceptHeader([]), from: fixture.target)
            let after = Array(upstream.requests().dropFirst(before.count))
            #expect(again.fromCache && !again.stale)
            #expect(after == ["HEAD /v2/library/app/manifests/latest"])
        }
        await upstream.stop()
    }

    @Test("when the upstream is down, a known tag is served stale and says so; an unknown one fails")
    func staleIfError() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 15)
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url, tagTTL: .zero) { fixture in
            _ = try await fixture.cache.manifest(name, .tag(try Tag("latest")), accept: AcceptHeader([]), from: fixture.target)
            await upstream.stop()
            let stale = try await fixture.cache.manifest(name, .tag(try Tag("latest")), accept: AcceptHeader([]), from: fixture.target)
            #expect(stale.stale && stale.fromCache)
            #expect(stale.bytes == image.manifest)
            await #expect(throws: RegistryError.self) {
                try await fixture.cache.manifest(name, .tag(try Tag("other")), accept: AcceptHeader([]), from: fixture.target)
            }
        }
    }
}
