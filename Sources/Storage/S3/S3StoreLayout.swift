import Registry

/// The keys of each kind of object in the bucket (under `rootdirectory`), the same shape as
/// the folder layout:
///
///     blobs/sha256/<hex>                          verified blob bytes (multipart uploads complete here)
///     manifests/sha256/<hex>                      the exact manifest bytes; Content-Type is its media type
///     repositories/<upstream>/<name>/_tags/<tag>  JSON tag record, with when it was confirmed
///     uses/<instance>-<time>.json                 a batch of last-use times from one instance
///
/// Every component comes from a validated ``Digest``, ``RepositoryName``, ``Tag`` or
/// ``UpstreamKey``, so no key built here can leave its prefix.
public struct S3StoreLayout: Sendable {
    public static let blobsPrefix = "blobs/"
    public static let manifestsPrefix = "manifests/"
    public static let usesPrefix = "uses/"

    public init() {}

    public func blob(_ digest: Digest) -> String { "\(Self.blobsPrefix)\(digest.algorithm.rawValue)/\(digest.hex)" }
    public func manifest(_ digest: Digest) -> String { "\(Self.manifestsPrefix)\(digest.algorithm.rawValue)/\(digest.hex)" }

    public func key(of object: StoredObject.Key) -> String {
        switch object.kind {
        case .blob: blob(object.digest)
        case .manifest: manifest(object.digest)
        }
    }

    /// The object a blob or manifest key names, or `nil` for any other key.
    public func object(forKey key: String) -> StoredObject.Key? {
        let kind: StoredObject.Key.Kind
        let rest: Substring
        if key.hasPrefix(Self.blobsPrefix) {
            kind = .blob
            rest = key.dropFirst(Self.blobsPrefix.count)
        } else if key.hasPrefix(Self.manifestsPrefix) {
            kind = .manifest
            rest = key.dropFirst(Self.manifestsPrefix.count)
        } else {
            return nil
        }
        let parts = rest.split(separator: "/")
        guard parts.count == 2, let digest = try? Digest(parsing: "\(parts[0]):\(parts[1])") else { return nil }
        return StoredObject.Key(kind, digest)
    }

    public func tagsPrefix(_ upstream: UpstreamKey, _ name: RepositoryName) -> String {
        "repositories/\(upstream.value)/\(name.components.joined(separator: "/"))/_tags/"
    }

    public func tag(_ upstream: UpstreamKey, _ name: RepositoryName, _ tag: Tag) -> String {
        tagsPrefix(upstream, name) + tag.value
    }
}
