/// One entry of the question section (for an UPDATE: the zone section, RFC 2136 §2.3).
public struct DNSQuestion: Sendable, Hashable, CustomStringConvertible {
    /// The name asked about (for an UPDATE: the zone).
    public var name: DNSName
    /// The type asked for (for an UPDATE: `SOA`).
    public var type: DNSRecordType
    /// The class, nearly always `IN`.
    public var recordClass: DNSClass

    /// Creates a question.
    public init(name: DNSName, type: DNSRecordType, recordClass: DNSClass = .in) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }

    /// `name class type`, as dig prints a question.
    public var description: String {
        "\(name) \(recordClass) \(type)"
    }
}
