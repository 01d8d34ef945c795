import Foundation

/// What the file system says about a file, enough to notice that it was rewritten or replaced:
/// device, inode, size and modification time.
///
/// Symbolic links are resolved first, so a Kubernetes secret volume
/// (whose files are links into a folder swapped atomically) changes fingerprint when the secret
/// does. (Through `FileManager` rather than `stat`: which Clang module owns `struct stat` differs between
/// builds, and MemberImportVisibility then refuses its fields.)
struct FileFingerprint: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: UInt64
    var modified: Date

    /// The fingerprint of `path`, or nil when it does not exist or cannot be examined.
    static func of(_ path: String) -> FileFingerprint? {
        // attributesOfItem describes a link itself, not what it points to.
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return nil }
        return FileFingerprint(
            device: (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast
        )
    }
}
