import Synchronization

/// A thread-safe least-recently-used cache bounded by a total cost (bytes, or 1 per entry).
///
/// Hot manifests and tag records are answered from here without touching the store; when
/// the bound is reached, the entries used longest ago make room.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var totalCost = 0
        var clock: UInt64 = 0
    }

    /// The largest total cost kept.
    public let capacity: Int
    private let cost: @Sendable (Value) -> Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: the bound on the summed cost of all entries.
    ///   - cost: what one value costs; 1 by default (the capacity is then an entry count).
    public init(capacity: Int, cost: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        self.capacity = capacity
        self.cost = cost
    }

    /// The value for `key`, marking it as just used.
    public func value(for key: Key) -> Value? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.value
        }
    }

    /// Stores `value`, evicting the least recently used entries if the bound is exceeded.
    /// A value costing more than the whole capacity is not kept.
    public func store(_ value: Value, for key: Key) {
        let cost = cost(value)
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.totalCost -= old.cost }
            guard cost <= capacity else { return }
            state.clock += 1
            state.entries[key] = Entry(value: value, cost: cost, lastUse: state.clock)
            state.totalCost += cost
            guard state.totalCost > capacity else { return }
            // Evict down to three quarters, so a full cache does not sort on every store.
            let target = capacity / 4 * 3
            for (oldKey, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.totalCost > target else { break }
                state.entries[oldKey] = nil
                state.totalCost -= entry.cost
            }
        }
    }

    /// Forgets `key`.
    public func remove(_ key: Key) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.totalCost -= old.cost }
        }
    }

    /// The number of entries and their summed cost.
    public var usage: (entries: Int, cost: Int) {
        state.withLock { ($0.entries.count, $0.totalCost) }
    }
}
