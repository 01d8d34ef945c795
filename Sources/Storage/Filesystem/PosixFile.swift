import Foundation
import NIOCore
import NIOPosix

/// An open file descriptor whose blocking calls run on NIO's thread pool.
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
    public static func openForReading(_ path: String) async throws -> PosixFile? {
        try await NIOThreadPool.singleton.runIfActive {
            let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO))
            }
            return PosixFile(descriptor: descriptor, path: path)
        }
    }

    /// Creates a new file for writing (mode 0644); fails if it exists.
    public static func create(_ path: String) async throws -> PosixFile {
        try await NIOThreadPool.singleton.runIfActive {
            let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO)) }
            return PosixFile(descriptor: descriptor, path: path)
        }
    }

    /// The file's current size.
    public func size() async throws -> Int64 {
        try await NIOThreadPool.singleton.runIfActive { [descriptor, path] in
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO)) }
            return Int64(info.st_size)
        }
    }

    /// Reads up to `length` bytes at `offset`; fewer only at the end of the file.
    public func read(at offset: Int64, length: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) async throws -> ByteBuffer {
        try await NIOThreadPool.singleton.runIfActive { [descriptor, path] in
            var buffer = allocator.buffer(capacity: length)
            _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
                var total = 0
                while total < length {
                    let result = pread(descriptor, pointer.baseAddress! + total, length - total, off_t(offset) + off_t(total))
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO))
                    }
                    if result == 0 { break }
                    total += result
                }
                return total
            }
            return buffer
        }
    }

    /// Writes all of `buffer` at `offset`.
    public func write(_ buffer: ByteBuffer, at offset: Int64) async throws {
        try await NIOThreadPool.singleton.runIfActive { [descriptor, path] in
            try buffer.withUnsafeReadableBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO))
                    }
                    written += result
                }
            }
        }
    }

    /// A second handle on the same open file, owned by the caller (for a `FileRegion`).
    public func duplicateHandle() throws -> NIOFileHandle {
        let duplicate = dup(descriptor)
        guard duplicate >= 0 else { throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO)) }
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: duplicate)
    }

    /// Flushes the file's data to the disk.
    public func synchronize() async throws {
        try await NIOThreadPool.singleton.runIfActive { [descriptor, path] in
            guard fsync(descriptor) == 0 else { throw StoreError.io(path, POSIXError(.init(rawValue: errno) ?? .EIO)) }
        }
    }
}
