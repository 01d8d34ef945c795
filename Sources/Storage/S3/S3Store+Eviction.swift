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

    /// Every blob and manifest, its last use being the latest of its write time, of the use
    /// batches every instance wrote and of this instance's uses not written yet. Reads only:
    /// listing (a dry run, `wharf store verify`, an instance that lost the sweep lease) writes nothing.
    public func listObjects() async throws -> [StoredObject] {
        var (uses, _) = try await usage.readAll()
        uses.merge(usage.pendingUses()) { max($0, $1) }
        return try await listStoredObjects(uses: uses)
    }

    /// Folds every use batch into one holding the uses of objects still in the bucket (this
    /// instance's pending ones written first). Only the sweep lease's holder calls it, after a pass.
    public func compactUseRecords() async throws {
        try await usage.flush()
        let (uses, batches) = try await usage.readAll()
        let live = Set(try await listStoredObjects(uses: [:]).map { layout.key(of: $0.key) })
        try await usage.compact(uses.filter { live.contains($0.key) }, replacing: batches)
    }

    private func listStoredObjects(uses: [String: TimeInterval]) async throws -> [StoredObject] {
        var objects: [StoredObject] = []
        for prefix in [S3StoreLayout.blobsPrefix, S3StoreLayout.manifestsPrefix] {
            for listed in try await client.listAllObjects(prefix: prefix) {
                guard let key = layout.object(forKey: listed.key) else { continue }
                let written = listed.lastModified?.timeIntervalSince1970 ?? 0
                objects.append(StoredObject(key: key, size: listed.size, lastUse: max(written, uses[listed.key] ?? 0)))
            }
        }
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
