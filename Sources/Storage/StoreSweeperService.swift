import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import WharfMetrics

/// Runs the ``StoreSweeper`` in the background: every `interval`, and soon after new
/// content was stored when a size limit is set.
public final class StoreSweeperService: Service, Sendable {
    public let sweeper: StoreSweeper
    private let interval: Duration
    private let logger: Logger
    private let nudges: AsyncStream<Void>
    private let nudger: AsyncStream<Void>.Continuation
    private let lastMeasure = Mutex<StoreMeasure?>(nil)

    /// The store's size as the last pass found it (after eviction); `nil` before the first pass.
    public struct StoreMeasure: Sendable, Equatable {
        public var bytes: Int64
        public var objects: Int
        public var measuredAt: Date
    }

    /// What the last pass measured.
    public var lastMeasured: StoreMeasure? { lastMeasure.withLock { $0 } }

    public init(sweeper: StoreSweeper, interval: Duration = .seconds(300), logger: Logger) {
        self.sweeper = sweeper
        self.interval = interval
        self.logger = logger
        (nudges, nudger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass soon (after new content was stored, when a size limit is set).
    public func nudge() {
        if sweeper.plan.maxSize != nil || sweeper.plan.minFree != nil { nudger.yield() }
    }

    public func run() async throws {
        // Without limits a pass only measures the store (for /metrics); it removes nothing.
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    self.nudger.yield()
                    try? await Task.sleep(for: self.interval)
                }
            }
            group.addTask {
                for await _ in self.nudges.cancelOnGracefulShutdown() {
                    await self.pass()
                    // Coalesce bursts of commits into one pass a second at most.
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func pass() async {
        do {
            let report = try await sweeper.sweep()
            let measure = StoreMeasure(bytes: report.bytesAfter, objects: report.objectsAfter, measuredAt: Date())
            lastMeasure.withLock { $0 = measure }
            Gauge(label: WharfMetric.storeBytes.name).record(measure.bytes)
            Gauge(label: WharfMetric.storeObjects.name).record(measure.objects)
            Counter(label: WharfMetric.evictedObjects.name).increment(by: report.removed.count)
            Counter(label: WharfMetric.evictedBytes.name).increment(by: report.freedBytes)
            if !report.removed.isEmpty {
                logger.notice(
                    "evicted cached content",
                    metadata: ["objects": "\(report.removed.count)", "freedBytes": "\(report.freedBytes)", "storeBytes": "\(report.bytesAfter)"]
                )
            }
        } catch {
            logger.error("eviction pass failed", metadata: ["error": "\(error)"])
        }
    }
}
