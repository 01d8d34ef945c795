import FileIO
import Foundation
import NIOCore
import Testing
import WharfTesting

@Suite("PosixFile reads, writes and sizes files on NIO's thread pool")
struct PosixFileTests {
    @Test("create, write at offsets, synchronize, size, and read back")
    func writeThenRead() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-posix")
        defer { folder.remove() }
        let path = folder.file("blob")
        #expect(try await PosixFile.openForReading(path) == nil)

        let file = try await PosixFile.create(path)
        try await file.write(ByteBuffer(string: "hello "), at: 0)
        try await file.write(ByteBuffer(string: "world"), at: 6)
        try await file.synchronize()
        #expect(try await file.size() == 11)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        #expect(mode == 0o644)

        let reader = try #require(try await PosixFile.openForReading(path))
        #expect(reader.path == path)
        #expect(try await reader.read(at: 6, length: 5) == ByteBuffer(string: "world"))
        #expect(try await reader.read(at: 0, length: 100) == ByteBuffer(string: "hello world"), "short only at the end")
        #expect(try await reader.read(at: 11, length: 4).readableBytes == 0)
    }

    @Test("create refuses an existing file, so one of several creators wins")
    func createIsExclusive() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-posix")
        defer { folder.remove() }
        let path = folder.file("lock")
        _ = try await PosixFile.create(path, mode: 0o600)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        #expect(mode == 0o600)
        let error = await #expect(throws: FileIOError.self) { try await PosixFile.create(path) }
        #expect(error?.isAlreadyExists == true)
        #expect(error?.path == path)
    }

    @Test("whole-file reads: nil when missing, refused past the limit, for a folder or a FIFO")
    func wholeFiles() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-posix")
        defer { folder.remove() }
        let path = folder.file("text")
        #expect(try await PosixFile.contents(of: path, maximumSize: 1 << 20) == nil)
        #expect(await !PosixFile.exists(path))
        try await AtomicFile.write(Array(repeating: 0x61, count: 3000), to: path, mode: 0o644)
        #expect(await PosixFile.exists(path))
        #expect(try await PosixFile.contents(of: path, maximumSize: 1 << 20)?.count == 3000)
        let tooLarge = await #expect(throws: FileIOError.self) { try await PosixFile.contents(of: path, maximumSize: 2000) }
        #expect(tooLarge?.path == path)

        let ofFolder = await #expect(throws: FileIOError.self) { try await PosixFile.contents(of: folder.path, maximumSize: 1 << 20) }
        #expect(ofFolder?.reason == "is a folder")

        let fifo = folder.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = open(fifo, O_RDWR | O_NONBLOCK)
        defer { close(writer) }
        let ofFIFO = await #expect(throws: FileIOError.self) { try await PosixFile.contents(of: fifo, maximumSize: 1 << 20) }
        #expect(ofFIFO?.reason == "not a regular file")

        try await PosixFile.remove(path)
        try await PosixFile.remove(path)
        #expect(await !PosixFile.exists(path))
    }

    @Test("a private folder is made with its parents, and an existing one narrowed only when asked")
    func folders() async throws {
        let root = try TemporaryFolder(prefix: "wharf-posix")
        defer { root.remove() }
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        }
        let nested = root.file("a/b/c")
        try await Folder.ensure(nested, mode: 0o700)
        #expect(try mode(nested) == 0o700)
        #expect(try mode(root.file("a")) == 0o700)

        #expect(chmod(nested, 0o755) == 0)
        try await Folder.ensure(nested, mode: 0o700)
        #expect(try mode(nested) == 0o755, "left as it is")
        try await Folder.ensure(nested, mode: 0o700, narrowingExisting: true)
        #expect(try mode(nested) == 0o700)

        try "x".write(toFile: root.file("file"), atomically: false, encoding: .utf8)
        await #expect(throws: FileIOError.self) { try await Folder.ensure(root.file("file"), mode: 0o700) }
    }
}
