import X509

/// The ACME Renewal Information identifier of a certificate (RFC 9773 §4.1):
/// `base64url(AKI keyIdentifier) "." base64url(serial)`, without padding.
///
/// The serial is its DER integer content, so a serial whose first bit is set keeps the
/// leading zero byte (`00:87:65:43:21` encodes as `AIdlQyE`).
///
/// ```swift
/// let id = try ARICertificateID(leafPEM: chainPEM)   // "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"
/// ```
public struct ARICertificateID: Sendable, Hashable, CustomStringConvertible {
    /// The identifier as it goes into the renewalInfo URL and the order's `replaces`.
    public let value: String

    /// Builds the identifier from the issuer's key identifier and the serial's big-endian bytes
    /// (brought to DER integer form: one leading zero when the first bit is set, none redundant).
    public init(authorityKeyIdentifier: some Sequence<UInt8>, serialNumber: some Collection<UInt8>) {
        value = Base64URL.encode(authorityKeyIdentifier) + "." + Base64URL.encode(Self.derInteger(serialNumber))
    }

    /// The DER content octets of a non-negative integer given as big-endian bytes. Not
    /// swift-certificates' `SerialNumber.bytes`: that drops the sign byte DER keeps.
    static func derInteger(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var magnitude = Array(bytes.drop { $0 == 0 })
        if magnitude.first.map({ $0 >= 0x80 }) ?? true {
            magnitude.insert(0, at: 0)
        }
        return magnitude
    }

    /// The identifier of `certificate`.
    /// - Throws: ``ACMEError`` when it has no Authority Key Identifier with a key identifier,
    ///   which every CA-issued certificate carries and ARI needs.
    public init(certificate: Certificate) throws(ACMEError) {
        let extensionValue: AuthorityKeyIdentifier?
        do {
            extensionValue = try certificate.extensions.authorityKeyIdentifier
        } catch {
            throw .invalidCertificate("the certificate with serial \(certificate.serialNumber)", reason: "its Authority Key Identifier does not parse (\(error))")
        }
        guard let keyIdentifier = extensionValue?.keyIdentifier, !keyIdentifier.isEmpty else {
            throw .invalidCertificate("the certificate with serial \(certificate.serialNumber)", reason: "it has no Authority Key Identifier, which ACME Renewal Information needs")
        }
        self.init(authorityKeyIdentifier: keyIdentifier, serialNumber: certificate.serialNumber.bytes)
    }

    /// The identifier of the first certificate (the leaf) in a PEM chain.
    public init(leafPEM: String) throws(ACMEError) {
        try self.init(certificate: try CertificateChain(pem: leafPEM, url: "the certificate").leaf)
    }

    /// The identifier itself.
    public var description: String { value }
}
