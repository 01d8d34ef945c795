/// A resource record CLASS (RFC 1035 §3.2.4, RFC 2136 §2.4).
public struct DNSClass: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public let rawValue: UInt16

    /// Creates a class from its wire value; unknown values are kept as they are.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The Internet.
    public static let `in` = Self(rawValue: 1)
    /// In an UPDATE, "delete this one record" (RFC 2136 §2.5.4).
    public static let none = Self(rawValue: 254)
    /// Any class; TSIG records carry it, and in an UPDATE it deletes a whole RRset.
    public static let any = Self(rawValue: 255)

    /// The mnemonic (`IN`), or `CLASS<n>`.
    public var description: String {
        switch self {
        case .in: "IN"
        case .none: "NONE"
        case .any: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}
