#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The loops around `read`, `pwrite` and `pread` that the public types share. Blocking: call
/// only inside ``BlockingIO/run(_:)``.
enum SystemIO {
    /// Writes all of `bytes` at `offset`, retrying after interruptions and short writes.
    /// - Returns: the `errno` of the failed write, or nil when all was written.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int64) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var written = 0
        while written < bytes.count {
            let result = pwrite(descriptor, base + written, bytes.count - written, off_t(offset) + off_t(written))
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += result
        }
        return nil
    }

    /// Reads up to `target.count` bytes at `offset`; fewer only at the end of the file.
    /// - Returns: the count read, and the `errno` of a failed read.
    static func readFully(_ target: UnsafeMutableRawBufferPointer, from descriptor: Int32, at offset: Int64) -> (count: Int, failure: Int32?) {
        guard let base = target.baseAddress else { return (0, nil) }
        var total = 0
        while total < target.count {
            let result = pread(descriptor, base + total, target.count - total, off_t(offset) + off_t(total))
            if result < 0 {
                if errno == EINTR { continue }
                return (total, errno)
            }
            if result == 0 { break }
            total += result
        }
        return (total, nil)
    }

    /// Reads from the current position to the end; refuses more than `limit` bytes.
    static func readToEnd(_ descriptor: Int32, limit: Int, path: String) throws(FileIOError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                // Opened non-blocking: a FIFO or a device, which a whole-file read must not wait on.
                if code == EAGAIN { throw .notRegularFile(path) }
                throw .system(code, path: path)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= limit else { throw .tooLarge(path, limit: limit) }
        }
    }

    /// Makes a rename in `folder` durable; failures are ignored (some file systems refuse it).
    static func synchronizeFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The folder part of `path` (`.` for a bare name, `/` for a file in the root).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
