/// The fixed part of a DNS message (RFC 1035 §4.1.1) without the section counts, which
/// ``DNSMessage`` derives from its sections.
public struct DNSHeader: Sendable, Hashable {
    /// The transaction id a response must echo.
    public var id: UInt16
    /// The flag bits as on the wire: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD and RCODE.
    public var flags: UInt16

    /// Creates a header.
    ///
    /// - Parameters:
    ///   - id: a random id for a request (the default), or the request's id for a response.
    ///   - opcode: `QUERY` or `UPDATE`.
    ///   - recursionDesired: set RD, asking a resolver to recurse.
    public init(id: UInt16 = .random(in: .min ... .max), opcode: DNSOpcode = .query, recursionDesired: Bool = false) {
        self.id = id
        flags = 0
        self.opcode = opcode
        self.recursionDesired = recursionDesired
    }

    /// Creates a header from its raw flag bits.
    public init(id: UInt16, flags: UInt16) {
        self.id = id
        self.flags = flags
    }

    /// QR: this message is a response.
    public var isResponse: Bool {
        get { bit(15) }
        set { setBit(15, newValue) }
    }

    /// The kind of request.
    public var opcode: DNSOpcode {
        get { DNSOpcode(rawValue: UInt8((flags >> 11) & 0x0F)) }
        set { flags = (flags & ~0x7800) | (UInt16(newValue.rawValue) << 11) }
    }

    /// AA: the answer comes from a server authoritative for the name.
    public var isAuthoritative: Bool {
        get { bit(10) }
        set { setBit(10, newValue) }
    }

    /// TC: the message was cut to fit a datagram; ask again over TCP.
    public var isTruncated: Bool {
        get { bit(9) }
        set { setBit(9, newValue) }
    }

    /// RD: the client asks the server to recurse.
    public var recursionDesired: Bool {
        get { bit(8) }
        set { setBit(8, newValue) }
    }

    /// RA: the server offers recursion.
    public var recursionAvailable: Bool {
        get { bit(7) }
        set { setBit(7, newValue) }
    }

    /// The low four bits of the response code (extended codes live in OPT and TSIG records).
    public var responseCode: DNSResponseCode {
        get { DNSResponseCode(rawValue: flags & 0x000F) }
        set { flags = (flags & ~0x000F) | (newValue.rawValue & 0x000F) }
    }

    private func bit(_ index: Int) -> Bool {
        flags & (1 << index) != 0
    }

    private mutating func setBit(_ index: Int, _ on: Bool) {
        if on {
            flags |= 1 << index
        } else {
            flags &= ~(1 << index)
        }
    }
}
