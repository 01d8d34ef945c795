import FileIO
import Foundation

/// The small files of certificates, keys and the state folder, read and written through FileIO
/// with errors that say which file and why in ``TLSCertificateError`` terms.
enum CertificateFiles {
    /// PEM files and records are a few kilobytes; anything larger than this is not one.
    static let maximumSize = 4 * 1024 * 1024

    /// The whole file at `path` as UTF-8 text.
    ///
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/unreadableFile`` naming the
    ///   file and the reason (missing, permission denied, a folder, too large).
    static func read(_ path: String) async throws(TLSCertificateError) -> String {
        guard let bytes = try await readIfPresent(path) else {
            throw .unreadableFile(path, reason: "the file does not exist")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The whole file at `path`, or nil when it does not exist.
    static func readIfPresent(_ path: String) async throws(TLSCertificateError) -> [UInt8]? {
        do throws(FileIOError) {
            return try await PosixFile.contents(of: path, maximumSize: maximumSize)
        } catch {
            throw .unreadableFile(path, reason: error.reason)
        }
    }

    /// Replaces `path` with `text` atomically, with permission bits `mode` (``AtomicFile``).
    static func write(_ text: String, to path: String, mode: mode_t) async throws(TLSCertificateError) {
        try await write(Array(text.utf8), to: path, mode: mode)
    }

    /// Replaces `path` with `bytes` atomically, with permission bits `mode` (``AtomicFile``).
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) async throws(TLSCertificateError) {
        do throws(FileIOError) {
            try await AtomicFile.write(bytes, to: path, mode: mode)
        } catch {
            throw .writeFailed(path, reason: error.reason)
        }
    }

    /// Creates the folder (and its parents) with `mode`; see ``Folder/ensure(_:mode:narrowingExisting:)``.
    static func makeFolder(_ path: String, mode: mode_t, narrowingExisting: Bool = false) async throws(TLSCertificateError) {
        do throws(FileIOError) {
            try await Folder.ensure(path, mode: mode, narrowingExisting: narrowingExisting)
        } catch {
            throw .writeFailed(path, reason: error.reason)
        }
    }

    /// Removes the file; a missing file is fine.
    static func remove(_ path: String) async throws(TLSCertificateError) {
        do throws(FileIOError) {
            try await PosixFile.remove(path)
        } catch {
            throw .writeFailed(path, reason: error.reason)
        }
    }
}
