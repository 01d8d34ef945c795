import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the small PEM files of the certificate state folder.
///
/// Both functions do blocking file I/O: call them from a task, never on an event loop.
public enum PEMFile {
    /// Writes `text` to `path` so that readers see either the old file or the whole new one.
    ///
    /// The text goes to a temporary file in the same folder (created 0600), which is given
    /// `mode`, flushed with `fsync`, renamed over `path`, and the folder is synced so the
    /// rename survives a crash. On failure the temporary file is removed and `path` is untouched.
    ///
    /// - Parameters:
    ///   - text: the file's new contents.
    ///   - path: the destination; its folder must exist.
    ///   - mode: the permission bits, e.g. `0o600` for a private key, `0o644` for a certificate.
    public static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(CertificateError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let folderPrefix = folder.isEmpty ? "" : folder + "/"
        var template = Array("\(folderPrefix).\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .writeFailed(path, reason: "cannot create a temporary file in \(folder): \(lastError())")
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var closed = false
        do throws(CertificateError) {
            try writeAll(Array(text.utf8), to: descriptor, path: temporaryPath)
            guard fchmod(descriptor, mode) == 0 else {
                throw .writeFailed(temporaryPath, reason: "chmod: \(lastError())")
            }
            guard fsync(descriptor) == 0 else {
                throw .writeFailed(temporaryPath, reason: "fsync: \(lastError())")
            }
            closed = true
            guard close(descriptor) == 0 else {
                throw .writeFailed(temporaryPath, reason: "close: \(lastError())")
            }
            guard rename(temporaryPath, path) == 0 else {
                throw .writeFailed(path, reason: "rename from \(temporaryPath): \(lastError())")
            }
        } catch {
            if !closed {
                close(descriptor)
            }
            unlink(temporaryPath)
            throw error
        }
        syncFolder(folder.isEmpty ? "." : folder)
    }

    /// Reads the whole file at `path` as UTF-8 text.
    ///
    /// - Throws: ``CertificateError`` of kind ``CertificateError/Kind/unreadableFile`` naming the
    ///   file and the system's reason (missing, permission denied, a folder, ...).
    public static func read(_ path: String) throws(CertificateError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadableFile(path, reason: lastError())
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path, reason: lastError())
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            // PEM files are a few kilobytes; anything this large is not one.
            guard bytes.count <= maximumSize else {
                throw .unreadableFile(path, reason: "larger than \(maximumSize / 1024 / 1024) MiB, not a PEM file")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let maximumSize = 4 * 1024 * 1024

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(CertificateError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path, reason: lastError())
            }
            offset += written
        }
    }

    /// Makes a rename in `folder` durable; failures are ignored (some file systems refuse it).
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// The C `read`, which `PEMFile.read` hides inside the enum.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
