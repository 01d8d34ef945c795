import Foundation
import NIOCore

/// An open file descriptor whose blocking calls run through ``BlockingIO``.
///
/// Closed when the last reference goes away, so no path (a client gone before its body was
/// written, a cancelled download) can leak it or crash on it.
public final class PosixFile: Sendable {
    /// The descriptor; valid until the object is released.
    public let descriptor: CInt
    /// The path it was opened at (for messages).
    public let path: String

    private init(descriptor: CInt, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        Foundation.close(descriptor)
    }

    /// Opens an existing file for reading; `nil` when it does not exist.
    public static func openForReading(_ path: String) async throws(FileIOError) -> PosixFile? {
        try await BlockingIO.run { () throws(FileIOError) -> PosixFile? in
            let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw .lastError(path: path)
            }
            return PosixFile(descriptor: descriptor, path: path)
        }
    }

    /// Creates a new file for writing with permission bits `mode`; fails if it exists
    /// (``FileIOError/isAlreadyExists``), so exactly one of several racing creators wins.
    public static func create(_ path: String, mode: mode_t = 0o644) async throws(FileIOError) -> PosixFile {
        try await BlockingIO.run { () throws(FileIOError) -> PosixFile in
            let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard descriptor >= 0 else { throw .lastError(path: path) }
            return PosixFile(descriptor: descriptor, path: path)
        }
    }

    /// A second handle on the same open file, owned by the caller (for a `FileRegion` that
    /// the kernel sends with `sendfile`; whoever sends it closes it).
    public func duplicateHandle() throws(FileIOError) -> NIOFileHandle {
        let duplicate = dup(descriptor)
        guard duplicate >= 0 else { throw .lastError(path: path, step: "dup") }
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: duplicate)
    }

    /// The file's current size.
    public func size() async throws(FileIOError) -> Int64 {
        try await BlockingIO.run { [descriptor, path] () throws(FileIOError) -> Int64 in
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw .lastError(path: path) }
            return Int64(info.st_size)
        }
    }

    /// Reads up to `length` bytes at `offset`; fewer only at the end of the file.
    public func read(at offset: Int64, length: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) async throws(FileIOError) -> ByteBuffer {
        try await BlockingIO.run { [descriptor, path] () throws(FileIOError) -> ByteBuffer in
            var buffer = allocator.buffer(capacity: length)
            var failure: Int32?
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
                let read = SystemIO.readFully(UnsafeMutableRawBufferPointer(rebasing: pointer[..<length]), from: descriptor, at: offset)
                failure = read.failure
                return read.failure == nil ? read.count : 0
            }
            if let failure { throw .system(failure, path: path) }
            return buffer
        }
    }

    /// Writes all of `buffer` at `offset`.
    public func write(_ buffer: ByteBuffer, at offset: Int64) async throws(FileIOError) {
        try await BlockingIO.run { [descriptor, path] () throws(FileIOError) in
            let failure = buffer.withUnsafeReadableBytes { SystemIO.writeAll($0, to: descriptor, at: offset) }
            if let failure { throw .system(failure, path: path, step: "write") }
        }
    }

    /// Flushes the file's data to the disk.
    public func synchronize() async throws(FileIOError) {
        try await BlockingIO.run { [descriptor, path] () throws(FileIOError) in
            guard fsync(descriptor) == 0 else { throw .lastError(path: path, step: "fsync") }
        }
    }
}
