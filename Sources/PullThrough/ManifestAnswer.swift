import Registry
import Storage

/// A manifest response and where it came from.
public struct ManifestAnswer: Sendable {
    public let mediaType: String
    public let digest: Digest
    public let size: Int64
    /// The exact manifest bytes.
    public let bytes: [UInt8]
    /// Whether the answer came from the cache without asking upstream.
    public let fromCache: Bool
    /// Whether it was served because the upstream failed (stale-if-error).
    public let stale: Bool

    init(_ manifest: StoredManifest, fromCache: Bool, stale: Bool = false) {
        self.stale = stale
        self.mediaType = manifest.mediaType
        self.digest = manifest.digest
        self.size = Int64(manifest.bytes.count)
        self.bytes = manifest.bytes
        self.fromCache = fromCache
    }
}
