import ACME
import Logging

/// The start-up check of `http.tls.letsencrypt.profile` against the profiles the CA lists, so
/// a misspelt profile stops start-up instead of failing every order later.
enum ACMEProfileCheck {
    /// What start-up does about a configured profile.
    enum Verdict: Equatable {
        /// The CA offers it: orders ask for it.
        case accepted
        /// The CA lists no profiles: orders go without one (the message says so).
        case ignored(String)
        /// The CA lists profiles but not this one.
        case rejected(ConfigurationError)
    }

    static let key = "http.tls.letsencrypt.profile"

    /// The verdict for `profile` given what the CA at `directoryURL` supports.
    static func judge(profile: String, support: ACMEDirectory.ProfileSupport, directoryURL: String) -> Verdict {
        switch support {
        case .offered:
            return .accepted
        case .noProfiles:
            return .ignored("\(key): the CA at \(directoryURL) lists no certificate profiles; \(String(reflecting: profile)) is ignored and orders go without a profile")
        case .notOffered(let offered):
            return .rejected(ConfigurationError(
                source: "configuration", key: key,
                "\(String(reflecting: profile)) is not a profile the CA at \(directoryURL) offers; it offers \(offered.joined(separator: ", "))"
            ))
        }
    }

    /// Fetches the directory (for at most `limit`) and applies ``judge(profile:support:directoryURL:)``;
    /// a CA that cannot be reached now only gets a warning, as start-up never waits on the CA
    /// (each order checks the profile again).
    static func verify(profile: String, client: ACMEClient, limit: Duration = .seconds(10), logger: Logger) async throws(ConfigurationError) {
        let directory: ACMEDirectory
        do {
            directory = try await withThrowingTaskGroup(of: ACMEDirectory.self) { group in
                group.addTask { try await client.directory() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw NoAnswer(limit: limit)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch {
            logger.warning("cannot check the certificate profile against the CA now; each order checks it", metadata: ["profile": "\(profile)", "error": "\(error)"])
            return
        }
        switch judge(profile: profile, support: directory.support(forProfile: profile), directoryURL: client.directoryURL) {
        case .accepted:
            logger.info("ordering certificates with a profile", metadata: ["profile": "\(profile)", "description": "\(directory.profiles[profile] ?? "")"])
        case .ignored(let message):
            logger.warning("\(message)")
        case .rejected(let error):
            throw error
        }
    }

    private struct NoAnswer: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "the directory did not answer within \(limit)" }
    }
}
