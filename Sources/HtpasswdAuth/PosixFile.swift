#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the htpasswd code needs, with errors that name the file.
enum PosixFile {
    /// Refuse files larger than this: an htpasswd file of a million users is still far smaller.
    static let maximumSize = 64 << 20

    /// The whole file as UTF-8 text.
    static func readText(_ path: String) throws(HtpasswdError) -> String {
        guard let bytes = try readBytes(path) else {
            throw .unreadable(path, reason: "the file does not exist")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .notText(path)
        }
        return text
    }

    /// The whole file, or nil when it does not exist.
    static func readBytes(_ path: String) throws(HtpasswdError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw .unreadable(path, reason: describe(code))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreadable(path, reason: code == EAGAIN ? "not a regular file" : describe(code))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maximumSize else {
                throw .unreadable(path, reason: "larger than \(maximumSize >> 20) MiB")
            }
        }
    }

    /// Replaces `path` with `bytes` so that readers see the old or the new file, never a part:
    /// a temporary file in the same folder, written, flushed to disk, given `mode`, renamed over.
    static func writeAtomically(_ path: String, bytes: [UInt8], mode: mode_t = 0o600) throws(HtpasswdError) {
        let folder = folderOf(path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .writeFailed(path, reason: "cannot create a temporary file in \(folder): \(describe(errno))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw HtpasswdError.writeFailed(path, reason: describe(errno))
                }
                written += count
            }
            guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
                throw HtpasswdError.writeFailed(path, reason: describe(errno))
            }
        }
        guard rename(temporary, path) == 0 else {
            throw .writeFailed(path, reason: describe(errno))
        }
        renamed = true
        // The rename is durable only once the folder is flushed too; failing that is not worth an error.
        let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// The folder part of `path` (`.` for a bare name).
    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `strerror` for `code`.
    static func describe(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case ENOENT: "the file does not exist"
        case EISDIR: "is a folder"
        default: String(cString: strerror(code))
        }
    }
}
