import Foundation
import Logging
import S3
import ServiceLifecycle
import Synchronization

/// Last-use times of objects in the bucket, gathered in memory and written as one object per
/// batch (`uses/<instance>-<time>.json`), so a cache hit costs no request to the bucket.
///
/// Eviction reads every batch and takes the latest time per object; the instance holding the
/// sweep lease folds the batches into one after its pass, so their number stays small. A batch not yet written when an instance dies
/// loses at most one interval of use times: those objects look older than they are.
final class S3UsageBatch: Service, Sendable {
    private struct State {
        /// Objects used since the last write.
        var pending: [String: TimeInterval] = [:]
        /// When each object was last put in a batch, so a hot object is written once per granularity.
        var written: [String: TimeInterval] = [:]
    }

    let client: S3Client
    let granularity: TimeInterval
    let interval: Duration
    let logger: Logger
    /// The store's instance id, in the batches' names.
    private let instance: String
    private let state = Mutex(State())

    init(client: S3Client, instance: String, granularity: TimeInterval, interval: Duration, logger: Logger) {
        self.client = client
        self.instance = instance
        self.granularity = granularity
        self.interval = interval
        self.logger = logger
    }

    /// Notes a use of the object stored under `key`.
    func record(_ key: String, now: TimeInterval = Date().timeIntervalSince1970) {
        state.withLock { state in
            if let last = state.written[key], now - last < granularity { return }
            if state.written.count > 100_000 { state.written.removeAll(keepingCapacity: true) }
            state.written[key] = now
            state.pending[key] = now
        }
    }

    /// The uses noted since the last batch was written, without writing them.
    func pendingUses() -> [String: TimeInterval] {
        state.withLock { $0.pending }
    }

    /// Writes the pending uses as one batch, if there are any.
    func flush() async throws {
        let pending = state.withLock { state -> [String: TimeInterval] in
            defer { state.pending = [:] }
            return state.pending
        }
        guard !pending.isEmpty else { return }
        let name = "\(S3StoreLayout.usesPrefix)\(instance)-\(Int(Date().timeIntervalSince1970 * 1000)).json"
        do {
            try await client.putObject(name, bytes: Array(try JSONEncoder().encode(pending)), contentType: "application/json")
        } catch {
            // Put them back, so the next flush tries again.
            state.withLock { state in state.pending.merge(pending) { max($0, $1) } }
            throw error
        }
    }

    /// Every batch in the bucket merged (the latest time per key), with the batches' keys.
    func readAll() async throws -> (uses: [String: TimeInterval], batches: [String]) {
        var uses: [String: TimeInterval] = [:]
        var batches: [String] = []
        for object in try await client.listAllObjects(prefix: S3StoreLayout.usesPrefix) {
            guard let (_, bytes) = try await client.getObject(object.key, limit: 64 * 1024 * 1024),
                let batch = try? JSONDecoder().decode([String: TimeInterval].self, from: Data(bytes))
            else { continue }
            uses.merge(batch) { max($0, $1) }
            batches.append(object.key)
        }
        return (uses, batches)
    }

    /// Replaces `batches` by one batch holding `uses` (written first, so no time is lost).
    func compact(_ uses: [String: TimeInterval], replacing batches: [String]) async throws {
        guard batches.count > 1 else { return }
        let name = "\(S3StoreLayout.usesPrefix)\(instance)-\(Int(Date().timeIntervalSince1970 * 1000))-merged.json"
        try await client.putObject(name, bytes: Array(try JSONEncoder().encode(uses)), contentType: "application/json")
        for batch in batches { try await client.deleteObject(batch) }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // A shutdown ends the wait at once rather than after up to one interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            do {
                try await flush()
            } catch {
                logger.warning("last-use records not written to the bucket", metadata: ["error": "\(error)"])
            }
        }
        // The last batch on the way out.
        try? await flush()
    }
}
