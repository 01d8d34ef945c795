import Foundation
import Registry
import S3

/// What a lease object holds.
struct S3LeaseRecord: Codable {
    /// Which instance holds it (host, process and a random id).
    var holder: String
    /// Seconds since 1970 after which another instance may take it over.
    var expires: Double
    /// The holder's origin as the fleet reaches it (`storage.s3.peerurl`), if it has one.
    var peerURL: String?
}

extension S3Store {
    /// One upstream fetch per blob for the fleet: a lease object `leases/<algorithm>/<hex>`
    /// created with `If-None-Match: *` (exactly one instance wins), renewed while the download
    /// runs, deleted at its end. A lease whose holder died expires; the first instance to
    /// overwrite it with `If-Match` on the expired version takes it over.
    public func claimFetch(of digest: Digest) async throws -> FetchClaim {
        try await claimLease("leases/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    /// One eviction pass at a time for the fleet, by the same kind of lease (`leases/sweep`).
    public func claimSweep() async throws -> FetchClaim {
        try await claimLease("leases/sweep")
    }

    private func claimLease(_ key: String) async throws -> FetchClaim {
        // Read first: SeaweedFS was seen to let an `If-None-Match: *` PUT through a few
        // milliseconds after another instance's write that a GET already showed.
        if let existing = try await client.getObject(key, limit: 64 * 1024) {
            let record = try? JSONDecoder().decode(S3LeaseRecord.self, from: Data(existing.bytes))
            // A lease that cannot be read expires by its write time instead.
            let expires = record?.expires ?? (existing.info.lastModified?.timeIntervalSince1970 ?? 0) + leaseDuration
            if expires > Date().timeIntervalSince1970 {
                // Never ourselves: a lease an earlier run of this instance left names our own origin.
                let peer = record?.peerURL.flatMap { $0 == peerURL ? nil : $0 }
                return .heldElsewhere(holder: record?.holder ?? "(unreadable lease)", peerURL: peer)
            }
            guard try await writeLease(key, ifAbsent: false, ifMatch: existing.info.eTag) else { return .heldElsewhere(holder: "(taken over)") }
        } else {
            guard try await writeLease(key, ifAbsent: true, ifMatch: nil) else { return .heldElsewhere(holder: "(just taken)") }
        }
        // Of two writers that both got through, the one whose record is there holds it.
        let written = try await client.getObject(key, limit: 64 * 1024).flatMap { try? JSONDecoder().decode(S3LeaseRecord.self, from: Data($0.bytes)) }
        guard written?.holder == instanceName else { return .heldElsewhere(holder: written?.holder ?? "(unknown)") }
        return .granted(lease(key))
    }

    private func lease(_ key: String) -> FetchLease {
        FetchLease(
            renewalInterval: .seconds(leaseDuration / 3),
            renew: { [self] in _ = try await writeLease(key, ifAbsent: false, ifMatch: nil) },
            release: { [client] in try? await client.deleteObject(key) }
        )
    }

    /// Writes a lease held by this instance until `leaseDuration` from now; `false` when the
    /// condition failed (someone else holds it).
    private func writeLease(_ key: String, ifAbsent: Bool, ifMatch: String?) async throws -> Bool {
        let record = S3LeaseRecord(holder: instanceName, expires: Date().timeIntervalSince1970 + leaseDuration, peerURL: peerURL)
        let bytes = Array(try JSONEncoder().encode(record))
        do {
            try await client.putObject(key, bytes: bytes, contentType: "application/json", ifAbsent: ifAbsent, ifMatch: ifMatch)
            return true
        } catch where error.isPreconditionFailed {
            return false
        }
    }
}
