/// Counts failed sign-ins in a sliding window and says when the next attempt must wait.
///
/// Three limits, so that one client's mistakes stay its own while guessing stays bounded:
/// - per client, that is (address, user): failures for alice from X refuse only alice from X;
/// - per user across all addresses: bounds how fast one account can be guessed from many addresses;
/// - per address in distinct users: bounds password spraying. Counting users rather than failures
///   means one user's failures alone, capped by the per-client limit, never trip it.
///
/// An `exempt` client (one that signed in as that user from that address recently) meets only the
/// first limit: other clients' failures for its user or from its address do not refuse it.
///
/// Attempts being verified count too (as pending), so a client that sends many guesses at once
/// cannot queue more hashes than the limits allow before the first failure is even recorded.
struct FailureLimiter: Sendable {
    /// Zero disables a limit.
    struct Limits: Sendable, Equatable {
        var perClient: Int
        var perUser: Int
        var usersPerAddress: Int
        var window: Duration
    }

    /// Who tries from where; `user` is nil for a header that could not be decoded.
    struct Client: Hashable, Sendable {
        let address: String
        let user: String?
    }

    /// A limit that a failure just reached, for the log.
    enum Reached: Equatable, Sendable {
        case client(Client)
        case user(String)
        case address(String)
    }

    /// An attempt admitted by ``reserve(_:exempt:now:)``; the limits it was counted against are fixed then.
    struct Reservation: Sendable {
        let client: Client
        let exempt: Bool
    }

    enum Admission: Sendable {
        case admitted(Reservation)
        case wait(seconds: Int)
    }

    let limits: Limits
    private var clients: [Client: FailureWindow] = [:]
    private var users: [String: FailureWindow] = [:]
    private var addresses: [String: UserSpread] = [:]
    private var sweepAbove = 1024

    init(_ limits: Limits) {
        self.limits = limits
    }

    /// The seconds to wait when a limit that applies to `client` is reached, else nil.
    mutating func retryAfter(for client: Client, exempt: Bool, now: ContinuousClock.Instant) -> Int? {
        let horizon = now - limits.window
        var wait: Int?
        func consider(_ seconds: Int?) {
            if let seconds { wait = max(wait ?? 0, seconds) }
        }
        if limits.perClient > 0 {
            consider(Self.current(&clients, client, horizon: horizon)?.wait(limit: limits.perClient, window: limits.window, now: now))
        }
        guard !exempt else { return wait }
        if limits.perUser > 0, let user = client.user {
            consider(Self.current(&users, user, horizon: horizon)?.wait(limit: limits.perUser, window: limits.window, now: now))
        }
        if limits.usersPerAddress > 0 {
            let spread = Self.current(&addresses, client.address, horizon: horizon)
            consider(spread?.wait(limit: limits.usersPerAddress, window: limits.window, now: now))
        }
        return wait
    }

    /// Admits one attempt (marking it pending) or says how long to wait.
    ///
    /// Failures and pending attempts together may not exceed a limit; when only pending ones
    /// are in the way the wait is one second.
    mutating func reserve(_ client: Client, exempt: Bool, now: ContinuousClock.Instant) -> Admission {
        if let wait = retryAfter(for: client, exempt: exempt, now: now) { return .wait(seconds: wait) }
        let counted = Reservation(client: client, exempt: exempt)
        if countsPerClient, clients[client]?.isFull(limit: limits.perClient) == true { return .wait(seconds: 1) }
        if let user = userCounted(counted), users[user]?.isFull(limit: limits.perUser) == true { return .wait(seconds: 1) }
        if countsAddress(counted), addresses[client.address]?.isFull(adding: client.user, limit: limits.usersPerAddress) == true {
            return .wait(seconds: 1)
        }
        if countsPerClient { clients[client, default: FailureWindow()].pending += 1 }
        if let user = userCounted(counted) { users[user, default: FailureWindow()].pending += 1 }
        if countsAddress(counted) { addresses[client.address, default: UserSpread()].reserve(client.user) }
        return .admitted(counted)
    }

    /// Ends an attempt admitted by ``reserve(_:exempt:now:)``; returns the limits that a failure just reached.
    mutating func release(_ reservation: Reservation, failed: Bool, now: ContinuousClock.Instant) -> [Reached] {
        let client = reservation.client
        if countsPerClient { clients[client]?.pending -= 1 }
        if let user = userCounted(reservation) { users[user]?.pending -= 1 }
        if countsAddress(reservation) { addresses[client.address]?.release(client.user) }
        let reached = failed ? recordFailure(client, now: now) : []
        Self.dropIfIdle(&clients, client)
        if let user = client.user { Self.dropIfIdle(&users, user) }
        Self.dropIfIdle(&addresses, client.address)
        return reached
    }

    /// Counts a failure against every limit, exempt or not: the exemption decides who is refused,
    /// not what is counted. Returns the limits that it just reached.
    @discardableResult
    mutating func recordFailure(_ client: Client, now: ContinuousClock.Instant) -> [Reached] {
        let horizon = now - limits.window
        var reached: [Reached] = []
        if countsPerClient, Self.record(&clients, client, now: now, horizon: horizon, limit: limits.perClient) {
            reached.append(.client(client))
        }
        if limits.perUser > 0, let user = client.user, Self.record(&users, user, now: now, horizon: horizon, limit: limits.perUser) {
            reached.append(.user(user))
        }
        if limits.usersPerAddress > 0 {
            addresses[client.address, default: UserSpread()].expire(horizon: horizon)
            if addresses[client.address, default: UserSpread()].record(client.user, at: now, limit: limits.usersPerAddress) {
                reached.append(.address(client.address))
            }
        }
        sweepIfLarge(now: now)
        return reached
    }

    var trackedKeys: Int { clients.count + users.count + addresses.count }

    private var countsPerClient: Bool { limits.perClient > 0 }

    /// The user whose limit a reservation is pending against, if any.
    private func userCounted(_ reservation: Reservation) -> String? {
        limits.perUser > 0 && !reservation.exempt ? reservation.client.user : nil
    }

    private func countsAddress(_ reservation: Reservation) -> Bool {
        limits.usersPerAddress > 0 && !reservation.exempt
    }

    /// The record of `key` without what left the window; an idle record is dropped.
    private static func current<Key: Hashable, Record: SlidingRecord>(
        _ records: inout [Key: Record],
        _ key: Key,
        horizon: ContinuousClock.Instant
    ) -> Record? {
        guard records[key] != nil else { return nil }
        records[key]?.expire(horizon: horizon)
        dropIfIdle(&records, key)
        return records[key]
    }

    private static func dropIfIdle<Key: Hashable, Record: SlidingRecord>(_ records: inout [Key: Record], _ key: Key) {
        if records[key]?.isIdle == true { records[key] = nil }
    }

    private static func record<Key: Hashable>(
        _ records: inout [Key: FailureWindow],
        _ key: Key,
        now: ContinuousClock.Instant,
        horizon: ContinuousClock.Instant,
        limit: Int
    ) -> Bool {
        records[key, default: FailureWindow()].expire(horizon: horizon)
        return records[key, default: FailureWindow()].record(now, limit: limit)
    }

    private mutating func sweepIfLarge(now: ContinuousClock.Instant) {
        guard trackedKeys > sweepAbove else { return }
        let horizon = now - limits.window
        clients = clients.filter { $0.value.isLive(horizon: horizon) }
        users = users.filter { $0.value.isLive(horizon: horizon) }
        addresses = addresses.filter { $0.value.isLive(horizon: horizon) }
        sweepAbove = max(1024, trackedKeys * 2)
    }
}
