/// Entries that are forgotten a fixed time after they were last inserted.
///
/// Only what the authenticator has verified is inserted, so its size is bounded by real sign-ins;
/// expired entries are swept when it grows.
struct ExpiringTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    let ttl: Duration
    private var entries: [Key: Entry] = [:]
    private var sweepAbove = 1024

    init(ttl: Duration) {
        self.ttl = ttl
    }

    /// The value inserted for `key` less than ``ttl`` ago.
    mutating func value(for key: Key, now: ContinuousClock.Instant) -> Value? {
        guard let entry = entries[key] else { return nil }
        guard entry.expires > now else {
            entries[key] = nil
            return nil
        }
        return entry.value
    }

    /// Remembers `value` for `key` until ``ttl`` from `now`; does nothing when ``ttl`` is zero.
    mutating func insert(_ key: Key, _ value: Value, now: ContinuousClock.Instant) {
        guard ttl > .zero else { return }
        entries[key] = Entry(value: value, expires: now + ttl)
        if entries.count > sweepAbove {
            entries = entries.filter { $0.value.expires > now }
            sweepAbove = max(1024, entries.count * 2)
        }
    }

    mutating func removeAll(where shouldRemove: (Key) -> Bool) {
        entries = entries.filter { !shouldRemove($0.key) }
    }

    mutating func removeAll() {
        entries.removeAll()
    }

    var count: Int { entries.count }
}
