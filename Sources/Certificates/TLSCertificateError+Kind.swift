extension TLSCertificateError {
    /// The class of a ``TLSCertificateError``; compare with `==` (`error.kind == .keyMismatch`).
    ///
    /// A struct rather than an enum so that adding a kind breaks no `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The kind's name, e.g. `keyMismatch`.
        public var description: String { name }

        /// A file could not be opened or read.
        public static let unreadableFile = Self("unreadableFile")
        /// A file could not be written (or renamed into place).
        public static let writeFailed = Self("writeFailed")
        /// The certificate text is not PEM, holds no certificate, or a certificate does not parse.
        public static let invalidCertificate = Self("invalidCertificate")
        /// The key text holds no private key, an encrypted one, or one that does not parse.
        public static let invalidPrivateKey = Self("invalidPrivateKey")
        /// The private key does not belong to the leaf certificate (their SubjectPublicKeyInfo differ).
        public static let keyMismatch = Self("keyMismatch")
        /// The leaf certificate's notAfter has passed.
        public static let expired = Self("expired")
        /// The leaf certificate's notBefore is still in the future.
        public static let notYetValid = Self("notYetValid")
        /// A name given for a certificate is neither a DNS name nor an IP address, or a
        /// certificate's name in the state folder is not a folder name.
        public static let invalidName = Self("invalidName")
        /// Creating a key or signing a certificate failed.
        public static let issuanceFailed = Self("issuanceFailed")
        /// A line of a client certificate revocation file is neither a serial nor a SHA-256 fingerprint.
        public static let invalidRevocationList = Self("invalidRevocationList")
    }
}
