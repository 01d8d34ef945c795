/// The `auth.token` settings of a distribution registry that trusts a token service.
public struct TokenAuthSettings: Sendable, Equatable {
    /// The token endpoint clients are sent to, e.g. `http://127.0.0.1:PORT/token`.
    public let realm: String
    /// The `service` the registry names in its challenge and expects as the token's `aud`.
    public let service: String
    /// The `iss` the registry expects in tokens.
    public let issuer: String
    /// A PEM file with the certificate(s) whose keys may sign tokens.
    public let rootCertBundle: String

    /// Creates the settings.
    public init(realm: String, service: String, issuer: String, rootCertBundle: String) {
        self.realm = realm
        self.service = service
        self.issuer = issuer
        self.rootCertBundle = rootCertBundle
    }
}
