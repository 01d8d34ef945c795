import FileIO

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`) of `auth.trustednetworks`.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The network's address bytes (4 or 16), host bits cleared.
    private let network: [UInt8]
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `text`; an address without `/N` is a network of one address.
    /// - Returns: nil when `text` is not an address, or the prefix is out of range for its family.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = IPAddressText.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parsed >= 0, parsed <= bytes.count * 8 else { return nil }
            length = parsed
        } else {
            length = bytes.count * 8
        }
        prefixLength = length
        network = Self.masked(bytes, prefixLength: length)
    }

    /// Whether `address` (text, as `WharfRequestContext.clientAddress` holds it) is in this network.
    /// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) counts as its IPv4 address.
    public func contains(_ address: String) -> Bool {
        guard var bytes = IPAddressText.bytes(of: address) else { return false }
        if bytes.count == 16, network.count == 4, bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, prefixLength: prefixLength) == network
    }

    /// `address/length` in canonical text.
    public var description: String {
        "\(IPAddressText.text(of: network) ?? "?")/\(prefixLength)"
    }

    private static func masked(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(8, max(0, prefixLength - index * 8))
            return bits == 8 ? byte : byte & ~(UInt8(0xff) >> bits)
        }
    }
}
