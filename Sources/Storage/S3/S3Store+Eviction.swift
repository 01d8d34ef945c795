import Foundation
import Registry
import S3

extension S3Store {
    /// Notes the use in memory; ``S3UsageBatch`` writes it with others later.
    public func recordUse(of object: StoredObject.Key) async {
        usage.record(layout.key(of: object))
    }

    /// Writes the uses noted since the last batch now (the service does it every interval).
    public func flushUses() async throws {
        try await usage.flush()
    }

    /// Every blob and manifest, its last use being the latest of its write time and of the
    /// use batches every instance wrote.
    public func listObjects() async throws -> [StoredObject] {
        try? await usage.flush()
        let (uses, batches) = try await usage.readAll()
        var objects: [StoredObject] = []
        for prefix in [S3StoreLayout.blobsPrefix, S3StoreLayout.manifestsPrefix] {
            for listed in try await client.listAllObjects(prefix: prefix) {
                guard let key = layout.object(forKey: listed.key) else { continue }
                let written = listed.lastModified?.timeIntervalSince1970 ?? 0
                objects.append(StoredObject(key: key, size: listed.size, lastUse: max(written, uses[listed.key] ?? 0)))
            }
        }
        let live = Set(objects.map { layout.key(of: $0.key) })
        try? await usage.compact(uses.filter { live.contains($0.key) }, replacing: batches)
        return objects
    }

    @discardableResult
    public func remove(_ object: StoredObject.Key) async throws -> Bool {
        let key = layout.key(of: object)
        guard try await client.headObject(key) != nil else { return false }
        try await client.deleteObject(key)
        return true
    }
}
