extension DNSError {
    /// The class of a ``DNSError``; compare with `==` (`error.kind == .tsig`).
    ///
    /// A struct rather than an enum so that adding a kind breaks no `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The kind's name, e.g. `tsig`.
        public var description: String { name }

        /// Bytes that are not a well-formed DNS message (truncated, bad pointers, lengths past the end).
        public static let malformedMessage = Self("malformedMessage")
        /// Text that is not a DNS name (an empty label, a label over 63 bytes, a name over 255).
        public static let invalidName = Self("invalidName")
        /// A message that cannot be put on the wire (a TXT string over 255 bytes, too many records).
        public static let unencodable = Self("unencodable")
        /// A provider setting or TSIG key file that cannot be used.
        public static let invalidConfiguration = Self("invalidConfiguration")
        /// A server did not answer in time.
        public static let timeout = Self("timeout")
        /// A server could not be reached, or answered with something unusable.
        public static let network = Self("network")
        /// A server answered with an error RCODE (REFUSED, NOTAUTH, NOTZONE, SERVFAIL, ...).
        public static let rejected = Self("rejected")
        /// TSIG failed: BADSIG, BADKEY, BADTIME, or an answer whose signature does not verify.
        public static let tsig = Self("tsig")
        /// No zone holding the challenge name was found, or the name lies outside the configured zone.
        public static let zoneNotFound = Self("zoneNotFound")
        /// The TXT record did not show up on every server before `propagationtimeout`.
        public static let propagationTimeout = Self("propagationTimeout")
        /// A webhook answered with an error status, or an exec hook exited non-zero or ran too long.
        public static let hookFailed = Self("hookFailed")
    }
}
