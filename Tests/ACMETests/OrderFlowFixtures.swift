@testable import ACME

/// Canned ACME resources for driving ``OrderFlow`` without a network.
enum OrderFlowFixtures {
    static let thumbprint = "THUMB"
    static let orderURL = "https://ca.test/order/1"
    static let finalizeURL = "https://ca.test/order/1/finalize"
    static let certificateURL = "https://ca.test/cert/1"
    static let mirror = ACMEIdentifier(type: "dns", value: "mirror.example.test")
    static let www = ACMEIdentifier(type: "dns", value: "www.example.test")

    static func request(_ identifiers: [ACMEIdentifier] = [mirror, www]) -> NewOrderRequest {
        NewOrderRequest(identifiers: identifiers)
    }

    static func order(_ status: ACMEStatus, authorizations: [String] = ["a1", "a2"], certificate: String? = nil, error: ACMEProblem? = nil) -> ACMEOrder {
        ACMEOrder(status: status, identifiers: [mirror, www], authorizations: authorizations, finalize: finalizeURL, certificate: certificate, error: error)
    }

    static func authorization(
        _ identifier: ACMEIdentifier,
        _ status: ACMEStatus,
        token: String = "tok",
        types: [String] = ["http-01", "dns-01", "tls-alpn-01"],
        challengeStatus: ACMEStatus = .pending,
        error: ACMEProblem? = nil,
        wildcard: Bool? = nil
    ) -> ACMEAuthorization {
        let challenges = types.map { type in
            ACMEChallenge(
                type: type,
                url: "https://ca.test/chall/\(identifier.value)/\(type)",
                status: type == "http-01" ? challengeStatus : .pending,
                token: token,
                error: type == "http-01" ? error : nil
            )
        }
        return ACMEAuthorization(identifier: identifier, status: status, challenges: challenges, wildcard: wildcard)
    }

    static func proof(_ identifier: ACMEIdentifier, token: String) -> ChallengeProof {
        ChallengeProof(domain: identifier.value, isWildcard: false, token: token, keyAuthorization: "\(token).\(thumbprint)")
    }

    static func pending(_ identifier: ACMEIdentifier, authorization: String, token: String) -> OrderFlow.PendingChallenge {
        OrderFlow.PendingChallenge(
            authorizationURL: authorization,
            challengeURL: "https://ca.test/chall/\(identifier.value)/http-01",
            proof: proof(identifier, token: token)
        )
    }
}
