/// The tunables of an ``HtpasswdAuthenticator``; every one has a default.
///
/// ```swift
/// let settings = HtpasswdSettings(cacheTTL: .seconds(60), failureLimit: 20)
/// ```
public struct HtpasswdSettings: Sendable, Equatable {
    /// How long a verified user and password are accepted without running the hash again; zero disables the cache.
    public var cacheTTL: Duration
    /// How many hashes may be computed at once (each on its own thread); further requests wait.
    public var maxConcurrentHashes: Int
    /// How many failed attempts ``failureWindow`` allows for one user from one address, and for one
    /// user from all addresses together; the next attempt is answered
    /// ``AuthenticationDecision/rateLimited(retryAfter:)``. Zero disables both limits.
    ///
    /// The first refuses only that user at that address. The second refuses that user everywhere
    /// except at addresses it signed in from within ``knownClientTTL``.
    public var failureLimit: Int
    /// How many different users one address may fail for within ``failureWindow`` (password
    /// spraying) before it is refused for every user it has not signed in as within ``knownClientTTL``.
    /// Zero disables the limit.
    public var sprayLimit: Int
    /// The sliding window over which failures are counted.
    public var failureWindow: Duration
    /// How long a successful sign-in exempts that user at that address from the limits that other
    /// clients' failures trip (per user, per address); zero exempts no one.
    public var knownClientTTL: Duration
    /// How often ``HtpasswdWatcher`` looks at the file.
    public var pollInterval: Duration

    /// Creates settings; the defaults suit a registry with a handful of users.
    ///
    /// - Parameters:
    ///   - cacheTTL: 5 minutes.
    ///   - maxConcurrentHashes: 2.
    ///   - failureLimit: 10 failures ...
    ///   - failureWindow: ... per 60 seconds.
    ///   - sprayLimit: 5 × `failureLimit` users when nil.
    ///   - knownClientTTL: 1 day.
    ///   - pollInterval: 1 second.
    public init(
        cacheTTL: Duration = .seconds(300),
        maxConcurrentHashes: Int = 2,
        failureLimit: Int = 10,
        failureWindow: Duration = .seconds(60),
        sprayLimit: Int? = nil,
        knownClientTTL: Duration = .seconds(86_400),
        pollInterval: Duration = .seconds(1)
    ) {
        self.cacheTTL = cacheTTL
        self.maxConcurrentHashes = max(1, maxConcurrentHashes)
        self.failureLimit = max(0, failureLimit)
        self.failureWindow = failureWindow
        self.sprayLimit = max(0, sprayLimit ?? 5 * self.failureLimit)
        self.knownClientTTL = knownClientTTL
        self.pollInterval = pollInterval
    }

    var limits: FailureLimiter.Limits {
        FailureLimiter.Limits(perClient: failureLimit, perUser: failureLimit, usersPerAddress: sprayLimit, window: failureWindow)
    }
}
