import ACME
import Foundation
import Logging
import NIOSSL
import Synchronization

/// The challenges other instances published in the shared ``CertificateStateStore``, for the
/// listeners to answer a validator whose request names nothing in this instance's own tables.
///
/// Answers are kept briefly in a bounded cache, so that a validator's retries and a stream of
/// probes for unknown names read the state once per name and interval; the reads themselves go
/// through the store (FileIO's thread pool), never on an event loop.
public final class SharedChallenges: Sendable {
    private struct Entry {
        let until: ContinuousClock.Instant
        let challenge: PendingChallenge?
        var context: NIOSSLContext?
    }

    private let store: any CertificateStateStore
    private let logger: Logger
    private let cache = Mutex<[String: Entry]>([:])
    /// Names remembered at most; past it the cache starts over.
    static let capacity = 256
    /// How long a found challenge is remembered.
    static let foundLifetime: Duration = .seconds(5)
    /// How long a name with no challenge is remembered (short: a challenge may be published next).
    static let missingLifetime: Duration = .seconds(1)

    /// Challenges from `store`.
    public init(store: any CertificateStateStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The key authorization another instance published for HTTP-01 `token`.
    public func keyAuthorization(forToken token: String) async -> String? {
        await challenge(named: PendingChallenge.name(http01Token: token))?.challenge?.keyAuthorization
    }

    /// A context presenting the validation certificate for the TLS-ALPN-01 challenge another
    /// instance published for `serverName`, made with a key of this instance's own.
    public func validationContext(forServerName serverName: String) async -> NIOSSLContext? {
        let name = PendingChallenge.name(tlsALPN01ServerName: serverName)
        guard let entry = await challenge(named: name), let challenge = entry.challenge else { return nil }
        if let context = entry.context { return context }
        do {
            let context = try TLSALPN01ChallengeTable.validationContext(identifier: challenge.identifier, keyAuthorization: challenge.keyAuthorization)
            cache.withLock { $0[name]?.context = context }
            return context
        } catch {
            logger.error("cannot make the TLS-ALPN-01 validation certificate for a shared challenge", metadata: ["identifier": "\(challenge.identifier)", "error": "\(error)"])
            return nil
        }
    }

    private func challenge(named name: String) async -> Entry? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[name] }), cached.until > now { return cached }
        let found: PendingChallenge?
        do {
            found = try await store.loadPendingChallenge(name: name, now: Date())
        } catch {
            // A name that cannot be a record name (odd characters in a probe) or an unreadable record.
            logger.debug("no shared challenge", metadata: ["name": "\(name.prefix(80))", "reason": "\(error)"])
            found = nil
        }
        if let found {
            logger.info("answering a challenge another instance published", metadata: ["challenge": "\(found.type)", "identifier": "\(found.identifier)"])
        }
        let entry = Entry(until: now + (found == nil ? Self.missingLifetime : Self.foundLifetime), challenge: found)
        return cache.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            var stored = entry
            // The same challenge as before keeps the validation context already made for it.
            if let kept = cache[name], kept.challenge == found, kept.context != nil { stored.context = kept.context }
            cache[name] = stored
            return stored
        }
    }
}
