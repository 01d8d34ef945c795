import Foundation

/// What the file system says about a file, enough to notice that it was rewritten or replaced:
/// device, inode, size and modification time.
///
/// Symbolic links are resolved first, so a Kubernetes secret volume (whose files are links into
/// a folder swapped atomically) changes fingerprint when the secret does. (Through `FileManager`
/// rather than `stat`: which Clang module owns `struct stat` differs between builds, and
/// MemberImportVisibility then refuses its fields.)
public struct FileFingerprint: Equatable, Sendable {
    /// The device the file is on.
    public var device: UInt64
    /// The file's inode: a rename over the file changes it.
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// The modification time.
    public var modified: Date

    /// A fingerprint with these values (tests make their own).
    public init(device: UInt64, inode: UInt64, size: Int64, modified: Date) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
    }

    /// The fingerprint of `path`, or nil when it does not exist or cannot be examined.
    public static func of(_ path: String) async -> FileFingerprint? {
        await BlockingIO.run {
            // attributesOfItem describes a link itself, not what it points to.
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return nil }
            return FileFingerprint(
                device: (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0,
                inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
                size: (attributes[.size] as? NSNumber)?.int64Value ?? -1,
                modified: attributes[.modificationDate] as? Date ?? .distantPast
            )
        }
    }
}
