import Foundation

/// A lease held through one small object, `{"holder": ..., "expires": <seconds since 1970>}`,
/// so that of several instances sharing a bucket exactly one does a thing at a time.
///
/// A free lease is created with `If-None-Match: *`; an expired one is overwritten with
/// `If-Match` on the ETag that was read, so of two instances taking it over one gets 412. The
/// record is read back after the write: of two writers that both got through, the one whose
/// record stayed holds it. A holder that dies leaves a lease that expires.
public struct S3Lease: Sendable {
    /// What ``acquire(now:)`` found.
    public enum Outcome: Sendable, Equatable {
        /// This holder has the lease until ``S3Lease/duration`` from the call.
        case acquired
        /// Another holder has it (its name, or what is known of it), and where it can be
        /// reached when it wrote that (``S3Lease/peerURL``).
        case held(by: String, peerURL: String? = nil)
    }

    private struct Record: Codable {
        var holder: String
        var expires: Double
        /// The holder's origin as the fleet reaches it, if it gave one.
        var peerURL: String?
    }

    public let client: S3Client
    /// The lease object's key, relative to `rootdirectory`.
    public let key: String
    /// Who this holder is (host, process and a random part, say); written into the record.
    public let holder: String
    /// How long the lease holds without renewal, in seconds.
    public let duration: TimeInterval
    /// Where the others can reach this holder while it holds the lease (written into the record).
    public let peerURL: String?

    /// A lease on `key` for `holder`; nothing is written until ``acquire(now:)``.
    public init(client: S3Client, key: String, holder: String, duration: TimeInterval, peerURL: String? = nil) {
        self.client = client
        self.key = key
        self.holder = holder
        self.duration = duration
        self.peerURL = peerURL
    }

    /// Takes the lease if it is free, expired at `now`, or already this holder's.
    public func acquire(now: Date = Date()) async throws(S3Error) -> Outcome {
        // Read first: SeaweedFS was seen to let an `If-None-Match: *` PUT through a few
        // milliseconds after another instance's write that a GET already showed.
        if let existing = try await client.getObject(key, limit: 64 * 1024) {
            let record = try? JSONDecoder().decode(Record.self, from: Data(existing.bytes))
            // A record that cannot be read expires by its write time instead.
            let expires = record?.expires ?? (existing.info.lastModified?.timeIntervalSince1970 ?? 0) + duration
            if record?.holder != holder, expires > now.timeIntervalSince1970 {
                // Never this holder's own address: a lease an earlier run of it left names it too.
                let peer = record?.peerURL.flatMap { $0 == peerURL ? nil : $0 }
                return .held(by: record?.holder ?? "(unreadable lease)", peerURL: peer)
            }
            guard try await write(now: now, ifAbsent: false, ifMatch: existing.info.eTag) else { return .held(by: "(taken over)") }
        } else {
            guard try await write(now: now, ifAbsent: true, ifMatch: nil) else { return .held(by: "(just taken)") }
        }
        let written = try await current()
        guard written?.holder == holder else { return .held(by: written?.holder ?? "(unknown)") }
        return .acquired
    }

    /// Extends the lease to ``duration`` from `now` (the holder calls it while it works).
    public func renew(now: Date = Date()) async throws(S3Error) {
        _ = try await write(now: now, ifAbsent: false, ifMatch: nil)
    }

    /// Removes the lease if this holder has it; another holder's lease stays.
    public func release() async throws(S3Error) {
        guard try await current()?.holder == holder else { return }
        try await client.deleteObject(key)
    }

    /// Who holds the lease now, whether or not it expired; nil when there is none or it is unreadable.
    public func currentHolder() async throws(S3Error) -> String? {
        try await current()?.holder
    }

    private func current() async throws(S3Error) -> Record? {
        guard let object = try await client.getObject(key, limit: 64 * 1024) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: Data(object.bytes))
    }

    /// Writes this holder's record; false when the condition failed (another holder wrote first).
    private func write(now: Date, ifAbsent: Bool, ifMatch: String?) async throws(S3Error) -> Bool {
        let record = Record(holder: holder, expires: now.timeIntervalSince1970 + duration, peerURL: peerURL)
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(record))
        } catch {
            throw .malformed(operation: "PUT \(key)", status: nil, "the lease record could not be encoded: \(error)")
        }
        do {
            try await client.putObject(key, bytes: bytes, contentType: "application/json", ifAbsent: ifAbsent, ifMatch: ifMatch)
            return true
        } catch where error.isPreconditionFailed {
            return false
        }
    }
}
