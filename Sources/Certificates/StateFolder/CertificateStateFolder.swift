import ACME
import Foundation

/// The certificate state in a folder: the ACME account key and URL, per certificate name its
/// chain, key and metadata, the order lock and a pending renewal request.
///
///     <folder>/                         0700
///       account.key                     0600  P-256 account key, PKCS#8 PEM
///       account.json                    0600  {"accountURL": ..., "directoryURL": ...}
///       order.lock                      0600  held while ordering (``StateFolderLock``)
///       renew-requested                 0644  "due" or "force", from `wharf cert renew`
///       certificates/<name>/            0700
///         chain.pem                     0644  leaf first
///         key.pem                       0600
///         metadata.json                 0644  hosts, validity, serial, issuer, CA, last error
///       challenges/<type>.<name>.json   0600  a challenge being validated (``PendingChallenge``)
///
/// Every write is atomic (``FileIO/AtomicFile``), and all file work runs on NIO's thread pool.
/// Several instances may share the folder (a shared volume).
public struct CertificateStateFolder: CertificateStateStore {
    /// The folder's path.
    public let folder: String

    /// A store in `folder`, created (0700) on the first write.
    public init(folder: String) {
        self.folder = folder
    }

    /// `<folder>/account.key`.
    public var accountKeyPath: String { "\(folder)/account.key" }
    /// `<folder>/account.json`.
    public var accountPath: String { "\(folder)/account.json" }
    /// `<folder>/renew-requested`.
    public var renewalRequestPath: String { "\(folder)/renew-requested" }

    /// `<folder>/certificates/<name>`.
    public func certificateFolder(_ name: String) -> String { "\(folder)/certificates/\(name)" }
    /// The chain file of certificate `name`.
    public func chainPath(_ name: String) -> String { "\(certificateFolder(name))/chain.pem" }
    /// The key file of certificate `name`.
    public func keyPath(_ name: String) -> String { "\(certificateFolder(name))/key.pem" }
    /// The metadata file of certificate `name`.
    public func metadataPath(_ name: String) -> String { "\(certificateFolder(name))/metadata.json" }

    // MARK: Account

    /// The stored account key, or nil when there is none yet.
    public func loadAccountKey() async throws -> AccountKey? {
        guard let bytes = try await CertificateFiles.readIfPresent(accountKeyPath) else { return nil }
        return try AccountKey(pemRepresentation: String(decoding: bytes, as: UTF8.self), source: accountKeyPath)
    }

    /// Stores the account key (0600).
    public func saveAccountKey(_ key: AccountKey) async throws {
        try await CertificateFiles.makeFolder(folder, mode: 0o700, narrowingExisting: true)
        try await CertificateFiles.write(key.pemRepresentation, to: accountKeyPath, mode: 0o600)
    }

    /// The stored account record, or nil when there is none.
    public func loadAccount() async throws -> StoredAccount? {
        guard let bytes = try await CertificateFiles.readIfPresent(accountPath) else { return nil }
        return try Self.decode(StoredAccount.self, from: bytes, path: accountPath, what: "an account record", remedy: "remove it to look the account up again")
    }

    /// Stores the account record (0600).
    public func saveAccount(_ account: StoredAccount) async throws {
        let bytes = try Self.encode(account, path: accountPath)
        try await CertificateFiles.makeFolder(folder, mode: 0o700, narrowingExisting: true)
        try await CertificateFiles.write(bytes, to: accountPath, mode: 0o600)
    }

    /// Forgets the account URL (the key stays; the account is looked up again by key).
    public func removeAccount() async throws {
        try await CertificateFiles.remove(accountPath)
    }

    // MARK: Coordination

    /// A ``StateFolderLock`` named `order`.
    public func orderLock() -> any CertificateOrderLock {
        StateFolderLock(folder: folder)
    }

    /// Leaves `request` in ``renewalRequestPath`` (atomically), creating the folder if needed.
    public func requestRenewal(_ request: RenewalRequest) async throws {
        try await CertificateFiles.makeFolder(folder, mode: 0o700)
        try await CertificateFiles.write(request.rawValue, to: renewalRequestPath, mode: 0o644)
    }

    /// Takes the pending request, removing the file; nil when there is none. An unknown word
    /// asks for a renewal if due.
    public func takeRenewalRequest() async -> RenewalRequest? {
        guard let bytes = try? await CertificateFiles.readIfPresent(renewalRequestPath) else { return nil }
        try? await CertificateFiles.remove(renewalRequestPath)
        return RenewalRequest(rawValue: String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .ifDue
    }
}
