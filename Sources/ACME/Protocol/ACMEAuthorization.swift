/// An authorization object (RFC 8555 §7.1.4).
struct ACMEAuthorization: Decodable, Sendable, Hashable {
    var identifier: ACMEIdentifier
    var status: ACMEStatus
    var challenges: [ACMEChallenge] = []
    var wildcard: Bool?
    var expires: String?

    init(identifier: ACMEIdentifier, status: ACMEStatus, challenges: [ACMEChallenge] = [], wildcard: Bool? = nil) {
        self.identifier = identifier
        self.status = status
        self.challenges = challenges
        self.wildcard = wildcard
    }

    /// The name as ordered: `*.` in front for a wildcard authorization.
    var displayName: String {
        wildcard == true ? "*.\(identifier.value)" : identifier.value
    }
}

/// A challenge object (RFC 8555 §7.1.5, §8).
struct ACMEChallenge: Decodable, Sendable, Hashable {
    var type: String
    var url: String
    var status: ACMEStatus
    var token: String?
    var error: ACMEProblem?

    init(type: String, url: String, status: ACMEStatus, token: String? = nil, error: ACMEProblem? = nil) {
        self.type = type
        self.url = url
        self.status = status
        self.token = token
        self.error = error
    }
}
