import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for the files child processes write their output to.
enum LogFile {
    /// Opens (creating it if needed) `path` for appending; the handle closes its descriptor when released.
    static func openForAppending(_ path: String) throws -> FileHandle {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TestSupportError("cannot open \(path) for appending: errno \(errno)")
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// The file's contents from byte `offset` on, decoded as UTF-8, or "" when it cannot be read.
    static func read(_ path: String, from offset: Int = 0) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return "" }
        return String(decoding: data.dropFirst(offset), as: UTF8.self)
    }

    /// The file's size in bytes, or 0 when it does not exist.
    static func size(_ path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The last `lines` lines of `text`.
    static func tail(_ text: String, lines: Int = 40) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines)
            .joined(separator: "\n")
    }
}
