extension ACMEError {
    /// The class of an ``ACMEError``; compare with `==` (`error.kind == .rateLimited`).
    ///
    /// A struct rather than an enum so that adding a kind breaks no `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The kind's name, e.g. `rateLimited`.
        public var description: String { name }

        /// A host, key type, EAB key, CA bundle or other setting is unusable.
        public static let invalidConfiguration = Self("invalidConfiguration")
        /// The state folder or a file in it could not be read or written.
        public static let storage = Self("storage")
        /// The ACME server could not be reached (DNS, TCP, TLS, timeout of one request).
        public static let network = Self("network")
        /// The server answered with something that is not ACME (HTML, bad JSON, missing headers).
        public static let invalidResponse = Self("invalidResponse")
        /// The server answered 429 or 5xx without a problem document (maintenance, overload);
        /// see ``ACMEError/retryAfter``.
        public static let unavailable = Self("unavailable")
        /// The CA refused a request with a problem document, or marked the order invalid.
        public static let rejected = Self("rejected")
        /// The CA's rate limit was hit; see ``ACMEError/retryAfter``.
        public static let rateLimited = Self("rateLimited")
        /// The CA does not know the account (its URL or key).
        public static let accountDoesNotExist = Self("accountDoesNotExist")
        /// The CA rejected every nonce of several retries in a row.
        public static let badNonce = Self("badNonce")
        /// The CA offers no challenge of the solver's type for an identifier.
        public static let noMatchingChallenge = Self("noMatchingChallenge")
        /// The challenge solver could not publish (or the DNS never showed) the proof.
        public static let solverFailed = Self("solverFailed")
        /// The CA tried to validate an identifier and failed.
        public static let validationFailed = Self("validationFailed")
        /// The order did not complete before the deadline.
        public static let timeout = Self("timeout")
        /// The downloaded chain does not parse or does not match the key.
        public static let invalidCertificate = Self("invalidCertificate")
    }
}
