import Foundation

extension CertificateStateBucket {
    /// Stores `challenge` under `acme/challenges/<name>.json`.
    public func savePendingChallenge(_ challenge: PendingChallenge) async throws {
        try Self.validate(name: challenge.name)
        let key = Self.challengeKey(challenge.name)
        try await write(try Self.encode(challenge, path: url(key)), to: key)
    }

    /// The challenge stored under `name`, or nil when there is none, it is unreadable or it expired.
    public func loadPendingChallenge(name: String, now: Date) async throws -> PendingChallenge? {
        try Self.validate(name: name)
        guard let bytes = try await read(Self.challengeKey(name)) else { return nil }
        return PendingChallenge.decodeUnexpired(bytes, now: now)
    }

    /// Removes the challenge stored under `name` if it is still the one for `token`.
    public func removePendingChallenge(name: String, token: String) async throws {
        guard let stored = try await loadPendingChallenge(name: name, now: .distantPast), stored.token == token else { return }
        try await remove(Self.challengeKey(name))
    }
}
