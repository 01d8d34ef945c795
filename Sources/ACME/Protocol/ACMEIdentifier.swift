import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        if let address = IPAddressBytes(trimmed) {
            self.init(type: "ip", value: address.text)
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

/// The bytes of an IPv4 or IPv6 address written as text, for `ip` identifiers and SANs.
struct IPAddressBytes: Sendable, Hashable {
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// The canonical text form (`inet_ntop`), e.g. `2001:db8::1`.
    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = copy.withUnsafeMutableBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
