import Synchronization

/// The HTTP-01 challenge tokens being validated, served by the plain listener at
/// `/.well-known/acme-challenge/<token>` for exactly the life of each challenge.
public final class HTTP01TokenTable: Sendable {
    private let entries = Mutex<[String: String]>([:])

    /// An empty table.
    public init() {}

    /// Publishes `keyAuthorization` under `token` until ``remove(_:)``.
    public func add(token: String, keyAuthorization: String) {
        entries.withLock { $0[token] = keyAuthorization }
    }

    /// Stops serving `token`.
    public func remove(_ token: String) {
        entries.withLock { $0[token] = nil }
    }

    /// The key authorization for `token`, if it is being validated.
    public func keyAuthorization(for token: String) -> String? {
        entries.withLock { $0[token] }
    }

    /// The path prefix the validator asks under.
    public static let pathPrefix = "/.well-known/acme-challenge/"
}
