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
    /// Verifications running now, with the requests waiting for the same credentials.
    var flights: [CredentialKey: [CheckedContinuation<FlightOutcome, Never>]] = [:]

    /// What an unknown user is checked against when the file has no users: bcrypt of the default cost.
    /// Only the time it takes matters, so a fixed salt is fine.
    static let fallbackSetting = "$2y$12$Wharf.dummy.salt.for.u"

    /// What an unknown user is checked against: a real user's hash of the most common cost,
    /// so that an unknown user costs the same time as a wrong password.
    var dummySetting: String {
        file.representativeHash ?? Self.fallbackSetting
    }
}
