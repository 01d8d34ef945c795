/// Verified credentials, remembered for a while so that a client's every request does not cost a bcrypt.
///
/// Only credentials that verified are stored, so its size is bounded by the real users' passwords.
struct CredentialCache: Sendable {
    private struct Entry: Sendable {
        let user: String
        let expires: ContinuousClock.Instant
    }

    let ttl: Duration
    private var entries: [CredentialKey: Entry] = [:]
    private var sweepAbove = 1024

    init(ttl: Duration) {
        self.ttl = ttl
    }

    /// The user `key` verified as, when that happened less than ``ttl`` ago.
    mutating func user(for key: CredentialKey, now: ContinuousClock.Instant) -> String? {
        guard let entry = entries[key] else { return nil }
        guard entry.expires > now else {
            entries[key] = nil
            return nil
        }
        return entry.user
    }

    /// Remembers that `key` verified as `user`.
    mutating func insert(_ key: CredentialKey, user: String, now: ContinuousClock.Instant) {
        guard ttl > .zero else { return }
        entries[key] = Entry(user: user, expires: now + ttl)
        if entries.count > sweepAbove {
            entries = entries.filter { $0.value.expires > now }
            sweepAbove = max(1024, entries.count * 2)
        }
    }

    /// Forgets everything (the file changed).
    mutating func removeAll() {
        entries.removeAll()
    }

    var count: Int { entries.count }
}
