import Foundation
import Synchronization

/// Runs one ``EvictionPlan`` pass over a store.
///
/// A response that has a blob open keeps reading it after removal, so eviction never breaks
/// a download in progress.
public struct StoreSweeper: Sendable {
    /// What one pass found and did.
    public struct Report: Sendable, Equatable {
        public var removed: [StoredObject.Key] = []
        public var freedBytes: Int64 = 0
        public var bytesBefore: Int64 = 0
        public var objectsBefore = 0
        public var bytesAfter: Int64 { bytesBefore - freedBytes }
        public var objectsAfter: Int { objectsBefore - removed.count }
    }

    public let store: any ContentStore
    public let plan: EvictionPlan
    /// The store volume's free bytes, for the plan's `minFree`.
    private let freeSpace: @Sendable () async -> Int64?

    /// When the last-use records were last folded, so that passes after every commit do not
    /// each rewrite them.
    private let compaction: CompactionClock

    /// - Parameter compactionInterval: how often the sweep-lease holder folds the last-use records.
    public init(
        store: any ContentStore, plan: EvictionPlan, compactionInterval: TimeInterval = 300, freeSpace: @escaping @Sendable () async -> Int64? = { nil }
    ) {
        self.store = store
        self.plan = plan
        self.freeSpace = freeSpace
        self.compaction = CompactionClock(interval: compactionInterval)
    }

    /// Whether there is anything to enforce.
    public var isActive: Bool { plan.isActive }

    /// One pass. With `dryRun`, reports what would be removed and removes nothing.
    /// A pass another instance sharing the store is running already only measures the store.
    public func sweep(dryRun: Bool = false, now: TimeInterval = Date().timeIntervalSince1970) async throws -> Report {
        // A dry run writes nothing. Without limits a pass removes nothing either, but now and
        // then it still takes the sweep lease: the holder folds the fleet's last-use batches,
        // which would otherwise pile up in a bucket forever.
        guard !dryRun, plan.isActive || compaction.isDue(now: now) else { return try await pass(dryRun: dryRun, now: now) }
        switch try await store.claimSweep() {
        case .heldElsewhere:
            let objects = try await store.listObjects()
            var report = Report()
            report.bytesBefore = objects.reduce(0) { $0 + $1.size }
            report.objectsBefore = objects.count
            return report
        case .granted(let lease):
            do {
                let report = try await pass(dryRun: false, now: now)
                // Folded by the lease holder alone, never by a dry run or a mere listing.
                if compaction.isDue(now: now), (try? await store.compactUseRecords()) != nil { compaction.done(at: now) }
                await lease?.release()
                return report
            } catch {
                await lease?.release()
                throw error
            }
        }
    }

    private func pass(dryRun: Bool, now: TimeInterval) async throws -> Report {
        let objects = try await store.listObjects()
        var report = Report()
        report.bytesBefore = objects.reduce(0) { $0 + $1.size }
        report.objectsBefore = objects.count
        let free = plan.minFree == nil ? nil : await freeSpace()
        for object in plan.select(from: objects, now: now, freeBytes: free) {
            if !dryRun {
                guard (try? await store.remove(object.key)) != nil else { continue }
            }
            report.removed.append(object.key)
            report.freedBytes += object.size
        }
        return report
    }
}

/// When the last-use records were last folded by this sweeper.
private final class CompactionClock: Sendable {
    private let interval: TimeInterval
    private let last = Mutex<TimeInterval?>(nil)

    init(interval: TimeInterval) {
        self.interval = interval
    }

    func isDue(now: TimeInterval) -> Bool {
        last.withLock { $0.map { now - $0 >= interval } ?? true }
    }

    func done(at now: TimeInterval) {
        last.withLock { $0 = now }
    }
}
