import Foundation

/// Which objects one eviction pass removes: those unused for longer than `ttl`, then, when
/// the store is larger than `maxSize`, the least recently used until it is under 90% of it,
/// and, when the volume has less than `minFree` free, the least recently used until it has
/// 10% more than that.
///
/// A pure value, so the policy is tested without a store.
public struct EvictionPlan: Sendable, Equatable {
    /// Remove objects not used for this long; `nil` keeps them.
    public var ttl: TimeInterval?
    /// Keep the store under this many bytes; `nil` means no limit.
    public var maxSize: Int64?
    /// Keep at least this many bytes free on the store's volume; `nil` means no limit.
    public var minFree: Int64?

    public init(ttl: TimeInterval?, maxSize: Int64?, minFree: Int64? = nil) {
        self.ttl = ttl
        self.maxSize = maxSize
        self.minFree = minFree
    }

    /// Whether there is anything to enforce.
    public var isActive: Bool { ttl != nil || maxSize != nil || minFree != nil }

    /// The objects to remove, least recently used first.
    /// - Parameter freeBytes: the volume's free bytes now, when known (for `minFree`).
    public func select(from objects: [StoredObject], now: TimeInterval, freeBytes: Int64? = nil) -> [StoredObject] {
        var total = objects.reduce(Int64(0)) { $0 + $1.size }
        let target = maxSize.map { $0 / 10 * 9 }
        // Bytes to free for minFree, with 10% of it to spare so that one blob does not start another pass.
        var shortOfFree: Int64 = 0
        if let minFree, let freeBytes, freeBytes < minFree { shortOfFree = minFree - freeBytes + minFree / 10 }
        var evicting = false
        var selected: [StoredObject] = []
        for object in objects.sorted(by: { $0.lastUse < $1.lastUse }) {
            let expired = ttl.map { now - object.lastUse > $0 } ?? false
            if let maxSize, total > maxSize { evicting = true }
            let overTarget = evicting && (target.map { total > $0 } ?? false)
            guard expired || overTarget || shortOfFree > 0 else { continue }
            selected.append(object)
            total -= object.size
            shortOfFree -= object.size
        }
        return selected
    }
}
