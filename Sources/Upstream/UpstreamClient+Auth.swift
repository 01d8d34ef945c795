import Foundation

extension UpstreamClient {
    /// Obtains the Authorization value a challenge asks for.
    func answer(_ challenges: [AuthenticationChallenge], scope: String) async throws(UpstreamError) -> String {
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer.parameters["realm"] {
            return try await fetchToken(realm: realm, service: bearer.parameters["service"], scope: scope)
        }
        if challenges.contains(where: { $0.scheme == "basic" }), let basic = basicCredential() {
            await tokens.storeBasic(basic)
            return basic
        }
        throw UpstreamError(
            .unauthorized,
            configuration.hasCredentials
                ? "the upstream asks for authentication Wharf cannot answer"
                : "the upstream requires credentials; set proxy.username and proxy.password"
        )
    }

    /// The configured credentials as a Basic `Authorization` value.
    func basicCredential() -> String? {
        guard let username = configuration.username, let password = configuration.password else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
