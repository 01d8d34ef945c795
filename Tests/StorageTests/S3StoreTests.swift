import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import S3
import Storage
import Synchronization
import Testing
import WharfTesting

/// ``S3Store`` against a real SeaweedFS (one per test run, a bucket per test).
@Suite struct S3StoreTests {
    func withStore(redirectExpiry: Int? = nil, secretKey: String? = nil, _ body: (S3Store) async throws -> Void) async throws {
        let peer = try await SeaweedFSPeer.shared()
        var settings = peer.settings(bucket: try await peer.makeBucket(prefix: "store"), rootDirectory: "cache")
        if let secretKey { settings.credentials = S3Credentials(accessKey: peer.accessKey, secretKey: secretKey) }
        let http = S3Client.makeHTTPClient(settings)
        let spool = try TemporaryFolder(prefix: "wharf-spool")
        let store = S3Store(client: S3Client(settings: settings, http: http), spoolFolder: spool.path, redirectExpiry: redirectExpiry, usageGranularity: 0)
        do {
            try await body(store)
        } catch {
            try? await http.shutdown()
            spool.remove()
            throw error
        }
        try await http.shutdown()
        spool.remove()
    }

    static func bytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    static func read(_ blob: StoredBlob, range: Range<Int64>? = nil) async throws -> [UInt8] {
        var received: [UInt8] = []
        try await blob.stream(range: range, chunkSize: 64 * 1024) { received += $0.readableBytesView }
        return received
    }

    @Test func aBlobOfSeveralPartsIsStoredVerifiedAndReadBackWithRanges() async throws {
        try await withStore { store in
            try await store.prepare()
            let content = Self.bytes(12 * 1024 * 1024 + 123)
            let digest = ContentHasher.digest(of: content)
            let upload = try await store.beginUpload(of: digest)
            let follower = try await upload.openFollower()
            var offset = 0
            while offset < content.count {
                let end = min(content.count, offset + 700_000)
                try await upload.append(ByteBuffer(bytes: content[offset..<end]))
                offset = end
            }
            // A follower reads what was appended before the bucket has anything.
            #expect(Array(try await follower.read(at: 100, length: 10).readableBytesView) == Array(content[100..<110]))
            #expect(try await store.blobSize(digest) == nil)
            try await upload.commit(expectedSize: Int64(content.count))

            let blob = try #require(try await store.openBlob(digest))
            #expect(blob.size == Int64(content.count))
            #expect(blob.delivery == .relay)
            #expect(try await Self.read(blob) == content)
            #expect(try await Self.read(blob, range: 5_242_870..<5_242_900) == Array(content[5_242_870..<5_242_900]))
            #expect(try await store.client.listMultipartUploads(prefix: "").isEmpty)
        }
    }

    @Test func aSmallBlobIsOnePut() async throws {
        try await withStore { store in
            let content = Self.bytes(1000)
            let digest = ContentHasher.digest(of: content)
            let upload = try await store.beginUpload(of: digest)
            try await upload.append(ByteBuffer(bytes: content))
            try await upload.commit(expectedSize: 1000)
            #expect(try await store.blobSize(digest) == 1000)
            #expect(try await Self.read(try #require(try await store.openBlob(digest))) == content)
        }
    }

    @Test(arguments: [1000, 11 * 1024 * 1024])
    func contentThatDoesNotHashToItsDigestLeavesNothingInTheBucket(size: Int) async throws {
        try await withStore { store in
            let content = Self.bytes(size)
            let claimed = ContentHasher.digest(of: Self.bytes(size, seed: 9))
            let upload = try await store.beginUpload(of: claimed)
            try await upload.append(ByteBuffer(bytes: content))
            await #expect {
                try await upload.commit(expectedSize: Int64(size))
            } throws: { error in
                (error as? StoreError)?.isVerificationFailure == true
            }
            #expect(try await store.blobSize(claimed) == nil)
            #expect(try await store.listObjects().isEmpty)
            #expect(try await store.client.listMultipartUploads(prefix: "").isEmpty)
        }
    }

    @Test func anAbandonedUploadIsAbortedLater() async throws {
        try await withStore { store in
            let digest = ContentHasher.digest(of: Self.bytes(10))
            _ = try await store.client.createMultipartUpload(store.layout.blob(digest))
            #expect(try await store.abortAbandonedUploads(olderThan: 3600) == 0)
            #expect(try await store.abortAbandonedUploads(olderThan: 3600, now: Date().addingTimeInterval(7200)) == 1)
            #expect(try await store.client.listMultipartUploads(prefix: "").isEmpty)
        }
    }

    @Test func manifestsAndTagRecordsLiveInTheBucket() async throws {
        try await withStore { store in
            let bytes = Array(#"{"schemaVersion":2}"#.utf8)
            let digest = ContentHasher.digest(of: bytes)
            try await store.putManifest(StoredManifest(mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: bytes, digest: digest))
            let manifest = try #require(try await store.manifest(digest))
            #expect(manifest.bytes == bytes)
            #expect(manifest.mediaType == "application/vnd.oci.image.manifest.v1+json")

            let name = try RepositoryName("library/alpine")
            let upstream = UpstreamKey(host: "registry-1.docker.io")
            let record = TagRecord(digest: digest, mediaType: manifest.mediaType, checkedAt: 1_700_000_000)
            #expect(try await store.tags(in: name, upstream: upstream) == nil)
            try await store.putTag(try Tag("3.20"), in: name, upstream: upstream, record: record)
            try await store.putTag(try Tag("latest"), in: name, upstream: upstream, record: record)
            #expect(try await store.tag(try Tag("latest"), in: name, upstream: upstream) == record)
            #expect(try await store.tags(in: name, upstream: upstream) == ["3.20", "latest"])
        }
    }

    @Test func aManifestAlteredInTheBucketIsNeverServed() async throws {
        try await withStore { store in
            let digest = ContentHasher.digest(of: Array("original".utf8))
            try await store.client.putObject(store.layout.manifest(digest), bytes: Array("altered".utf8), contentType: "application/json")
            await #expect(throws: StoreError.self) { try await store.manifest(digest) }
        }
    }

    @Test func usesAreWrittenInBatchesAndEvictionSeesThem() async throws {
        try await withStore { store in
            let content = Self.bytes(100)
            let digest = ContentHasher.digest(of: content)
            try await store.client.putObject(store.layout.blob(digest), bytes: content)
            for _ in 0..<5 { await store.recordUse(of: .blob(digest)) }
            try await store.flushUses()
            try await store.flushUses()
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 1)
            await store.recordUse(of: .blob(digest))
            try await store.flushUses()
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2)

            let objects = try await store.listObjects()
            #expect(objects.map(\.key) == [.blob(digest)])
            #expect(objects.first?.size == 100)
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2, "listing writes nothing")
            // A use not written yet counts in the listing, still without a write.
            let before = try #require(objects.first?.lastUse)
            try await Task.sleep(for: .milliseconds(20))
            await store.recordUse(of: .blob(digest))
            let later = try #require(try await store.listObjects().first?.lastUse)
            #expect(later > before)
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2)

            // Neither a dry run nor an instance that lost the sweep lease folds the batches.
            let plan = EvictionPlan(ttl: 30 * 24 * 3600, maxSize: nil)
            _ = try await StoreSweeper(store: store, plan: plan).sweep(dryRun: true)
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2, "a dry run writes nothing")
            let other = S3Store(client: store.client, leaseDuration: 120)
            guard case .granted(let lease?) = try await other.claimSweep() else { throw TestFailure("the other instance could not claim the sweep") }
            for _ in 0..<100 where try await store.client.headObject("leases/sweep") == nil { try await Task.sleep(for: .milliseconds(50)) }
            _ = try await StoreSweeper(store: store, plan: plan).sweep()
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2, "only the sweep lease's holder folds")
            await lease.release()
            for _ in 0..<100 where try await store.client.headObject("leases/sweep") != nil { try await Task.sleep(for: .milliseconds(50)) }
            // The holder's pass folds them into one, its pending use written first.
            let swept = try await StoreSweeper(store: store, plan: plan).sweep()
            #expect(swept.removed.isEmpty)
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 1)
            #expect(try await store.listObjects().first?.lastUse == later)

            // Without any limit a pass removes nothing, yet still folds the batches now and then
            // (not after every commit), so that they never pile up.
            try await Task.sleep(for: .milliseconds(20))
            await store.recordUse(of: .blob(digest))
            try await store.flushUses()
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2)
            let unlimited = StoreSweeper(store: store, plan: EvictionPlan(ttl: nil, maxSize: nil), compactionInterval: 3600)
            #expect(try await unlimited.sweep().removed.isEmpty)
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 1, "folded without a limit")
            try await Task.sleep(for: .milliseconds(20))
            await store.recordUse(of: .blob(digest))
            try await store.flushUses()
            _ = try await unlimited.sweep()
            #expect(try await store.client.listAllObjects(prefix: S3StoreLayout.usesPrefix).count == 2, "not again within the interval")
            #expect(try await store.remove(.blob(digest)))
            #expect(try await !store.remove(.blob(digest)))
        }
    }

    @Test func aPresignedURLIsMadeOnlyWhenAResponseAsksForIt() async throws {
        final class Count: Sendable { let value = Mutex(0) }
        let made = Count()
        let blob = StoredBlob(size: 0, reader: EmptyReader()) {
            made.value.withLock { $0 += 1 }
            return "https://bucket.example/key?X-Amz-Signature=0"
        }
        #expect(made.value.withLock { $0 } == 0)
        #expect(blob.redirectURL == "https://bucket.example/key?X-Amz-Signature=0")
        #expect(made.value.withLock { $0 } == 1)
        #expect(StoredBlob(size: 0, reader: EmptyReader()).redirectURL == nil)
    }

    struct EmptyReader: BlobReader {
        func read(at offset: Int64, length: Int) async throws -> ByteBuffer { ByteBuffer() }
        var description: String { "empty" }
    }

    @Test func aRedirectURLServesTheVerifiedBlob() async throws {
        try await withStore(redirectExpiry: 600) { store in
            let content = Self.bytes(4096)
            let digest = ContentHasher.digest(of: content)
            let upload = try await store.beginUpload(of: digest)
            try await upload.append(ByteBuffer(bytes: content))
            try await upload.commit(expectedSize: nil)
            let url = try #require(try await store.openBlob(digest)?.redirectURL)
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(response.status.code == 200)
            #expect(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView) == content)
        }
    }

    @Test func oneInstanceOfTheFleetHoldsAFetchLeaseAndAnExpiredOneIsTakenOver() async throws {
        let peer = try await SeaweedFSPeer.shared()
        let settings = peer.settings(bucket: try await peer.makeBucket(prefix: "lease"))
        let http = S3Client.makeHTTPClient(settings)
        let a = S3Store(client: S3Client(settings: settings, http: http), leaseDuration: 20)
        let b = S3Store(client: S3Client(settings: settings, http: http), leaseDuration: 20)
        let digest = ContentHasher.digest(of: Self.bytes(10))
        // SeaweedFS's gateway was seen to answer 404 (and let a conditional create through) for
        // some milliseconds after a new object's PUT; instances of a fleet do not claim within
        // the same milliseconds, so the test waits until each write is visible.
        func waitUntil(visible: Bool) async throws {
            let key = "leases/sha256/\(digest.hex)"
            for _ in 0..<100 {
                if (try await a.client.headObject(key) != nil) == visible { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestFailure("the lease did not become \(visible ? "visible" : "gone")")
        }
        do {
            guard case .granted(let lease?) = try await a.claimFetch(of: digest) else { throw TestFailure("A did not get the lease") }
            try await waitUntil(visible: true)
            guard case .heldElsewhere = try await b.claimFetch(of: digest) else { throw TestFailure("B got a lease A holds") }
            await lease.release()
            try await waitUntil(visible: false)
            guard case .granted(let second?) = try await b.claimFetch(of: digest) else { throw TestFailure("B did not get the released lease") }
            try await waitUntil(visible: true)
            // B dies without releasing: after the lease's 20 seconds, A takes it over, once.
            // (Long enough that a loaded machine does not expire it between two calls: 8 s was
            // not, in a full run on 2 cores.)
            _ = second
            guard case .heldElsewhere = try await a.claimFetch(of: digest) else { throw TestFailure("A got a live lease") }
            try await Task.sleep(for: .milliseconds(20500))
            guard case .granted(let takenOver?) = try await a.claimFetch(of: digest) else { throw TestFailure("A did not take the expired lease over") }
            guard case .heldElsewhere = try await b.claimFetch(of: digest) else { throw TestFailure("the lease was taken over twice") }
            try await takenOver.renew()
            await takenOver.release()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test func oneInstanceEvictsAtATime() async throws {
        try await withStore { a in
            // B holds the sweep lease for two minutes, so that a loaded machine cannot see it
            // expire within the test.
            let b = S3Store(client: a.client, leaseDuration: 120)
            let content = Self.bytes(100)
            let digest = ContentHasher.digest(of: content)
            try await a.client.putObject(a.layout.blob(digest), bytes: content)
            guard case .granted(let lease?) = try await b.claimSweep() else { throw TestFailure("B could not claim the sweep") }
            for _ in 0..<100 where try await a.client.headObject("leases/sweep") == nil { try await Task.sleep(for: .milliseconds(50)) }
            // While B sweeps, A's pass removes nothing, however expired everything is.
            let plan = EvictionPlan(ttl: 0, maxSize: nil)
            let skipped = try await StoreSweeper(store: a, plan: plan).sweep(now: Date().timeIntervalSince1970 + 10)
            #expect(skipped.removed.isEmpty)
            #expect(try await a.blobSize(digest) == 100)
            await lease.release()
            for _ in 0..<100 where try await a.client.headObject("leases/sweep") != nil { try await Task.sleep(for: .milliseconds(50)) }
            let swept = try await StoreSweeper(store: a, plan: plan).sweep(now: Date().timeIntervalSince1970 + 10)
            #expect(swept.removed == [.blob(digest)])
            #expect(try await a.blobSize(digest) == nil)
        }
    }

    @Test func wrongCredentialsMakeTheStoreUnreadyAndPrepareFail() async throws {
        try await withStore(secretKey: "wrong-secret-value") { store in
            let problem = try #require(await store.readinessProblem())
            #expect(problem.contains(store.location))
            #expect(!problem.contains("wrong-secret-value"))
            await #expect {
                try await store.prepare()
            } throws: { error in
                (error as? S3Error)?.suspect == .secretKey
            }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
