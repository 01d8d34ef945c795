import Foundation
import X509

/// Whether the local CA must issue a new leaf instead of reusing the one on disk.
enum LeafRenewalPolicy {
    /// Why `leaf` cannot be reused, or nil when it can.
    ///
    /// A leaf is replaced when it was not signed by `authority`, when its names differ from
    /// `wanted`, when it is not valid yet, or when less than a third of its lifetime is left.
    static func reasonToReissue(
        _ leaf: CertificatePair,
        wanted: SubjectNames,
        authority: Certificate,
        now: Date
    ) -> String? {
        guard leaf.leaf.issuer == authority.subject,
              authority.publicKey.isValidSignature(leaf.leaf.signature, for: leaf.leaf)
        else {
            return "it was not signed by the current local CA"
        }
        let existing = SubjectNames(dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses)
        guard existing.sameNames(as: wanted) else {
            return "its names [\(leaf.names.joined(separator: ", "))] differ from the wanted "
                + "[\((wanted.dnsNames + wanted.ipAddresses).joined(separator: ", "))]"
        }
        guard now.addingTimeInterval(CertificatePair.clockSkewTolerance) >= leaf.notBefore else {
            return "it is not valid before \(leaf.notBefore.formatted(.iso8601))"
        }
        let lifetime = leaf.notAfter.timeIntervalSince(leaf.notBefore)
        guard leaf.notAfter.timeIntervalSince(now) > lifetime / 3 else {
            return "it expires at \(leaf.notAfter.formatted(.iso8601)), within the last third of its lifetime"
        }
        return nil
    }
}
