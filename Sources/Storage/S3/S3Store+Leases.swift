import Foundation
import Registry
import S3

extension S3Store {
    /// One upstream fetch per blob for the fleet: a lease object `leases/<algorithm>/<hex>`
    /// (``S3Lease``: created with `If-None-Match: *`, exactly one instance wins), renewed while
    /// the download runs, deleted at its end. A lease whose holder died expires; the first
    /// instance to overwrite it with `If-Match` on the expired version takes it over.
    public func claimFetch(of digest: Digest) async throws -> FetchClaim {
        try await claimLease("leases/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    /// One eviction pass at a time for the fleet, by the same kind of lease (`leases/sweep`).
    public func claimSweep() async throws -> FetchClaim {
        try await claimLease("leases/sweep")
    }

    private func claimLease(_ key: String) async throws -> FetchClaim {
        let lease = S3Lease(client: client, key: key, holder: instanceName, duration: leaseDuration, peerURL: peerURL)
        switch try await lease.acquire() {
        case .held(let holder, let peerURL):
            return .heldElsewhere(holder: holder, peerURL: peerURL)
        case .acquired:
            return .granted(
                FetchLease(
                    renewalInterval: .seconds(leaseDuration / 3),
                    renew: { try await lease.renew() },
                    release: { try? await lease.release() }
                )
            )
        }
    }
}
