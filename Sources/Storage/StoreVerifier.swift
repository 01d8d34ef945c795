import Registry

/// Rehashes every object of a store, and with `repair` removes those whose bytes do not match
/// their digest, and the temporary files of downloads that never finished.
///
/// Built on ``ContentStore`` alone (``ContentStore/listObjects()``, ``ContentStore/openBlob(_:)``,
/// ``ContentStore/manifest(_:)``, which checks a manifest's digest as it reads it), so it serves
/// every store alike.
public struct StoreVerifier: Sendable {
    /// What a pass found and did.
    public struct Report: Sendable {
        /// Objects rehashed.
        public var checked = 0
        /// Bytes rehashed.
        public var checkedBytes: Int64 = 0
        /// Objects whose bytes do not match their digest, with what is wrong.
        public var corrupt: [(key: StoredObject.Key, problem: String)] = []
        /// Corrupt objects removed (with `repair`).
        public var removed: [StoredObject.Key] = []
        /// Temporary files removed (with `repair`).
        public var temporaryFilesRemoved = 0
    }

    private let store: any ContentStore
    private let chunkSize: Int

    public init(store: any ContentStore, chunkSize: Int = 1 << 20) {
        self.store = store
        self.chunkSize = chunkSize
    }

    /// One pass over the store.
    /// - Parameter repair: remove what is corrupt, and every temporary file (run it while no
    ///   Wharf serves from the store, or that Wharf's downloads in progress fail).
    public func verify(repair: Bool) async throws -> Report {
        var report = Report()
        if repair { report.temporaryFilesRemoved = try await store.prepare() }
        for object in try await store.listObjects() {
            guard let problem = try await problem(with: object.key, report: &report) else { continue }
            report.corrupt.append((object.key, problem))
            if repair, try await store.remove(object.key) { report.removed.append(object.key) }
        }
        return report
    }

    /// What is wrong with `key`'s bytes, or nil when they hash to its digest (or it is gone).
    private func problem(with key: StoredObject.Key, report: inout Report) async throws -> String? {
        switch key.kind {
        case .manifest:
            do {
                guard let manifest = try await store.manifest(key.digest) else { return nil }
                report.checked += 1
                report.checkedBytes += Int64(manifest.bytes.count)
                return nil
            } catch let error as StoreError {
                report.checked += 1
                return "\(error)"
            }
        case .blob:
            guard let blob = try await store.openBlob(key.digest) else { return nil }
            report.checked += 1
            report.checkedBytes += blob.size
            var hasher = ContentHasher(key.digest.algorithm)
            do {
                try await blob.stream(chunkSize: chunkSize) { hasher.update($0) }
            } catch let error as StoreError {
                return "\(error)"
            }
            let actual = hasher.finalize()
            return actual == key.digest ? nil : "its \(blob.size) bytes hash to \(actual)"
        }
    }
}
