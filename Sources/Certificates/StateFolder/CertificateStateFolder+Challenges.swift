import Foundation

extension CertificateStateFolder {
    /// `<folder>/challenges/<name>.json`.
    public func challengePath(_ name: String) -> String { "\(folder)/challenges/\(name).json" }

    /// Stores `challenge` (0600, atomically) under ``PendingChallenge/name``.
    public func savePendingChallenge(_ challenge: PendingChallenge) async throws {
        let name = challenge.name
        try Self.validate(name: name)
        let bytes = try Self.encode(challenge, path: challengePath(name))
        for path in [folder, "\(folder)/challenges"] {
            try await CertificateFiles.makeFolder(path, mode: 0o700, narrowingExisting: true)
        }
        try await CertificateFiles.write(bytes, to: challengePath(name), mode: 0o600)
    }

    /// The challenge stored under `name`, or nil when there is none, it is unreadable or it expired.
    public func loadPendingChallenge(name: String, now: Date) async throws -> PendingChallenge? {
        try Self.validate(name: name)
        guard let bytes = try await CertificateFiles.readIfPresent(challengePath(name)) else { return nil }
        return PendingChallenge.decodeUnexpired(bytes, now: now)
    }

    /// Removes the challenge stored under `name` if it is still the one for `token` (a newer
    /// challenge for the same server name stays).
    public func removePendingChallenge(name: String, token: String) async throws {
        guard let stored = try await loadPendingChallenge(name: name, now: .distantPast), stored.token == token else { return }
        try await CertificateFiles.remove(challengePath(name))
    }
}
