import ACME
import Foundation

/// What the state folder records about one certificate besides its PEM files.
public struct CertificateMetadata: Codable, Sendable, Hashable {
    /// The hosts the certificate names, in order.
    public var hosts: [String]
    /// The leaf's notBefore.
    public var notBefore: Date?
    /// The leaf's notAfter.
    public var notAfter: Date?
    /// The leaf's serial, upper-case hex.
    public var serial: String?
    /// The common name of the leaf's issuer.
    public var issuer: String?
    /// The directory URL of the CA that issued it.
    public var directoryURL: String
    /// The key type it was ordered with.
    public var keyType: String?
    /// When the certificate was stored.
    public var issuedAt: Date?
    /// The last failure to obtain or renew it (nil after a success).
    public var lastError: String?
    /// When ``lastError`` happened.
    public var lastErrorAt: Date?
    /// The challenge type the certificate was obtained with, tried first at the next renewal.
    public var challenge: String?

    /// Creates a record.
    public init(
        hosts: [String],
        notBefore: Date? = nil,
        notAfter: Date? = nil,
        serial: String? = nil,
        issuer: String? = nil,
        directoryURL: String,
        keyType: String? = nil,
        issuedAt: Date? = nil,
        lastError: String? = nil,
        lastErrorAt: Date? = nil
    ) {
        self.hosts = hosts
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serial = serial
        self.issuer = issuer
        self.directoryURL = directoryURL
        self.keyType = keyType
        self.issuedAt = issuedAt
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }

    /// The record of `certificate` as just issued by the CA at `directoryURL`.
    init(issued certificate: IssuedCertificate, directoryURL: String, keyType: KeyType?, issuedAt: Date = Date()) {
        self.init(
            hosts: certificate.hosts,
            notBefore: certificate.notBefore,
            notAfter: certificate.notAfter,
            serial: certificate.serial,
            issuer: certificate.issuer,
            directoryURL: directoryURL,
            keyType: keyType?.rawValue,
            issuedAt: issuedAt
        )
        challenge = certificate.challengeType?.rawValue
    }
}
