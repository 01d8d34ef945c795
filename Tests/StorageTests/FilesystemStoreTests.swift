import Foundation
import NIOCore
import NIOFileSystem
import Registry
import Storage
import Testing
import WharfTesting

@Suite("Filesystem store")
struct FilesystemStoreTests {
    let folder: TemporaryFolder
    let store: FilesystemStore

    init() async throws {
        folder = try TemporaryFolder(prefix: "store")
        store = FilesystemStore(root: FilePath(folder.path))
        try await store.prepare()
    }

    private func bytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    @Test("a blob whose hash matches is stored under its digest, byte for byte")
    func commitsVerifiedBlob() async throws {
        let content = bytes(300_000)
        let digest = ContentHasher.digest(of: content)
        let writer = try await store.beginUpload(of: digest)
        for chunk in stride(from: 0, to: content.count, by: 65_536) {
            try await writer.append(ByteBuffer(bytes: content[chunk..<min(chunk + 65_536, content.count)]))
        }
        try await writer.commit(expectedSize: Int64(content.count))
        #expect(try await store.blobSize(digest) == Int64(content.count))
        let stored = try #require(try await store.openBlob(digest))
        var read: [UInt8] = []
        try await stored.stream(chunkSize: 10_000) { read.append(contentsOf: $0.readableBytesView) }
        #expect(read == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/tmp").isEmpty)
    }

    @Test("a blob that hashes to something else leaves nothing behind")
    func rejectsMismatch() async throws {
        let claimed = ContentHasher.digest(of: bytes(10))
        let writer = try await store.beginUpload(of: claimed)
        try await writer.append(ByteBuffer(bytes: bytes(10, seed: 99)))
        await #expect {
            try await writer.commit(expectedSize: nil)
        } throws: { error in
            (error as? StoreError)?.isVerificationFailure == true
        }
        #expect(try await store.blobSize(claimed) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/tmp").isEmpty)
    }

    @Test("a blob shorter than announced is refused even if nothing else is wrong")
    func rejectsShortBlob() async throws {
        let content = bytes(1000)
        let writer = try await store.beginUpload(of: ContentHasher.digest(of: content))
        try await writer.append(ByteBuffer(bytes: content))
        await #expect {
            try await writer.commit(expectedSize: 2000)
        } throws: { error in
            (error as? StoreError)?.isVerificationFailure == true
        }
        #expect(try await store.blobSize(ContentHasher.digest(of: content)) == nil, "nothing is stored")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/tmp").isEmpty, "the temp file is gone")
    }

    @Test("a committed blob stays readable through a reader opened while it was written, and listing finds it")
    func followerAcrossCommit() async throws {
        let content = bytes(5000, seed: 3)
        let digest = ContentHasher.digest(of: content)
        let upload = try await store.beginUpload(of: digest)
        try await upload.append(ByteBuffer(bytes: content))
        let follower = try await upload.openFollower()
        try await upload.commit(expectedSize: Int64(content.count))
        #expect(Array(try await follower.read(at: 0, length: content.count).readableBytesView) == content)
        let listed = try await store.listObjects()
        #expect(listed.map(\.key) == [.blob(digest)])
        #expect(listed.first?.size == Int64(content.count))
        #expect(try await store.remove(.blob(digest)))
        #expect(try await !store.remove(.blob(digest)), "a second removal reports it was gone")
        #expect(try await store.openBlob(digest) == nil)
    }

    @Test("manifests keep their exact bytes and media type; tags round-trip")
    func manifestsAndTags() async throws {
        let bytes = Array(#"{"schemaVersion":2,  "mediaType":"application/vnd.oci.image.manifest.v1+json"}"#.utf8)
        let digest = ContentHasher.digest(of: bytes)
        let manifest = StoredManifest(mediaType: MediaType.ociManifest, bytes: bytes, digest: digest)
        try await store.putManifest(manifest)
        #expect(try await store.manifest(digest) == manifest)

        let name = try RepositoryName("library/alpine")
        let upstream = UpstreamKey(host: "docker.io")
        let record = TagRecord(digest: digest, mediaType: MediaType.ociManifest, checkedAt: 1000)
        try await store.putTag(try Tag("3.20"), in: name, upstream: upstream, record: record)
        try await store.putTag(try Tag("latest"), in: name, upstream: upstream, record: record)
        #expect(try await store.tag(try Tag("3.20"), in: name, upstream: upstream) == record)
        #expect(try await store.tags(in: name, upstream: upstream) == ["3.20", "latest"])
        #expect(try await store.tag(try Tag("3.20"), in: name, upstream: UpstreamKey(host: "ghcr.io")) == nil)
    }

    @Test("a manifest file altered on disk is reported, not served")
    func detectsCorruptManifest() async throws {
        let bytes = Array(#"{"schemaVersion":2}"#.utf8)
        let digest = ContentHasher.digest(of: bytes)
        try await store.putManifest(StoredManifest(mediaType: MediaType.ociManifest, bytes: bytes, digest: digest))
        try Data((MediaType.ociManifest + "\n{\"schemaVersion\":3}").utf8).write(to: URL(fileURLWithPath: store.layout.manifest(digest).string))
        await #expect(throws: StoreError.self) { try await store.manifest(digest) }
    }

    @Test("start-up removes leftovers of interrupted downloads")
    func removesLeftovers() async throws {
        let leftover = folder.path + "/tmp/partial-download"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data(bytes(100))))
        let removed = try await store.prepare()
        #expect(removed == 1)
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    @Test("upstream keys are folder-safe")
    func upstreamKeys() {
        #expect(UpstreamKey(host: "127.0.0.1:5000").value == "127.0.0.1_5000")
        #expect(UpstreamKey(host: "../../x").value == ".._.._x")
        #expect(UpstreamKey(host: "..").value == "_..")
    }
}
