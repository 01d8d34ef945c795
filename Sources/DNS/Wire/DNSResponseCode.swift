/// A response code: the header's RCODE, or the error field of a TSIG record (RFC 8945 §4.2).
public struct DNSResponseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value (4 bits in the header, 16 in a TSIG record).
    public let rawValue: UInt16

    /// Creates a code from its value.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// No error.
    public static let noError = Self(rawValue: 0)
    /// The server could not interpret the request.
    public static let formErr = Self(rawValue: 1)
    /// The server failed to process the request.
    public static let servFail = Self(rawValue: 2)
    /// The name does not exist.
    public static let nxDomain = Self(rawValue: 3)
    /// The server does not implement this kind of request.
    public static let notImp = Self(rawValue: 4)
    /// The server refuses, by policy.
    public static let refused = Self(rawValue: 5)
    /// A name exists that an UPDATE prerequisite said should not.
    public static let yxDomain = Self(rawValue: 6)
    /// An RRset exists that an UPDATE prerequisite said should not.
    public static let yxRRSet = Self(rawValue: 7)
    /// An RRset does not exist that an UPDATE prerequisite said should.
    public static let nxRRSet = Self(rawValue: 8)
    /// The server is not authoritative for the zone, or (with TSIG) the request is not authorized.
    public static let notAuth = Self(rawValue: 9)
    /// A name in the UPDATE is not within the zone named in its zone section.
    public static let notZone = Self(rawValue: 10)
    /// TSIG: the MAC does not verify (the secrets differ).
    public static let badSig = Self(rawValue: 16)
    /// TSIG: the server does not know the key (name or algorithm).
    public static let badKey = Self(rawValue: 17)
    /// TSIG: the time signed is outside the fudge window.
    public static let badTime = Self(rawValue: 18)
    /// TSIG: the MAC was truncated below what the server accepts.
    public static let badTrunc = Self(rawValue: 22)

    /// The mnemonic (`REFUSED`, `BADSIG`), or `RCODE<n>`.
    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formErr: "FORMERR"
        case .servFail: "SERVFAIL"
        case .nxDomain: "NXDOMAIN"
        case .notImp: "NOTIMP"
        case .refused: "REFUSED"
        case .yxDomain: "YXDOMAIN"
        case .yxRRSet: "YXRRSET"
        case .nxRRSet: "NXRRSET"
        case .notAuth: "NOTAUTH"
        case .notZone: "NOTZONE"
        case .badSig: "BADSIG"
        case .badKey: "BADKEY"
        case .badTime: "BADTIME"
        case .badTrunc: "BADTRUNC"
        default: "RCODE\(rawValue)"
        }
    }
}
