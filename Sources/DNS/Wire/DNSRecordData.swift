/// The RDATA of a record, decoded for the types DNS-01 needs and kept as bytes otherwise.
public enum DNSRecordData: Sendable, Hashable {
    /// An A or AAAA address.
    case address(DNSAddress)
    /// A name: the target of an NS or CNAME record.
    case name(DNSName)
    /// SOA data.
    case soa(SOAData)
    /// The character-strings of a TXT record, each at most 255 bytes.
    case txt([[UInt8]])
    /// TSIG data.
    case tsig(TSIGData)
    /// The bytes of any other type (OPT included), and the empty RDATA that UPDATE deletions
    /// and prerequisites carry.
    case opaque([UInt8])

    /// A TXT record's strings joined, decoded as UTF-8; nil for other data.
    public var text: String? {
        guard case .txt(let strings) = self else { return nil }
        return String(decoding: strings.joined(), as: UTF8.self)
    }

    /// TXT data for `text`, split into strings of at most 255 bytes.
    public static func txt(_ text: String) -> DNSRecordData {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .txt([[]]) }
        return .txt(stride(from: 0, to: bytes.count, by: 255).map { Array(bytes[$0..<min($0 + 255, bytes.count)]) })
    }
}
