import Foundation

/// Which objects one eviction pass removes: those unused for longer than `ttl`, then, when
/// the store is larger than `maxSize`, the least recently used until it is under 90% of it.
///
/// A pure value, so the policy is tested without a store.
public struct EvictionPlan: Sendable, Equatable {
    /// Remove objects not used for this long; `nil` keeps them.
    public var ttl: TimeInterval?
    /// Keep the store under this many bytes; `nil` means no limit.
    public var maxSize: Int64?

    public init(ttl: TimeInterval?, maxSize: Int64?) {
        self.ttl = ttl
        self.maxSize = maxSize
    }

    /// Whether there is anything to enforce.
    public var isActive: Bool { ttl != nil || maxSize != nil }

    /// The objects to remove, least recently used first.
    public func select(from objects: [StoredObject], now: TimeInterval) -> [StoredObject] {
        var total = objects.reduce(Int64(0)) { $0 + $1.size }
        let target = maxSize.map { $0 / 10 * 9 }
        var evicting = false
        var selected: [StoredObject] = []
        for object in objects.sorted(by: { $0.lastUse < $1.lastUse }) {
            let expired = ttl.map { now - object.lastUse > $0 } ?? false
            if let maxSize, total > maxSize { evicting = true }
            let overTarget = evicting && (target.map { total > $0 } ?? false)
            guard expired || overTarget else { continue }
            selected.append(object)
            total -= object.size
        }
        return selected
    }
}
