/// An order object (RFC 8555 §7.1.3), as the CA returns it.
struct ACMEOrder: Decodable, Sendable, Hashable {
    var status: ACMEStatus
    var identifiers: [ACMEIdentifier] = []
    var authorizations: [String] = []
    var finalize: String
    var certificate: String?
    var error: ACMEProblem?
    var expires: String?

    init(
        status: ACMEStatus,
        identifiers: [ACMEIdentifier] = [],
        authorizations: [String] = [],
        finalize: String,
        certificate: String? = nil,
        error: ACMEProblem? = nil
    ) {
        self.status = status
        self.identifiers = identifiers
        self.authorizations = authorizations
        self.finalize = finalize
        self.certificate = certificate
        self.error = error
    }
}

/// The `newOrder` payload (RFC 8555 §7.4; `replaces` from RFC 9773; `profile` from the
/// ACME profiles draft).
struct NewOrderRequest: Encodable, Sendable, Hashable {
    var identifiers: [ACMEIdentifier]
    var replaces: String?
    var profile: String?
}
