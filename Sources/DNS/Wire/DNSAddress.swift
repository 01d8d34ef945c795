import FileIO

/// The address in an A (4 bytes) or AAAA (16 bytes) record.
public struct DNSAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address bytes in network order.
    public let bytes: [UInt8]

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes.
    ///
    /// - Throws: ``DNSError`` when `bytes` has another length.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 4 || bytes.count == 16 else {
            throw DNSError.unencodable("an address is 4 (A) or 16 (AAAA) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses `192.0.2.1` or `2001:db8::1`.
    ///
    /// - Throws: ``DNSError`` when `text` is neither.
    public init(parsing text: String) throws {
        guard let bytes = IPAddressText.bytes(of: text) else {
            throw DNSError.unencodable("\(String(reflecting: text)) is not an IPv4 or IPv6 address")
        }
        self.bytes = bytes
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The usual text form: `127.0.0.1`, `::1`.
    public var description: String {
        IPAddressText.text(of: bytes) ?? bytes.map(String.init).joined(separator: ".")
    }
}
