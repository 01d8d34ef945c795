import Foundation
import Registry
import S3

extension S3Store {
    // MARK: Manifests

    /// A manifest read from the bucket is checked against its digest, as on disk.
    public func manifest(_ digest: Digest) async throws -> StoredManifest? {
        let key = layout.manifest(digest)
        guard let (info, bytes) = try await client.getObject(key, limit: ManifestLimits.maximumBytes) else { return nil }
        guard ContentHasher.digest(of: bytes, algorithm: digest.algorithm) == digest else {
            throw StoreError.corruptRecord(key, "content does not match its digest")
        }
        return StoredManifest(mediaType: info.contentType ?? "application/octet-stream", bytes: bytes, digest: digest)
    }

    public func putManifest(_ manifest: StoredManifest) async throws {
        try await client.putObject(layout.manifest(manifest.digest), bytes: manifest.bytes, contentType: manifest.mediaType)
    }

    // MARK: Tags

    public func tag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey) async throws -> TagRecord? {
        let key = layout.tag(upstream, name, tag)
        guard let (_, bytes) = try await client.getObject(key, limit: 64 * 1024) else { return nil }
        do {
            return try JSONDecoder().decode(TagRecord.self, from: Data(bytes))
        } catch {
            throw StoreError.corruptRecord(key, "tag record is not valid JSON")
        }
    }

    /// The record carries when the upstream confirmed it, so every instance reading it
    /// keeps `proxy.tagttl` from that moment, not from its own last look.
    public func putTag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey, record: TagRecord) async throws {
        try await client.putObject(layout.tag(upstream, name, tag), bytes: Array(try JSONEncoder().encode(record)), contentType: "application/json")
    }

    public func tags(in name: RepositoryName, upstream: UpstreamKey) async throws -> [String]? {
        let prefix = layout.tagsPrefix(upstream, name)
        let names = try await client.listAllObjects(prefix: prefix).map { String($0.key.dropFirst(prefix.count)) }.filter { !$0.contains("/") }
        return names.isEmpty ? nil : names.sorted()
    }
}
