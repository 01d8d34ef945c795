/// What the limiter keeps per key: failures that leave a sliding window, and attempts in progress.
protocol SlidingRecord: Sendable {
    var isIdle: Bool { get }
    mutating func expire(horizon: ContinuousClock.Instant)
    /// Whether an attempt is pending or a failure is newer than `horizon`.
    func isLive(horizon: ContinuousClock.Instant) -> Bool
}

/// The failures of one (address, user) pair or of one user in a sliding window, plus the
/// attempts still being verified.
struct FailureWindow: SlidingRecord {
    /// The most recent failures, oldest first; at most the limit are kept, as older ones cannot matter.
    private(set) var failures: [ContinuousClock.Instant] = []
    var pending = 0

    var isIdle: Bool { failures.isEmpty && pending == 0 }

    mutating func expire(horizon: ContinuousClock.Instant) {
        failures.removeFirst(failures.firstIndex { $0 > horizon } ?? failures.count)
    }

    /// The seconds until fewer than `limit` failures are in the window, or nil when that is already so.
    func wait(limit: Int, window: Duration, now: ContinuousClock.Instant) -> Int? {
        guard failures.count >= limit else { return nil }
        return wholeSeconds(now.duration(to: failures[failures.count - limit] + window))
    }

    /// Whether failures and pending attempts together already fill `limit`.
    func isFull(limit: Int) -> Bool {
        failures.count + pending >= limit
    }

    /// Adds a failure; returns whether it brought the window to `limit`.
    mutating func record(_ now: ContinuousClock.Instant, limit: Int) -> Bool {
        failures.append(now)
        if failures.count > limit { failures.removeFirst(failures.count - limit) }
        return failures.count == limit
    }

    func isLive(horizon: ContinuousClock.Instant) -> Bool {
        pending > 0 || failures.last.map { $0 > horizon } == true
    }
}

/// The users one address failed for in a sliding window (each with its latest failure), plus
/// the users being verified from it: how wide a password spray from that address has gone.
///
/// `nil` stands for unusable headers, which count as one more user.
struct UserSpread: SlidingRecord {
    /// At most the limit are kept: the users with the most recent failures.
    private(set) var latest: [String?: ContinuousClock.Instant] = [:]
    private(set) var pending: [String?: Int] = [:]

    var isIdle: Bool { latest.isEmpty && pending.isEmpty }

    mutating func expire(horizon: ContinuousClock.Instant) {
        guard latest.values.contains(where: { $0 <= horizon }) else { return }
        latest = latest.filter { $0.value > horizon }
    }

    /// The seconds until fewer than `limit` users have failures in the window, or nil when that is already so.
    func wait(limit: Int, window: Duration, now: ContinuousClock.Instant) -> Int? {
        guard latest.count >= limit, let oldest = latest.values.min() else { return nil }
        return wholeSeconds(now.duration(to: oldest + window))
    }

    /// Whether an attempt for `user` would make more than `limit` users failed or being verified.
    func isFull(adding user: String?, limit: Int) -> Bool {
        guard latest[user] == nil, pending[user] == nil else { return false }
        return latest.count + pending.keys.count(where: { latest[$0] == nil }) >= limit
    }

    mutating func reserve(_ user: String?) {
        pending[user, default: 0] += 1
    }

    mutating func release(_ user: String?) {
        guard let count = pending[user] else { return }
        pending[user] = count > 1 ? count - 1 : nil
    }

    /// Adds a failure for `user`; returns whether it brought the spread to `limit` users.
    mutating func record(_ user: String?, at now: ContinuousClock.Instant, limit: Int) -> Bool {
        let isNew = latest.updateValue(now, forKey: user) == nil
        if latest.count > limit, let oldest = latest.min(by: { $0.value < $1.value }) {
            latest[oldest.key] = nil
        }
        return isNew && latest.count == limit
    }

    func isLive(horizon: ContinuousClock.Instant) -> Bool {
        !pending.isEmpty || latest.values.contains { $0 > horizon }
    }
}

/// `duration` rounded up to whole seconds, at least 1.
func wholeSeconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
}
