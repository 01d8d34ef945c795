/// The account file: which account at which CA the stored key belongs to.
public struct StoredAccount: Codable, Sendable, Hashable {
    /// The directory URL of the CA.
    public var directoryURL: String
    /// The account URL the CA returned (the `kid` of every request).
    public var accountURL: String

    /// Creates a record.
    public init(directoryURL: String, accountURL: String) {
        self.directoryURL = directoryURL
        self.accountURL = accountURL
    }
}
