extension WharfConfiguration {
    /// `auth.clientcert`: a client certificate from one of these CAs admits a request as a
    /// password does. The handshake asks for a certificate without requiring one; one that is
    /// offered must verify.
    public struct ClientCertificateSettings: Sendable, Equatable {
        /// `cas`: PEM files of the CAs whose client certificates are accepted.
        public var cas: [String]
        /// `revoked`: the revocation file (serials and SHA-256 fingerprints), reloaded when it changes.
        public var revoked: String?

        public init(cas: [String], revoked: String? = nil) {
            self.cas = cas
            self.revoked = revoked
        }
    }
}
