// The small request bodies of RFC 8555, kept together: each is a handful of fields.

/// The `newAccount` payload (RFC 8555 §7.3).
struct NewAccountRequest: Encodable, Sendable {
    var termsOfServiceAgreed: Bool?
    var contact: [String]?
    var onlyReturnExisting: Bool?
    var externalAccountBinding: JWS?
}

/// The `finalize` payload (RFC 8555 §7.4): the CSR, DER in base64url.
struct FinalizeRequest: Encodable, Sendable {
    var csr: String
}

/// The payload that deactivates an authorization (RFC 8555 §7.5.2).
struct DeactivationRequest: Encodable, Sendable {
    var status = "deactivated"
}

/// The `revokeCert` payload (RFC 8555 §7.6).
struct RevocationRequest: Encodable, Sendable {
    var certificate: String
    var reason: Int?
}

/// `{}`: the payload that tells the CA to validate a challenge (RFC 8555 §7.5.1).
struct EmptyObject: Encodable, Sendable {}
