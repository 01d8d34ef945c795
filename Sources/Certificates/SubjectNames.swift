import FileIO
import Foundation
import SwiftASN1
import X509

/// The names a certificate is issued for, split into DNS names and IP addresses and normalised
/// (DNS names lower-cased, IP addresses in canonical text), without duplicates, in the given order.
struct SubjectNames: Equatable, Sendable {
    /// DNS names, e.g. `localhost`, `registry.example.com`, `*.example.com`.
    var dnsNames: [String]
    /// IP addresses in canonical text, e.g. `127.0.0.1`, `::1`.
    var ipAddresses: [String]

    /// Sorts `names` into DNS names and IP addresses.
    ///
    /// - Throws: ``TLSCertificateError/Kind/invalidName`` for an empty list or a name that is neither.
    init(_ names: [String]) throws(TLSCertificateError) {
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        for raw in names {
            let name = raw.trimmingCharacters(in: .whitespaces)
            // `[::1]` is how URLs and host lists write an IPv6 address.
            let address = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
            if let bytes = IPAddressText.bytes(of: address), let text = IPAddressText.text(of: bytes) {
                if !ipAddresses.contains(text) { ipAddresses.append(text) }
                continue
            }
            let lowered = name.lowercased()
            guard Self.isDNSName(lowered) else {
                throw .invalidName(raw, reason: "it is neither a DNS name (letters, digits, '-', '.', a leading '*.') nor an IP address")
            }
            if !dnsNames.contains(lowered) { dnsNames.append(lowered) }
        }
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty else {
            throw .invalidName("", reason: "a certificate needs at least one DNS name or IP address")
        }
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }

    /// The names of an existing certificate.
    init(dnsNames: [String], ipAddresses: [String]) {
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }

    /// Whether both hold the same names, whatever their order.
    func sameNames(as other: SubjectNames) -> Bool {
        Set(dnsNames) == Set(other.dnsNames) && Set(ipAddresses) == Set(other.ipAddresses)
    }

    /// The first name, for the subject's common name.
    var primaryName: String {
        dnsNames.first ?? ipAddresses[0]
    }

    /// The subjectAltName entries.
    var generalNames: [GeneralName] {
        dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.compactMap { text in
                IPAddressText.bytes(of: text).map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
            }
    }

    private static func isDNSName(_ name: String) -> Bool {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" { labels.removeFirst() }
        guard !labels.isEmpty, name.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                }
        }
    }
}
