import Foundation

/// Folders for state that must stay private (keys, the ACME account).
public enum Folder {
    /// Creates `path` and its missing parents with permission bits `mode`.
    ///
    /// - Parameter narrowingExisting: whether an existing folder is given `mode` too (so a
    ///   folder made earlier with a wider mode stops exposing keys); otherwise it is left as it is.
    /// - Throws: ``FileIOError`` when a file is in the way or the folder cannot be made.
    public static func ensure(_ path: String, mode: mode_t, narrowingExisting: Bool = false) async throws(FileIOError) {
        try await BlockingIO.run { () throws(FileIOError) in
            let created = try make(path, mode: mode)
            guard created || narrowingExisting else { return }
            // The umask may have narrowed a new folder further, never widened it; make it exact.
            guard chmod(path, mode) == 0 else { throw .lastError(path: path, step: "chmod") }
        }
    }

    /// `mkdir -p`; whether `path` itself was created.
    private static func make(_ path: String, mode: mode_t) throws(FileIOError) -> Bool {
        if mkdir(path, mode) == 0 { return true }
        switch errno {
        case EEXIST:
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                throw .notAFolder(path)
            }
            return false
        case ENOENT where SystemIO.folder(of: path) != path:
            _ = try make(SystemIO.folder(of: path), mode: mode)
            guard mkdir(path, mode) == 0 || errno == EEXIST else { throw .lastError(path: path, step: "cannot create the folder") }
            return true
        default:
            throw .lastError(path: path, step: "cannot create the folder")
        }
    }
}
