import Foundation

/// What the file system says about a file, enough to notice that it was rewritten or replaced.
///
/// Symbolic links are followed, so a Kubernetes secret volume (whose files are links into a
/// folder swapped atomically) changes fingerprint when the secret does.
struct FileFingerprint: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: TimeInterval

    /// The fingerprint of `path`, or nil when it does not exist or cannot be examined.
    static func of(_ path: String) -> FileFingerprint? {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else {
            return nil
        }
        return FileFingerprint(
            device: (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
            size: (attributes[.size] as? NSNumber)?.int64Value ?? -1,
            modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        )
    }
}
