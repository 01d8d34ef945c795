/// One request a ``TokenServiceStandIn`` received.
public struct TokenRequestRecord: Sendable, Equatable {
    /// `GET` (Docker's token endpoint) or `POST` (the OAuth2 form variant).
    public let method: String
    /// The requested scopes joined by a space, or nil when none was asked for.
    public let scope: String?
    /// The requested scopes, one per `scope` parameter.
    public let scopes: [String]
    /// The `service` parameter.
    public let service: String?
    /// Whether the request carried credentials (a Basic `Authorization` header, or a password grant).
    public let hadAuthorization: Bool
    /// The user name of those credentials.
    public let account: String?
    /// Whether a token was issued (false for a 401 or 400).
    public let issued: Bool

    /// Creates a record.
    public init(
        method: String,
        scopes: [String],
        service: String?,
        hadAuthorization: Bool,
        account: String?,
        issued: Bool
    ) {
        self.method = method
        self.scope = scopes.isEmpty ? nil : scopes.joined(separator: " ")
        self.scopes = scopes
        self.service = service
        self.hadAuthorization = hadAuthorization
        self.account = account
        self.issued = issued
    }
}
