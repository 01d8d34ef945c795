import Foundation
import NIOCore
import NIOFileSystem
import Registry
import Storage
import Synchronization
import Testing
import WharfTesting

@testable import PullThrough

@Suite("following a download")
struct DownloadFollowerTests {
    let folder: TemporaryFolder
    let store: FilesystemStore

    init() async throws {
        folder = try TemporaryFolder(prefix: "follower")
        store = FilesystemStore(root: FilePath(folder.path))
        try await store.prepare()
    }

    /// A download whose bytes are all written to a real upload of the store, not yet committed.
    private func partialDownload(_ content: [UInt8]) async throws -> BlobDownload {
        let digest = ContentHasher.digest(of: content)
        let upload = try await store.beginUpload(of: digest)
        try await upload.append(ByteBuffer(bytes: content))
        let download = BlobDownload(digest: digest)
        download.started(reader: try await upload.openFollower(), expectedSize: Int64(content.count))
        download.advanced(to: Int64(content.count))
        return download
    }

    @Test("the last byte is held back until the digest is verified")
    func holdsBackLastByte() async throws {
        let content = Array("0123456789".utf8)
        let download = try await partialDownload(content)
        let follower = DownloadFollower(download: download, expectedSize: Int64(content.count))
        let chunks = Shared<[SentChunk]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await follower.stream(chunkSize: 4) { buffer in
                    let verified = if case .stored = download.progress.phase { true } else { false }
                    chunks.withLock { $0.append(SentChunk(bytes: Array(buffer.readableBytesView), verified: verified)) }
                }
            }
            // All ten bytes are on disk. Chunks of four make a follower that holds the last byte
            // back send 4, 4, 1 and stop at nine; one that does not sends 4, 4, 2 and never stops there.
            try await waitUntil("the follower sent at least nine bytes") { chunks.withLock { $0.reduce(0) { $0 + $1.bytes.count } } >= 9 }
            #expect(chunks.withLock { $0.flatMap(\.bytes) } == Array(content.prefix(9)))
            download.stored()
            try await group.waitForAll()
        }
        let sent = chunks.withLock { $0 }
        #expect(sent.flatMap(\.bytes) == content)
        #expect(sent.filter { !$0.verified }.flatMap(\.bytes) == Array(content.prefix(9)), "the last byte is written only after verification")
    }

    /// Bytes the follower wrote at once, and whether the download was verified by then.
    struct SentChunk: Sendable {
        let bytes: [UInt8]
        let verified: Bool
    }

    @Test("a failed verification cuts the follower off with the download's error")
    func failureCutsOff() async throws {
        let content = Array("abcdefghij".utf8)
        let download = try await partialDownload(content)
        let follower = DownloadFollower(download: download, expectedSize: Int64(content.count))
        let received = Shared<Int>(0)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await follower.stream(chunkSize: 3) { buffer in received.withLock { $0 += buffer.readableBytes } }
            }
            try? await waitUntil("the follower sent the nine bytes it may send") { received.withLock { $0 } >= 9 }
            download.failed(RegistryError(.badGateway, "wrong content"))
            await #expect {
                try await group.waitForAll()
            } throws: { error in
                (error as? RegistryError)?.code == .badGateway
            }
        }
        #expect(received.withLock { $0 } == 9)
    }

    @Test("a range of a download in progress is served once available")
    func rangeOfDownload() async throws {
        let content = Array("0123456789".utf8)
        let download = try await partialDownload(content)
        download.stored()
        let follower = DownloadFollower(download: download, expectedSize: Int64(content.count))
        var received: [UInt8] = []
        try await follower.stream(range: 2..<5, chunkSize: 100) { received.append(contentsOf: $0.readableBytesView) }
        #expect(received == Array("234".utf8))
    }

    @Test("a blob another instance stored is read in one stream from where the follower is, not a read per chunk")
    func storedElsewhereIsOneStream() async throws {
        let content = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let digest = ContentHasher.digest(of: content)
        let upload = try await store.beginUpload(of: digest)
        try await upload.append(ByteBuffer(bytes: content))
        try await upload.commit(expectedSize: nil)
        let stored = try #require(try await store.openBlob(digest))
        let reader = CountingReader(inner: stored.reader)
        // As BlobFetch does for a blob found in the store: started, complete, stored.
        let download = BlobDownload(digest: digest)
        download.started(reader: reader, expectedSize: stored.size)
        download.advanced(to: stored.size)
        download.stored()
        var received: [UInt8] = []
        try await DownloadFollower(download: download, expectedSize: stored.size).stream(range: 1000..<stored.size) {
            received += $0.readableBytesView
        }
        #expect(ContentHasher.digest(of: received) == ContentHasher.digest(of: Array(content[1000...])))
        #expect(reader.streams.withLock { $0 } == [1000..<stored.size])
        #expect(reader.reads.withLock { $0 } == 0)
    }
}

/// Counts how a reader is used: positional reads, or streams of a range.
struct CountingReader: BlobReader {
    let inner: any BlobReader
    let reads = Shared(0)
    let streams = Shared<[Range<Int64>]>([])

    func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        reads.withLock { $0 += 1 }
        return try await inner.read(at: offset, length: length)
    }

    func stream(_ range: Range<Int64>, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        streams.withLock { $0.append(range) }
        try await inner.stream(range, chunkSize: chunkSize, to: write)
    }

    var description: String { "counting \(inner)" }
}

@Suite("single flight")
struct SingleFlightTests {
    @Test("concurrent callers of one key share one run of the operation")
    func sharesOneRun() async throws {
        let flight = SingleFlight<String, Int>()
        let runs = Shared(0)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await flight.run("k") {
                        runs.withLock { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(100))
                        return 42
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 42, count: 10))
        #expect(runs.withLock { $0 } == 1)
    }

    @Test("an error reaches every waiting caller, and the next call runs again")
    func sharesErrors() async throws {
        struct Boom: Error {}
        let flight = SingleFlight<String, Int>()
        await #expect(throws: Boom.self) { try await flight.run("k") { throw Boom() } }
        #expect(try await flight.run("k") { 7 } == 7)
    }
}

/// Returns once `condition` holds; checks it until a deadline far beyond any honest wait, then records
/// an issue naming `what` and throws, so a follower that stops early fails the test instead of hanging it.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(30),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out after \(timeout) waiting until \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// A value shared between a test and the tasks it starts.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        value.withLock { body(&$0) }
    }
}
