import ACME
import Foundation
import X509

extension CertificatePair: CustomStringConvertible {
    /// The leaf's notBefore.
    public var notBefore: Date { leaf.notValidBefore }

    /// The leaf's notAfter.
    public var notAfter: Date { leaf.notValidAfter }

    /// The leaf's serial number in upper-case hex without separators or leading zero bytes,
    /// as `openssl x509 -noout -serial` prints it (`serial=` aside).
    public var serialNumberHex: String { leaf.serialNumberHex }

    /// The common name of the leaf's issuer, e.g. `R11` or `Wharf local CA`, when it has one.
    public var issuerCommonName: String? { leaf.issuer.commonName }

    /// The leaf's subject, e.g. `CN=registry.example.com`.
    public var subject: String { leaf.subject.description }

    /// Whether the leaf names itself as its issuer.
    public var isSelfIssued: Bool { leaf.issuer == leaf.subject }

    /// All subjectAltNames, DNS names first.
    public var names: [String] { dnsNames + ipAddresses }

    /// A one-line summary for logs: subject, serial, names, validity. Never key material.
    public var description: String {
        "\(subject) serial \(serialNumberHex) for [\(names.joined(separator: ", "))] "
            + "issued by \(issuerCommonName ?? leaf.issuer.description), "
            + "valid \(notBefore.formatted(.iso8601)) to \(notAfter.formatted(.iso8601))"
    }
}
