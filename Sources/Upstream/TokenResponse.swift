/// A token service's answer: `token` or its OAuth2 spelling `access_token`, and its lifetime.
struct TokenResponse: Decodable {
    let token: String?
    let accessToken: String?
    let expiresIn: Int?

    enum CodingKeys: String, CodingKey {
        case token
        case accessToken = "access_token"
        case expiresIn = "expires_in"
    }
}
