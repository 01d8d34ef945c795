import Crypto
import FileIO
import Logging
import Synchronization

/// Admits clients that present a user and password from an htpasswd file, the way the `registry`
/// image does, but fast for returning clients and resistant to guessing.
///
/// - bcrypt and SHA-crypt hashes are verified with libcrypt on a dedicated thread pool, at most
///   ``HtpasswdSettings/maxConcurrentHashes`` at once; further attempts wait their turn.
/// - A verified credential is remembered for ``HtpasswdSettings/cacheTTL``, keyed by SHA-256 of
///   the `Authorization` header behind a secret prefix made at start; a returning client costs
///   one decode, one hash and one lock. The cache is forgotten on reload.
/// - Failures are counted per user from one address, per user and per address (in distinct users);
///   past ``HtpasswdSettings/failureLimit`` or ``HtpasswdSettings/sprayLimit`` in
///   ``HtpasswdSettings/failureWindow`` the answer is ``AuthenticationDecision/rateLimited(retryAfter:)``
///   without checking the password. One user's failures never refuse another user, and a client
///   that signed in from its address recently is refused only for its own failures there.
///   An unknown user takes as long as a wrong password.
/// - Passwords, hashes and the `Authorization` header never reach the logger.
///
/// ```swift
/// let auth = try await HtpasswdAuthenticator(path: "/etc/wharf/htpasswd", realm: "Wharf", logger: logger)
/// let group = ServiceGroup(services: [app, auth.watcher], logger: logger)   // reloads on change
/// let decision = await auth.authenticate(authorization: request.headers[.authorization], clientAddress: ip)
/// ```
public final class HtpasswdAuthenticator: Sendable {
    /// The htpasswd file.
    public let path: String
    /// The realm named in ``challenge``.
    public let realm: String
    /// The tunables this authenticator was made with.
    public let settings: HtpasswdSettings

    let state: Mutex<AuthenticatorState>
    let hashing: HashingPool
    let logger: Logger
    /// Made at start and never stored: the cache's keys are worthless to anyone who reads memory dumps later.
    let keyer = CredentialKeyer()
    /// The limiter's and the caches' time; tests move it by hand.
    let now: @Sendable () -> ContinuousClock.Instant

    /// Loads `path` at once, so that start-up fails on a missing or refused file.
    ///
    /// - Parameters:
    ///   - path: the htpasswd file; see ``HtpasswdFile`` for what it may hold.
    ///   - realm: the realm clients are told in ``challenge``.
    ///   - settings: cache, concurrency, limiter and polling tunables.
    ///   - logger: where reloads, failed attempts and rate limiting are logged (never secrets).
    /// - Throws: ``HtpasswdError`` naming the file, line and user.
    public convenience init(
        path: String,
        realm: String,
        settings: HtpasswdSettings = .init(),
        logger: Logger
    ) async throws(HtpasswdError) {
        try await self.init(path: path, realm: realm, settings: settings, logger: logger, now: { ContinuousClock.now })
    }

    init(
        path: String,
        realm: String,
        settings: HtpasswdSettings,
        logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant
    ) async throws(HtpasswdError) {
        let fingerprint = await FileFingerprint.of(path)
        let file = try await HtpasswdFile.load(path: path)
        self.path = path
        self.realm = realm
        self.settings = settings
        self.logger = logger
        self.now = now
        state = Mutex(AuthenticatorState(file: file, attemptedFingerprint: fingerprint, settings: settings))
        hashing = HashingPool(threads: settings.maxConcurrentHashes)
        logger.info("loaded \(file.users.count) htpasswd users", metadata: ["file": "\(path)"])
    }

    /// The `WWW-Authenticate` value for a 401: `Basic realm="<realm>"`, quoted per RFC 9110.
    public var challenge: String {
        var quoted = ""
        for scalar in realm.unicodeScalars where scalar.value >= 0x20 && scalar.value != 0x7F {
            if scalar == "\"" || scalar == "\\" { quoted += "\\" }
            quoted.unicodeScalars.append(scalar)
        }
        return "Basic realm=\"\(quoted)\""
    }

    /// The users currently admitted, in file order.
    public var users: [String] {
        state.withLock { $0.file.users }
    }

    /// A ``HtpasswdWatcher`` that reloads this authenticator when the file changes; add it to the ServiceGroup.
    public var watcher: HtpasswdWatcher {
        HtpasswdWatcher(authenticator: self)
    }

    /// Reads the file again. On success the users are replaced and every cached credential is
    /// forgotten; on failure the previous users stay and the reason (file, line, user) is logged.
    ///
    /// - Returns: whether the file was loaded.
    @discardableResult
    public func reload() async -> Bool {
        let fingerprint = await FileFingerprint.of(path)
        do {
            let file = try await HtpasswdFile.load(path: path)
            state.withLock { state in
                state.replaceFile(with: file)
                state.attemptedFingerprint = fingerprint
            }
            logger.info("reloaded \(file.users.count) htpasswd users", metadata: ["file": "\(path)"])
            return true
        } catch {
            let kept = state.withLock { state in
                state.attemptedFingerprint = fingerprint
                return state.file.users.count
            }
            var metadata: Logger.Metadata = ["file": "\(path)", "reason": "\(error.kind)"]
            if let line = error.line { metadata["line"] = "\(line)" }
            logger.error("kept the previous \(kept) htpasswd users: \(error)", metadata: metadata)
            return false
        }
    }

    /// The fingerprint of the file as it was last read, for the watcher.
    var attemptedFingerprint: FileFingerprint? {
        state.withLock { $0.attemptedFingerprint }
    }
}
