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
    /// How many failed attempts from one address, or for one user, ``failureWindow`` allows;
    /// the next attempt is answered ``AuthenticationDecision/rateLimited(retryAfter:)``. Zero disables the limit.
    public var failureLimit: Int
    /// The sliding window over which failures are counted.
    public var failureWindow: Duration
    /// How often ``HtpasswdWatcher`` looks at the file.
    public var pollInterval: Duration

    /// Creates settings; the defaults suit a registry with a handful of users.
    ///
    /// - Parameters:
    ///   - cacheTTL: 5 minutes.
    ///   - maxConcurrentHashes: 2.
    ///   - failureLimit: 10 failures ...
    ///   - failureWindow: ... per 60 seconds.
    ///   - pollInterval: 1 second.
    public init(
        cacheTTL: Duration = .seconds(300),
        maxConcurrentHashes: Int = 2,
        failureLimit: Int = 10,
        failureWindow: Duration = .seconds(60),
        pollInterval: Duration = .seconds(1)
    ) {
        self.cacheTTL = cacheTTL
        self.maxConcurrentHashes = max(1, maxConcurrentHashes)
        self.failureLimit = max(0, failureLimit)
        self.failureWindow = failureWindow
        self.pollInterval = pollInterval
    }
}
