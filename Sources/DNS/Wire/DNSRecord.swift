/// A resource record (RFC 1035 §4.1.3): an answer, an authority or additional record, an
/// UPDATE prerequisite or change, or a pseudo-record (OPT, TSIG).
public struct DNSRecord: Sendable, Hashable, CustomStringConvertible {
    /// The owner name.
    public var name: DNSName
    /// The type written on the wire; it decides how ``data`` is encoded.
    public var type: DNSRecordType
    /// The class (`IN`; `NONE` or `ANY` in UPDATE deletions; `ANY` for TSIG).
    public var recordClass: DNSClass
    /// Time to live in seconds.
    public var ttl: UInt32
    /// The RDATA.
    public var data: DNSRecordData

    /// Creates a record.
    public init(name: DNSName, type: DNSRecordType, recordClass: DNSClass = .in, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    /// `name ttl class type data`, roughly as dig prints a record (TSIG MACs and secrets are not shown).
    public var description: String {
        let shown: String
        switch data {
        case .address(let address): shown = address.description
        case .name(let target): shown = target.description
        case .soa(let soa):
            shown = "\(soa.primary) \(soa.responsible) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .txt(let strings):
            shown = strings.map { "\"\(String(decoding: $0, as: UTF8.self))\"" }.joined(separator: " ")
        case .tsig(let tsig):
            shown = "\(tsig.algorithm) \(tsig.timeSigned) \(tsig.fudge) mac(\(tsig.mac.count) bytes) \(tsig.error)"
        case .opaque(let bytes): shown = "\\# \(bytes.count)"
        }
        return "\(name) \(ttl) \(recordClass) \(type) \(shown)"
    }
}
