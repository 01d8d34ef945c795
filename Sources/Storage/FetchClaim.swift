/// Whether this instance may fetch a blob from upstream, for stores shared by several instances.
public enum FetchClaim: Sendable {
    /// Fetch it; renew the lease while the download runs (`nil`: the store needs none).
    case granted(FetchLease?)
    /// Another instance is fetching it: wait for it to appear in the store, or stream it from
    /// that instance while it downloads, at `peerURL` (its origin, when it wrote one).
    case heldElsewhere(holder: String, peerURL: String? = nil)
}

/// A claim on one blob's upstream fetch for the whole fleet, held while the download runs.
public struct FetchLease: Sendable {
    /// How often ``renew()`` must be called to keep the lease.
    public let renewalInterval: Duration
    private let renewing: @Sendable () async throws -> Void
    private let releasing: @Sendable () async -> Void

    public init(renewalInterval: Duration, renew: @escaping @Sendable () async throws -> Void, release: @escaping @Sendable () async -> Void) {
        self.renewalInterval = renewalInterval
        self.renewing = renew
        self.releasing = release
    }

    /// Pushes the lease's expiry out.
    public func renew() async throws { try await renewing() }

    /// Gives the lease up (the download ended, stored or not).
    public func release() async { await releasing() }
}
