/// The kind of request a message carries (the header's OPCODE).
public struct DNSOpcode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 4-bit value on the wire.
    public let rawValue: UInt8

    /// Creates an opcode; only the low four bits are used.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue & 0x0F
    }

    /// A standard query.
    public static let query = Self(rawValue: 0)
    /// A zone change notification (RFC 1996).
    public static let notify = Self(rawValue: 4)
    /// A dynamic update (RFC 2136).
    public static let update = Self(rawValue: 5)

    /// The mnemonic (`QUERY`, `UPDATE`), or `OPCODE<n>`.
    public var description: String {
        switch self {
        case .query: "QUERY"
        case .notify: "NOTIFY"
        case .update: "UPDATE"
        default: "OPCODE\(rawValue)"
        }
    }
}
