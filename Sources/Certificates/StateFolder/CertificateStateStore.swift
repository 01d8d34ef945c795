import ACME
import Foundation

/// What the certificate manager keeps between runs and shares with the other instances serving
/// the same hosts: the ACME account, each certificate with its metadata, the lock taken while
/// ordering, the renewal requests `wharf cert renew` leaves, and the challenges being validated.
///
/// ``CertificateStateFolder`` keeps it in a folder (a shared volume, for several instances). The
/// requirements speak of records, not files, so that an object store can keep the same state:
/// names are restricted to `[A-Za-z0-9._-]`, every write replaces one whole record, and the lock
/// needs only an exclusive create and a replace.
public protocol CertificateStateStore: ACMEAccountStore {
    /// Stores `certificate` under `name`: chain, private key (secret) and metadata.
    ///
    /// The key is stored before the chain, so a reader that sees the new chain finds its key.
    func saveCertificate(_ certificate: IssuedCertificate, name: String, directoryURL: String, keyType: KeyType?) async throws
    /// The certificate stored under `name`, or nil when it or a part of it is missing.
    func loadCertificate(name: String) async throws -> StoredCertificate?
    /// The metadata of certificate `name`, or nil when there is none.
    func loadMetadata(name: String) async throws -> CertificateMetadata?
    /// Records a failed attempt for `name` (``CertificateMetadata/lastError``), keeping the rest
    /// of the metadata; creates the metadata if there is none.
    func recordFailure(name: String, hosts: [String], directoryURL: String, message: String, at date: Date) async throws
    /// A new lock, with a holder identity of its own, for ordering a certificate.
    func orderLock() -> any CertificateOrderLock
    /// Leaves `request` for the running server.
    func requestRenewal(_ request: RenewalRequest) async throws
    /// Takes the pending renewal request, removing it; nil when there is none.
    func takeRenewalRequest() async -> RenewalRequest?
    /// Publishes `challenge` (a secret-free record) under ``PendingChallenge/name`` for the other instances.
    func savePendingChallenge(_ challenge: PendingChallenge) async throws
    /// The challenge published under `name`, or nil when there is none or it expired before `now`.
    func loadPendingChallenge(name: String, now: Date) async throws -> PendingChallenge?
    /// Removes the challenge published under `name` if it is still the one for `token`.
    func removePendingChallenge(name: String, token: String) async throws
}

extension CertificateStateStore {
    /// A certificate name derived from its first host: `*` becomes `_`, `:` (IPv6) becomes `-`.
    public static func certificateName(for hosts: [String]) -> String {
        let first = hosts.first?.lowercased() ?? "certificate"
        return first.replacingOccurrences(of: "*", with: "_").replacingOccurrences(of: ":", with: "-")
    }

    /// Refuses names that would leave the certificates' folder (or prefix), or hide a file.
    static func validate(name: String) throws(TLSCertificateError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 200, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw .invalidStateName(name, reason: "cannot be a folder name; use letters, digits, '.', '_' and '-', not starting with '.'")
        }
    }

    /// Pretty, sorted JSON with ISO 8601 dates and a final line break: every record's form.
    static func encode(_ value: some Encodable, path: String) throws(TLSCertificateError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            throw .writeFailed(path, reason: "cannot encode the record (\(error))")
        }
    }

    /// The record of type `type` in `bytes`; anything else is an error naming `path`, saying
    /// it is not `what`, and what to do (`remedy`).
    static func decode<Record: Decodable>(_ type: Record.Type, from bytes: [UInt8], path: String, what: String, remedy: String) throws(TLSCertificateError) -> Record {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw .unreadableFile(path, reason: "it is not \(what) (\(error)); \(remedy)")
        }
    }
}
