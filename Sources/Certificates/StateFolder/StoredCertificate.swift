/// A certificate as the state holds it.
public struct StoredCertificate: Sendable {
    /// The chain PEM, leaf first.
    public let chainPEM: String
    /// The private key PEM (secret).
    public let privateKeyPEM: String
    /// The metadata record.
    public let metadata: CertificateMetadata

    /// Creates a record (a ``CertificateStateStore`` returns these).
    public init(chainPEM: String, privateKeyPEM: String, metadata: CertificateMetadata) {
        self.chainPEM = chainPEM
        self.privateKeyPEM = privateKeyPEM
        self.metadata = metadata
    }
}
