/// Counts failed attempts per client address and per user in a sliding window, and says when the
/// next attempt must wait.
///
/// Attempts being verified count too (as pending), so a client that sends many guesses at once
/// cannot queue more hashes than the limit allows before the first failure is even recorded.
struct FailureLimiter: Sendable {
    /// What failures are counted against.
    enum Key: Hashable, Sendable {
        case address(String)
        case user(String)
    }

    private struct Record: Sendable {
        /// The most recent failures, oldest first; at most `limit` are kept, as older ones cannot matter.
        var failures: [ContinuousClock.Instant] = []
        var pending = 0
    }

    /// Failures allowed within ``window``; zero means no limit.
    let limit: Int
    let window: Duration
    private var records: [Key: Record] = [:]
    private var sweepAbove = 1024

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// The seconds to wait when any of `keys` has `limit` failures in the window, else nil.
    mutating func retryAfter(for keys: [Key], now: ContinuousClock.Instant) -> Int? {
        var wait: Int?
        for key in keys {
            if let seconds = retryAfter(for: key, now: now) { wait = max(wait ?? 0, seconds) }
        }
        return wait
    }

    /// The seconds to wait when `key` has `limit` failures in the window, else nil.
    mutating func retryAfter(for key: Key, now: ContinuousClock.Instant) -> Int? {
        guard limit > 0, !records.isEmpty, let failures = expire(key, now: now)?.failures, failures.count >= limit else { return nil }
        return Self.wholeSeconds(now.duration(to: failures[failures.count - limit] + window))
    }

    /// Admits one attempt for `keys` (marking it pending) or says how long to wait.
    ///
    /// Failures and pending attempts together may not exceed the limit; when only pending ones
    /// are in the way the wait is one second.
    mutating func reserve(_ keys: [Key], now: ContinuousClock.Instant) -> Int? {
        guard limit > 0 else { return nil }
        if let wait = retryAfter(for: keys, now: now) { return wait }
        for key in keys {
            if let record = records[key], record.failures.count + record.pending >= limit { return 1 }
        }
        for key in keys { records[key, default: Record()].pending += 1 }
        return nil
    }

    /// Ends an attempt admitted by ``reserve(_:now:)``; returns the keys that a failure just brought to the limit.
    mutating func release(_ keys: [Key], failed: Bool, now: ContinuousClock.Instant) -> [Key] {
        guard limit > 0 else { return [] }
        for key in keys { records[key]?.pending -= 1 }
        let reached = failed ? recordFailure(keys, now: now) : []
        for key in keys where records[key].map({ $0.pending == 0 && $0.failures.isEmpty }) == true {
            records[key] = nil
        }
        return reached
    }

    /// Counts a failure that needed no hashing (an unusable header); returns the keys that it brought to the limit.
    @discardableResult
    mutating func recordFailure(_ keys: [Key], now: ContinuousClock.Instant) -> [Key] {
        guard limit > 0 else { return [] }
        var reached: [Key] = []
        for key in keys {
            var record = expire(key, now: now) ?? Record()
            record.failures.append(now)
            if record.failures.count > limit { record.failures.removeFirst(record.failures.count - limit) }
            if record.failures.count == limit { reached.append(key) }
            records[key] = record
        }
        sweepIfLarge(now: now)
        return reached
    }

    /// Drops the failures of `key` that left the window; returns what is left.
    private mutating func expire(_ key: Key, now: ContinuousClock.Instant) -> Record? {
        guard var record = records[key] else { return nil }
        let horizon = now - window
        if let firstKept = record.failures.firstIndex(where: { $0 > horizon }) {
            record.failures.removeFirst(firstKept)
        } else {
            record.failures.removeAll()
        }
        if record.failures.isEmpty && record.pending == 0 {
            records[key] = nil
            return nil
        }
        records[key] = record
        return record
    }

    private mutating func sweepIfLarge(now: ContinuousClock.Instant) {
        guard records.count > sweepAbove else { return }
        let horizon = now - window
        records = records.filter { $0.value.pending > 0 || ($0.value.failures.last.map { $0 > horizon } ?? false) }
        sweepAbove = max(1024, records.count * 2)
    }

    /// `duration` rounded up to whole seconds, at least 1.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    var trackedKeys: Int { records.count }
}
