import Foundation

/// Decides what a token grants and mints it.
struct TokenIssuer: Sendable {
    let key: TokenSigningKey
    let service: String
    let issuer: String
    let requiredCredentials: (user: String, password: String)?
    let grantPush: Bool
    let lifetime: Duration

    /// The token's lifetime in whole seconds, as `expires_in` reports it.
    var lifetimeSeconds: Int { Int(lifetime.components.seconds) }

    /// Whether a request with these credentials (nil: anonymous) may get a token.
    func accepts(user: String?, password: String?) -> Bool {
        guard let required = requiredCredentials else { return true }
        return user == required.user && password == required.password
    }

    /// The access entries granted for the requested scopes: `pull` on repositories always,
    /// `push` only with `grantPush`; other actions and resource types are not granted.
    func grant(_ scopes: [String]) -> [TokenAccess] {
        let allowed: Set<String> = grantPush ? ["pull", "push"] : ["pull"]
        return scopes.compactMap(TokenScope.init).compactMap { scope in
            guard scope.type == "repository" else { return nil }
            let actions = scope.actions.filter(allowed.contains)
            return TokenAccess(type: scope.type, name: scope.name, actions: actions)
        }
    }

    /// A signed token for `scopes`, valid from now for ``lifetime``.
    func mint(scopes: [String], account: String?, now: Date = Date()) throws -> String {
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = TokenClaims(
            iss: issuer,
            sub: account ?? "",
            aud: service,
            exp: issuedAt + lifetimeSeconds,
            nbf: issuedAt,
            iat: issuedAt,
            jti: UUID().uuidString,
            access: grant(scopes)
        )
        return try key.sign(claims: claims)
    }
}
