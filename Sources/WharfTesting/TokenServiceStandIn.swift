/// A stand-in for Docker Hub's token service (auth.docker.io), for a `docker-registry`
/// started with ``TokenAuthSettings``.
///
/// What it follows of Docker's token authentication specification:
/// - `GET /token?service=S&scope=repository:NAME:ACTIONS` (the `scope` parameter may repeat) with
///   optional Basic credentials, answered with `{"token", "access_token", "expires_in", "issued_at"}`;
/// - `POST /token` with an OAuth2 form (`grant_type=password`, `username`, `password`, `scope`, `service`),
///   answered the same way;
/// - tokens are JWTs signed ES256 with header `{"typ":"JWT","alg":"ES256","kid":KID}`, KID being the
///   libtrust fingerprint of the signing key, and claims `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`,
///   `access` (the granted subset of the requested repository actions);
/// - with ``requiredCredentials`` set, a request without matching credentials gets 401
///   `{"details":"incorrect username or password"}`; without it anonymous (and any) credentials get tokens.
///
/// What it does not do: refresh tokens (`offline_token`, `grant_type=refresh_token`), non-repository
/// scopes, per-repository permissions, or TLS. It grants `pull` always and `push` only with ``grantPush``.
public final class TokenServiceStandIn: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The `service` (token audience) the registry must be configured with.
    public let service: String
    /// The `iss` of the tokens.
    public let issuer: String
    /// The PEM certificate of the signing key, for the registry's `rootcertbundle`.
    public let bundlePath: String
    /// The libtrust key ID in the tokens' `kid` header.
    public let keyID: String
    /// Credentials a client must present, or nil for anonymous tokens.
    public let requiredCredentials: (user: String, password: String)?
    /// Whether tokens grant `push` when asked for it.
    public let grantPush: Bool

    private let server: LocalHTTPServer
    private let endpoint: TokenEndpoint
    private let tokenIssuer: TokenIssuer

    /// `http://127.0.0.1:PORT/token`, the realm the registry sends clients to.
    public var realm: String { "http://127.0.0.1:\(port)/token" }

    /// The `auth.token` settings of a registry that trusts this service.
    public var authSettings: TokenAuthSettings {
        TokenAuthSettings(realm: realm, service: service, issuer: issuer, rootCertBundle: bundlePath)
    }

    /// Makes a signing key and certificate with openssl in `folder` (`<name>-key.pem`, `<name>-bundle.pem`)
    /// and starts listening on 127.0.0.1 on a kernel-picked port.
    ///
    /// - Parameters:
    ///   - requiredCredentials: when set, only requests with these credentials get tokens.
    ///   - grantPush: whether `push` is granted (to let a ``RegistrySeeder`` push with a token).
    ///   - tokenLifetime: the tokens' validity, reported as `expires_in`.
    public static func start(
        in folder: TemporaryFolder,
        service: String = "test-registry",
        issuer: String = "test-issuer",
        requiredCredentials: (user: String, password: String)? = nil,
        grantPush: Bool = false,
        tokenLifetime: Duration = .seconds(300),
        name: String = "token"
    ) async throws -> TokenServiceStandIn {
        let key = try await TokenSigningKey.generate(in: folder, name: name)
        let tokenIssuer = TokenIssuer(
            key: key,
            service: service,
            issuer: issuer,
            requiredCredentials: requiredCredentials,
            grantPush: grantPush,
            lifetime: tokenLifetime
        )
        let endpoint = TokenEndpoint(issuer: tokenIssuer)
        let server = try await LocalHTTPServer.start { request, writer in
            endpoint.respond(to: request, with: writer)
        }
        return TokenServiceStandIn(server: server, endpoint: endpoint, tokenIssuer: tokenIssuer)
    }

    private init(server: LocalHTTPServer, endpoint: TokenEndpoint, tokenIssuer: TokenIssuer) {
        self.server = server
        self.endpoint = endpoint
        self.tokenIssuer = tokenIssuer
        self.port = server.port
        self.service = tokenIssuer.service
        self.issuer = tokenIssuer.issuer
        self.bundlePath = tokenIssuer.key.bundlePath
        self.keyID = tokenIssuer.key.keyID
        self.requiredCredentials = tokenIssuer.requiredCredentials
        self.grantPush = tokenIssuer.grantPush
    }

    /// Every request received so far, oldest first.
    public func requests() -> [TokenRequestRecord] {
        endpoint.requests()
    }

    /// A token for `scopes` (e.g. `repository:library/test:pull,push`) minted directly, without a request,
    /// under the same grant rules; handy for `RegistrySeeder(authorization: "Bearer \(token)")`.
    public func mintToken(scopes: [String], account: String? = nil) throws -> String {
        try tokenIssuer.mint(scopes: scopes, account: account)
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        await server.stop()
    }
}
