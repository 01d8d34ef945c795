import Foundation

/// Whole-file operations on small files (keys, certificates, records, htpasswd files).
extension PosixFile {
    /// The whole file, or nil when it does not exist.
    ///
    /// The file is opened non-blocking, so a FIFO or a device is refused rather than waited on.
    /// - Throws: ``FileIOError`` when it cannot be read, is not a regular file, or holds more
    ///   than `maximumSize` bytes.
    public static func contents(of path: String, maximumSize: Int) async throws(FileIOError) -> [UInt8]? {
        try await BlockingIO.run { () throws(FileIOError) -> [UInt8]? in
            let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else {
                if errno == ENOENT { return nil }
                throw .lastError(path: path)
            }
            defer { Foundation.close(descriptor) }
            return try SystemIO.readToEnd(descriptor, limit: maximumSize, path: path)
        }
    }

    /// Whether something exists at `path` (a symbolic link is followed).
    public static func exists(_ path: String) async -> Bool {
        await BlockingIO.run { access(path, F_OK) == 0 }
    }

    /// Removes the file; a missing file is fine.
    public static func remove(_ path: String) async throws(FileIOError) {
        try await BlockingIO.run { () throws(FileIOError) in
            guard unlink(path) == 0 || errno == ENOENT else { throw .lastError(path: path, step: "remove") }
        }
    }

}
