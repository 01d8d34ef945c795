import Foundation
import Registry

/// A blob or manifest in the store, as eviction sees it.
public struct StoredObject: Sendable, Equatable {
    /// Which object: its kind and digest.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        /// Blobs and manifests live apart and are evicted alike.
        public enum Kind: String, Sendable, CaseIterable {
            case blob
            case manifest
        }

        public let kind: Kind
        public let digest: Digest

        public init(_ kind: Kind, _ digest: Digest) {
            self.kind = kind
            self.digest = digest
        }

        public static func blob(_ digest: Digest) -> Key { Key(.blob, digest) }
        public static func manifest(_ digest: Digest) -> Key { Key(.manifest, digest) }

        public var description: String { "\(kind.rawValue) \(digest)" }
    }

    public let key: Key
    /// Bytes it takes in the store.
    public let size: Int64
    /// When it was last served (or stored), seconds since 1970.
    public let lastUse: TimeInterval

    public init(key: Key, size: Int64, lastUse: TimeInterval) {
        self.key = key
        self.size = size
        self.lastUse = lastUse
    }
}
