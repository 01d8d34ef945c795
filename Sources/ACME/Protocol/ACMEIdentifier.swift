import FileIO
import Foundation

/// What an order names (RFC 8555 §9.7.7): a DNS name (`dns`) or an IP address (`ip`, RFC 8738).
public struct ACMEIdentifier: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `dns` or `ip`.
    public let type: String
    /// The name (without a trailing dot; `*.` for a wildcard) or the address in its usual text form.
    public let value: String

    /// Creates an identifier as a CA sends it.
    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }

    /// The identifier for a configured host: an IP address becomes type `ip`, anything else
    /// type `dns`, lower-cased and without a trailing dot.
    ///
    /// - Throws: ``ACMEError`` of kind ``ACMEError/Kind/invalidConfiguration`` naming the host
    ///   when it is empty or contains characters a DNS name cannot have.
    public init(host: String) throws(ACMEError) {
        let trimmed = host.trimmingCharacters(in: .whitespaces)
        if let bytes = IPAddressText.bytes(of: trimmed), let text = IPAddressText.text(of: bytes) {
            self.init(type: "ip", value: text)
            return
        }
        var name = trimmed.lowercased()
        if name.hasSuffix(".") {
            name.removeLast()
        }
        let label = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        guard !label.isEmpty, label.count <= 253, label.allSatisfy(allowed.contains),
              !label.split(separator: ".", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0.count > 63 })
        else {
            throw .invalidConfiguration(
                "host \(String(reflecting: host))",
                reason: "is neither a DNS name (letters, digits, '-', dots, optionally a leading '*.') nor an IP address; fix the host list"
            )
        }
        self.init(type: "dns", value: name)
    }

    /// The value; a wildcard keeps its `*.`.
    public var description: String { value }
}
