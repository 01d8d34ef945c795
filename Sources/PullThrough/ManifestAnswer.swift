import Registry
import Storage

/// A manifest response: either the full manifest, or (for HEAD of an uncached tag) only
/// what the upstream's HEAD told.
public struct ManifestAnswer: Sendable {
    public let mediaType: String
    public let digest: Digest
    public let size: Int64
    /// The bytes, when Wharf has them; `nil` only for a HEAD answered from the upstream's headers.
    public let bytes: [UInt8]?
    /// Whether the answer came from the cache without asking upstream.
    public let fromCache: Bool

    init(_ manifest: StoredManifest, fromCache: Bool) {
        self.mediaType = manifest.mediaType
        self.digest = manifest.digest
        self.size = Int64(manifest.bytes.count)
        self.bytes = manifest.bytes
        self.fromCache = fromCache
    }

    init(headOnly mediaType: String, digest: Digest, size: Int64) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.bytes = nil
        self.fromCache = false
    }
}
