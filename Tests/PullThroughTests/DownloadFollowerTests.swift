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
        let received = Shared<[UInt8]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await follower.stream(chunkSize: 4) { buffer in received.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
            }
            // All bytes are on disk, yet only nine may be sent before verification.
            for _ in 0..<200 where received.withLock({ $0.count }) < 9 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))
            #expect(received.withLock { $0 } == Array(content.prefix(9)))
            download.stored()
            try await group.waitForAll()
        }
        #expect(received.withLock { $0 } == content)
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
            for _ in 0..<200 where received.withLock({ $0 }) < 9 { try? await Task.sleep(for: .milliseconds(5)) }
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
