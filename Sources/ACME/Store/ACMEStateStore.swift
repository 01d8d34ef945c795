import Foundation

/// The ACME state folder: the account key and URL, and per certificate name its chain,
/// key and metadata.
///
///     <folder>/                         0700
///       account.key                     0600  P-256 account key, PKCS#8 PEM
///       account.json                    0600  {"accountURL": ..., "directoryURL": ...}
///       certificates/<name>/            0700
///         chain.pem                     0644  leaf first
///         key.pem                       0600
///         metadata.json                 0644  hosts, validity, serial, issuer, CA, last error
///
/// Every write is atomic (temporary file in the same folder, fsync, rename). All methods do
/// their file work on a worker thread.
public struct ACMEStateStore: Sendable {
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

    /// `<folder>/certificates/<name>`.
    public func certificateFolder(_ name: String) -> String { "\(folder)/certificates/\(name)" }
    /// The chain file of certificate `name`.
    public func chainPath(_ name: String) -> String { "\(certificateFolder(name))/chain.pem" }
    /// The key file of certificate `name`.
    public func keyPath(_ name: String) -> String { "\(certificateFolder(name))/key.pem" }
    /// The metadata file of certificate `name`.
    public func metadataPath(_ name: String) -> String { "\(certificateFolder(name))/metadata.json" }

    /// A certificate name derived from its first host: `*` becomes `_`, `:` (IPv6) becomes `-`.
    public static func certificateName(for hosts: [String]) -> String {
        let first = hosts.first?.lowercased() ?? "certificate"
        return first.replacingOccurrences(of: "*", with: "_").replacingOccurrences(of: ":", with: "-")
    }

    // MARK: Account

    /// The stored account key, or nil when there is none yet.
    public func loadAccountKey() async throws(ACMEError) -> AccountKey? {
        let path = accountKeyPath
        return try await BlockingIO.run { () throws(ACMEError) -> AccountKey? in
            guard let bytes = try AtomicFile.read(path) else { return nil }
            return try AccountKey(pemRepresentation: String(decoding: bytes, as: UTF8.self), source: path)
        }
    }

    /// Stores the account key (0600).
    public func saveAccountKey(_ key: AccountKey) async throws(ACMEError) {
        let (folder, path, pem) = (folder, accountKeyPath, key.pemRepresentation)
        try await BlockingIO.run { () throws(ACMEError) in
            try AtomicFile.makePrivateFolder(folder)
            try AtomicFile.write(Array(pem.utf8), to: path, mode: 0o600)
        }
    }

    /// The stored account record, or nil when there is none.
    public func loadAccount() async throws(ACMEError) -> StoredAccount? {
        let path = accountPath
        return try await BlockingIO.run { () throws(ACMEError) -> StoredAccount? in
            guard let bytes = try AtomicFile.read(path) else { return nil }
            do {
                return try JSONDecoder().decode(StoredAccount.self, from: Data(bytes))
            } catch {
                throw .storage(path, reason: "it is not an account record (\(error)); remove it to look the account up again")
            }
        }
    }

    /// Stores the account record (0600).
    public func saveAccount(_ account: StoredAccount) async throws(ACMEError) {
        let (folder, path) = (folder, accountPath)
        let bytes = try Self.encode(account, path: path)
        try await BlockingIO.run { () throws(ACMEError) in
            try AtomicFile.makePrivateFolder(folder)
            try AtomicFile.write(bytes, to: path, mode: 0o600)
        }
    }

    /// Forgets the account URL (the key stays; the account is looked up again by key).
    public func removeAccount() async throws(ACMEError) {
        let path = accountPath
        try await BlockingIO.run { () throws(ACMEError) in try AtomicFile.remove(path) }
    }

    static func encode(_ value: some Encodable, path: String) throws(ACMEError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            throw .storage(path, reason: "cannot encode the record (\(error))")
        }
    }
}
