#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file-system call, naming the file and saying why in words.
public struct FileIOError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case system(Int32)
        case tooLarge
        case notAFolder
        case notFound
        case notRegularFile
    }

    private let code: Code
    /// The file or folder concerned.
    public let path: String
    /// Why, without the path: `permission denied`, `the file does not exist`, `fsync: ...`.
    public let reason: String
    /// `<path>: <reason>`.
    public let message: String

    private init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
        self.message = "\(path): \(reason)"
    }

    /// Whether the file (or a folder on its path) does not exist.
    public var isNotFound: Bool {
        code == .notFound || code == .system(ENOENT)
    }

    /// Whether the file was to be created but exists already.
    public var isAlreadyExists: Bool {
        code == .system(EEXIST)
    }

    /// Whether the volume (or the user's quota on it) is full.
    public var isOutOfSpace: Bool {
        code == .system(ENOSPC) || code == .system(EDQUOT)
    }

    public var description: String { message }

    /// The system call failed with `code`; `step` (e.g. `fsync`) prefixes the reason when given.
    static func system(_ code: Int32, path: String, step: String? = nil) -> FileIOError {
        let text = describe(code)
        return FileIOError(.system(code), path: path, reason: step.map { "\($0): \(text)" } ?? text)
    }

    /// The last system call failed (`errno`).
    static func lastError(path: String, step: String? = nil) -> FileIOError {
        system(errno, path: path, step: step)
    }

    /// The file is larger than a whole-file read allows.
    static func tooLarge(_ path: String, limit: Int) -> FileIOError {
        FileIOError(.tooLarge, path: path, reason: "larger than \(limit >> 20) MiB")
    }

    /// Something other than a folder is in the way.
    static func notAFolder(_ path: String) -> FileIOError {
        FileIOError(.notAFolder, path: path, reason: "it is a file, not a folder")
    }

    /// The file does not exist.
    static func notFound(_ path: String) -> FileIOError {
        FileIOError(.notFound, path: path, reason: "the file does not exist")
    }

    /// A FIFO or a device where a regular file was expected.
    static func notRegularFile(_ path: String) -> FileIOError {
        FileIOError(.notRegularFile, path: path, reason: "not a regular file")
    }

    /// Words for the common codes, `strerror` for the rest.
    static func describe(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case ENOENT: "the file does not exist"
        case EISDIR: "is a folder"
        default: String(cString: strerror(code))
        }
    }
}
