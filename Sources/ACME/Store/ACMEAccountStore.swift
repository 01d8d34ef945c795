/// Where an ``ACMEClient`` keeps its account between runs: the account key, and which account at
/// which CA it belongs to.
///
/// The client needs nothing else from storage, so it depends on this and not on where the state
/// lives: the certificate state folder implements it, and so could an object store.
public protocol ACMEAccountStore: Sendable {
    /// The stored account key, or nil when there is none yet.
    func loadAccountKey() async throws -> AccountKey?
    /// Stores the account key. It is secret: only this process's user may read it back.
    func saveAccountKey(_ key: AccountKey) async throws
    /// The stored account record, or nil when there is none.
    func loadAccount() async throws -> StoredAccount?
    /// Stores the account record.
    func saveAccount(_ account: StoredAccount) async throws
    /// Forgets the account record; the key stays, and the account is looked up again by it.
    func removeAccount() async throws
}
