import Foundation
import NIOCore
import Registry
import Storage
import Testing
import WharfTesting

@testable import PullThrough

@Suite("pass-through when the store cannot take a blob")
struct PassThroughTests {
    let name: RepositoryName
    init() throws { name = try RepositoryName("library/app") }

    /// Runs `body` with the cache storing on a tmpfs of `size`, in front of an upstream in
    /// `mode` serving one layer of 3 MB.
    static func withStoreOnTmpfs(
        size: String,
        seed: UInt64,
        mode: LyingUpstreamMode,
        _ body: @Sendable (CacheFixture, TestBlob, LyingUpstream) async throws -> Void
    ) async throws {
        let image = try ImageFactory.image(layerSizes: [3_000_000], seed: seed)
        let upstream = try await LyingUpstream.start(mode: mode)
        upstream.serve(image, repository: "library/app", tag: "latest")
        let folder = try TemporaryFolder(prefix: "wharf-passthrough")
        defer { folder.remove() }
        let volume = try folder.folder("volume")
        do {
            try await Tmpfs.mounted(size: size, on: volume) {
                try await CacheFixture.with(upstreamURL: upstream.url, storeRoot: volume) { try await body($0, image.layers[0], upstream) }
            }
        } catch {
            await upstream.stop()
            throw error
        }
        await upstream.stop()
    }

    @Test("a volume that fills mid-download: every follower still gets every byte, a range its slice, and nothing is stored")
    func volumeFullMidDownload() async throws {
        // 3 MB through a 2 MiB tmpfs: the store takes the first chunks, then ENOSPC.
        try await Self.withStoreOnTmpfs(size: "2m", seed: 31, mode: .correct) { fixture, layer, upstream in
            let digest = try Digest(parsing: layer.digest)
            let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<6 { group.addTask { try await fixture.readBlob(name, digest) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 6)
            #expect(results.allSatisfy { $0 == layer.bytes }, "sizes: \(results.map(\.count))")

            let source = try await fixture.cache.blob(name, digest, from: fixture.target)
            var slice: [UInt8] = []
            try await source.stream(range: 2_500_000..<2_500_100, chunkSize: 64 * 1024) { slice.append(contentsOf: $0.readableBytesView) }
            #expect(slice == Array(layer.bytes[2_500_000..<2_500_100]))

            #expect(try await fixture.store.blobSize(digest) == nil, "nothing is stored")
            try await waitUntil("the abandoned upload's temp file is removed") { (try? fixture.temporaryFiles().isEmpty) ?? false }
            // Each download tried the store once; each client then streamed it itself.
            #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) >= 2)
        }
    }

    @Test("pass-through verifies: an upstream that sends wrong bytes cuts the client off before the last byte")
    func passThroughVerifies() async throws {
        try await Self.withStoreOnTmpfs(size: "1m", seed: 32, mode: .wrongBytes) { fixture, layer, _ in
            let digest = try Digest(parsing: layer.digest)
            let received = Shared(0)
            await #expect {
                let source = try await fixture.cache.blob(name, digest, from: fixture.target)
                try await source.stream(range: nil, chunkSize: 64 * 1024) { buffer in received.withLock { $0 += buffer.readableBytes } }
            } throws: { error in
                (error as? RegistryError)?.code == .badGateway
            }
            #expect(received.withLock { $0 } < layer.size, "the last chunk is held back until verification")
            #expect(try await fixture.store.blobSize(digest) == nil)
        }
    }
}

extension PassThroughTests {
    @Test("an upload that fails mid-download on a store with no volume (as S3 can): followers get every byte, nothing stored")
    func failingUpload() async throws {
        let image = try ImageFactory.image(layerSizes: [3_000_000], seed: 33)
        let layer = image.layers[0]
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        try await CacheFixture.with(upstreamURL: upstream.url, wrapStore: { FailingUploadStore(wrapping: $0, failAfter: 1_000_000) }) { fixture in
            let digest = try Digest(parsing: layer.digest)
            let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<4 { group.addTask { try await fixture.readBlob(name, digest) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 4 && results.allSatisfy { $0 == layer.bytes }, "sizes: \(results.map(\.count))")
            #expect(try await fixture.store.blobSize(digest) == nil, "nothing is stored")
            try await waitUntil("the abandoned upload's temp file is removed") { (try? fixture.temporaryFiles().isEmpty) ?? false }
        }
        await upstream.stop()
    }
}

/// A real ``FilesystemStore`` whose uploads fail after `failAfter` bytes, as an upload to a
/// bucket can fail mid-way; everything else is the store's own.
struct FailingUploadStore: ContentStore {
    let wrapped: FilesystemStore
    let failAfter: Int64

    init(wrapping store: FilesystemStore, failAfter: Int64) {
        wrapped = store
        self.failAfter = failAfter
    }

    var location: String { wrapped.location }
    func prepare() async throws -> Int { try await wrapped.prepare() }
    func readinessProblem() async -> String? { await wrapped.readinessProblem() }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await wrapped.blobSize(digest) }
    func openBlob(_ digest: Digest) async throws -> StoredBlob? { try await wrapped.openBlob(digest) }
    func beginUpload(of digest: Digest) async throws -> any BlobUpload {
        FailingUpload(wrapped: try await wrapped.beginUpload(of: digest), failAfter: failAfter)
    }
    func manifest(_ digest: Digest) async throws -> StoredManifest? { try await wrapped.manifest(digest) }
    func putManifest(_ manifest: StoredManifest) async throws { try await wrapped.putManifest(manifest) }
    func tag(_ tag: Registry.Tag, in name: RepositoryName, upstream: UpstreamKey) async throws -> TagRecord? {
        try await wrapped.tag(tag, in: name, upstream: upstream)
    }
    func putTag(_ tag: Registry.Tag, in name: RepositoryName, upstream: UpstreamKey, record: TagRecord) async throws {
        try await wrapped.putTag(tag, in: name, upstream: upstream, record: record)
    }
    func tags(in name: RepositoryName, upstream: UpstreamKey) async throws -> [String]? { try await wrapped.tags(in: name, upstream: upstream) }
    func recordUse(of object: StoredObject.Key) async { await wrapped.recordUse(of: object) }
    func listObjects() async throws -> [StoredObject] { try await wrapped.listObjects() }
    func remove(_ object: StoredObject.Key) async throws -> Bool { try await wrapped.remove(object) }
}

final class FailingUpload: BlobUpload {
    let wrapped: any BlobUpload
    let failAfter: Int64

    init(wrapped: any BlobUpload, failAfter: Int64) {
        self.wrapped = wrapped
        self.failAfter = failAfter
    }

    var expected: Digest { wrapped.expected }
    var bytesWritten: Int64 { wrapped.bytesWritten }

    func append(_ buffer: ByteBuffer) async throws {
        guard wrapped.bytesWritten + Int64(buffer.readableBytes) <= failAfter else {
            throw TestSupportError("the bucket refused the part (injected)")
        }
        try await wrapped.append(buffer)
    }

    func commit(expectedSize: Int64?) async throws { try await wrapped.commit(expectedSize: expectedSize) }
    func abandon() async { await wrapped.abandon() }
    func openFollower() async throws -> any BlobReader { try await wrapped.openFollower() }
}
