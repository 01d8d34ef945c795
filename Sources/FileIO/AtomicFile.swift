import Foundation

/// Small files replaced so that a reader sees the old file or the whole new one, never a part,
/// and a crash leaves one of the two: a temporary file in the destination's folder, given its
/// mode, written, flushed with `fsync`, renamed over the destination, and the folder flushed
/// so that the rename survives too.
public enum AtomicFile {
    /// Replaces `path` with `bytes`, with permission bits `mode` (e.g. `0o600` for a key).
    ///
    /// On failure the temporary file is removed and `path` is untouched. A symbolic link at
    /// `path` is replaced by the file, not followed.
    /// - Throws: ``FileIOError`` naming `path` (and the step that failed).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) async throws(FileIOError) {
        try await BlockingIO.run { () throws(FileIOError) in
            try writeNow(bytes, to: path, mode: mode)
        }
    }

    /// Renames `temporary` (a file already written and flushed, e.g. a streamed download) over
    /// `path`, then flushes `path`'s folder so that the new name survives a crash.
    /// - Throws: ``FileIOError`` naming `path`; `temporary` is left for the caller to remove.
    public static func moveIntoPlace(_ temporary: String, to path: String) async throws(FileIOError) {
        try await BlockingIO.run { () throws(FileIOError) in
            guard rename(temporary, path) == 0 else { throw .lastError(path: path, step: "rename") }
            SystemIO.synchronizeFolder(SystemIO.folder(of: path))
        }
    }

    private static func writeNow(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileIOError) {
        let folder = SystemIO.folder(of: path)
        var template = Array("\(folder)/.\(SystemIO.name(of: path)).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .lastError(path: path, step: "cannot create a temporary file in \(folder)")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var isOpen = true
        do throws(FileIOError) {
            guard fchmod(descriptor, mode) == 0 else { throw .lastError(path: temporary, step: "chmod") }
            if let failure = bytes.withUnsafeBytes({ SystemIO.writeAll($0, to: descriptor, at: 0) }) {
                throw .system(failure, path: temporary, step: "write")
            }
            guard fsync(descriptor) == 0 else { throw .lastError(path: temporary, step: "fsync") }
            isOpen = false
            guard close(descriptor) == 0 else { throw .lastError(path: temporary, step: "close") }
            guard rename(temporary, path) == 0 else { throw .lastError(path: path, step: "rename") }
        } catch {
            if isOpen { close(descriptor) }
            unlink(temporary)
            throw error
        }
        SystemIO.synchronizeFolder(folder)
    }
}
