/// A resource record TYPE (RFC 1035 §3.2.2 and later registrations).
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public let rawValue: UInt16

    /// Creates a type from its wire value; unknown values are kept as they are.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// An IPv4 address.
    public static let a = Self(rawValue: 1)
    /// An authoritative name server.
    public static let ns = Self(rawValue: 2)
    /// The canonical name for an alias.
    public static let cname = Self(rawValue: 5)
    /// The start of a zone of authority.
    public static let soa = Self(rawValue: 6)
    /// Text strings; DNS-01 publishes its proof in one.
    public static let txt = Self(rawValue: 16)
    /// An IPv6 address.
    public static let aaaa = Self(rawValue: 28)
    /// The EDNS(0) pseudo-record (RFC 6891).
    public static let opt = Self(rawValue: 41)
    /// A transaction signature (RFC 8945).
    public static let tsig = Self(rawValue: 250)
    /// Any type: in a question, every record; in an UPDATE, a whole-name deletion.
    public static let any = Self(rawValue: 255)

    /// The mnemonic (`TXT`), or `TYPE<n>` for a type without one here (RFC 3597).
    public var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .opt: "OPT"
        case .tsig: "TSIG"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}
