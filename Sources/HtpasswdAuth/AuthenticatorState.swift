import FileIO

/// Everything an ``HtpasswdAuthenticator`` changes, kept behind one lock.
struct AuthenticatorState: Sendable {
    /// What a request waiting for another's identical verification is told.
    enum FlightOutcome: Sendable {
        /// The verification ended with this answer.
        case verified(Bool)
        /// It was cancelled, or the file changed meanwhile: look again.
        case retry
    }

    var file: HtpasswdFile
    /// Bumped on every successful reload, so that a verification against the old users is not cached.
    var generation: UInt64 = 0
    /// The file as it was just before it was last read (successfully or not).
    var attemptedFingerprint: FileFingerprint?
    var cache: CredentialCache
    var limiter: FailureLimiter
    /// The clients (address and user) that signed in recently, exempt from the limits that others' failures trip.
    var known: ExpiringTable<FailureLimiter.Client, Void>
    /// Verifications running now, with the requests waiting for the same credentials.
    var flights: [CredentialKey: [CheckedContinuation<FlightOutcome, Never>]] = [:]

    init(file: HtpasswdFile, attemptedFingerprint: FileFingerprint?, settings: HtpasswdSettings) {
        self.file = file
        self.attemptedFingerprint = attemptedFingerprint
        cache = CredentialCache(ttl: settings.cacheTTL)
        limiter = FailureLimiter(settings.limits)
        known = ExpiringTable(ttl: settings.knownClientTTL)
    }

    /// Takes the users of a reloaded file. Cached credentials are forgotten, and so is the
    /// exemption of users whose password changed or who are gone: it was earned against the old hash.
    mutating func replaceFile(with newFile: HtpasswdFile) {
        let old = file
        file = newFile
        generation &+= 1
        cache.removeAll()
        known.removeAll { client in client.user.map { old.hash(for: $0) != newFile.hash(for: $0) } ?? true }
    }

    /// What an unknown user is checked against when the file has no users: bcrypt of the default cost.
    /// Only the time it takes matters, so a fixed salt is fine.
    static let fallbackSetting = "$2y$12$Wharf.dummy.salt.for.u"

    /// What an unknown user is checked against: a real user's hash of the most common cost,
    /// so that an unknown user costs the same time as a wrong password.
    var dummySetting: String {
        file.representativeHash ?? Self.fallbackSetting
    }
}
