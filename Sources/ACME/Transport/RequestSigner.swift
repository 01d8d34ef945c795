/// Who signs a request: the account (header `kid`, every request after `newAccount`) or a
/// bare key (header `jwk`: `newAccount`, and revocation with the certificate's own key).
enum RequestSigner: Sendable {
    case account(AccountKey, url: String)
    case key(JWSSigningKey)

    /// The protected header for a request to `url` with `nonce`.
    func header(url: String, nonce: String) throws -> JWSProtectedHeader {
        switch self {
        case .account(let key, let accountURL):
            JWSProtectedHeader(alg: key.signingKey.algorithm, jwk: nil, kid: accountURL, nonce: nonce, url: url)
        case .key(let key):
            JWSProtectedHeader(alg: key.algorithm, jwk: try key.jwk, kid: nil, nonce: nonce, url: url)
        }
    }

    var signingKey: JWSSigningKey {
        switch self {
        case .account(let key, _): key.signingKey
        case .key(let key): key
        }
    }
}
