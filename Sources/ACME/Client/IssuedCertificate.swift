import Foundation

/// A certificate the CA issued, with the key it was issued for.
///
/// ``privateKeyPEM`` is secret: write it only with mode 0600 (the certificate state folder does) and
/// never log it; ``description`` leaves it out.
public struct IssuedCertificate: Sendable, CustomStringConvertible {
    /// The chain as PEM: the leaf first, then the intermediates.
    public let chainPEM: String
    /// The leaf's private key as PKCS#8 PEM.
    public let privateKeyPEM: String
    /// The leaf's notBefore.
    public let notBefore: Date
    /// The leaf's notAfter.
    public let notAfter: Date
    /// The leaf's serial number, upper-case hex.
    public let serial: String
    /// The common name of the leaf's issuer (the intermediate).
    public let issuer: String
    /// The hosts the certificate was ordered for, in order.
    public let hosts: [String]
    /// The URL the chain was downloaded from.
    public let certificateURL: String
    /// The challenge type of the solver the order ran with (what to try first at the next renewal).
    public var challengeType: ChallengeType?

    /// Creates a value, e.g. for a test or from stored files.
    public init(
        chainPEM: String,
        privateKeyPEM: String,
        notBefore: Date,
        notAfter: Date,
        serial: String,
        issuer: String,
        hosts: [String],
        certificateURL: String
    ) {
        self.chainPEM = chainPEM
        self.privateKeyPEM = privateKeyPEM
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serial = serial
        self.issuer = issuer
        self.hosts = hosts
        self.certificateURL = certificateURL
    }

    /// Hosts, serial, issuer and validity; never the key.
    public var description: String {
        "IssuedCertificate(hosts: \(hosts), serial: \(serial), issuer: \(issuer), notBefore: \(notBefore), notAfter: \(notAfter))"
    }
}
