/// The JOSE header of a registry token.
struct TokenHeader: Encodable, Sendable {
    var typ = "JWT"
    var alg = "ES256"
    var kid: String
}

/// The claims distribution checks in a registry token.
struct TokenClaims: Encodable, Sendable {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int
    var nbf: Int
    var iat: Int
    var jti: String
    var access: [TokenAccess]
}
