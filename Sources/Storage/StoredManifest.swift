import Registry

/// A manifest exactly as the upstream sent it, with its media type.
public struct StoredManifest: Sendable, Equatable {
    /// The `Content-Type` it is served with.
    public let mediaType: String
    /// The manifest bytes; never rewritten.
    public let bytes: [UInt8]
    /// The digest of ``bytes`` (sha256 unless the client asked by another algorithm).
    public let digest: Digest

    public init(mediaType: String, bytes: [UInt8], digest: Digest) {
        self.mediaType = mediaType
        self.bytes = bytes
        self.digest = digest
    }
}

/// What the store remembers about a tag.
public struct TagRecord: Codable, Sendable, Equatable {
    /// The digest the tag pointed at when last checked.
    public let digest: String
    /// The media type of that manifest.
    public let mediaType: String
    /// When the upstream last confirmed it, seconds since 1970.
    public let checkedAt: Double

    public init(digest: Digest, mediaType: String, checkedAt: Double) {
        self.digest = digest.description
        self.mediaType = mediaType
        self.checkedAt = checkedAt
    }
}
