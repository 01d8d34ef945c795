/// The directory of an ACME server (RFC 8555 §7.1.1): its endpoints and what it offers.
public struct ACMEDirectory: Decodable, Sendable, Hashable {
    /// Where fresh nonces come from (`HEAD`).
    public let newNonce: String
    /// Where accounts are created or looked up.
    public let newAccount: String
    /// Where orders are placed.
    public let newOrder: String
    /// Where certificates are revoked.
    public let revokeCert: String?
    /// Where an account key is rolled over.
    public let keyChange: String?
    /// The ACME Renewal Information endpoint (RFC 9773), when the CA offers one.
    public let renewalInfo: String?
    /// Optional facts about the CA.
    public let meta: Meta?

    /// The directory's `meta` object.
    public struct Meta: Decodable, Sendable, Hashable {
        /// The terms of service the account agrees to.
        public let termsOfService: String?
        /// The CA's website.
        public let website: String?
        /// The names the CA recognises in CAA records.
        public let caaIdentities: [String]?
        /// Whether `newAccount` requires External Account Binding.
        public let externalAccountRequired: Bool?
        /// The certificate profiles the CA offers, name to description.
        public let profiles: [String: String]?
    }

    /// Whether the CA offers ACME Renewal Information, which a renewal scheduler should prefer
    /// to a fixed share of the lifetime.
    public var offersRenewalInfo: Bool { renewalInfo != nil }

    /// The certificate profiles offered (empty when the CA has none, as Pebble 2.4).
    public var profiles: [String: String] { meta?.profiles ?? [:] }

    /// Whether accounts need External Account Binding here.
    public var requiresExternalAccountBinding: Bool { meta?.externalAccountRequired ?? false }
}
