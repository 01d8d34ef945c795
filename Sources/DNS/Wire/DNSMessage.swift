/// A DNS message (RFC 1035 §4.1): header, question, answer, authority and additional sections.
///
/// For an UPDATE (RFC 2136 §2) the same four sections hold the zone, the prerequisites, the
/// changes and the additional data; ``zone``, ``prerequisites`` and ``updates`` name them so.
///
/// ```swift
/// var query = DNSMessage(header: DNSHeader(recursionDesired: true))
/// query.questions = [DNSQuestion(name: try DNSName("example.com"), type: .txt)]
/// let bytes = try query.encoded()
/// let answer = try DNSMessage(decoding: received)
/// ```
public struct DNSMessage: Sendable, Hashable {
    /// The id and flags.
    public var header: DNSHeader
    /// The question section (an UPDATE's zone section).
    public var questions: [DNSQuestion]
    /// The answer section (an UPDATE's prerequisites).
    public var answers: [DNSRecord]
    /// The authority section (an UPDATE's changes).
    public var authorities: [DNSRecord]
    /// The additional section, where OPT and TSIG pseudo-records go (TSIG last).
    public var additionals: [DNSRecord]

    /// Creates a message.
    public init(
        header: DNSHeader = DNSHeader(),
        questions: [DNSQuestion] = [],
        answers: [DNSRecord] = [],
        authorities: [DNSRecord] = [],
        additionals: [DNSRecord] = []
    ) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// Decodes a message, following compression pointers (backwards only, so a loop is impossible).
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/malformedMessage``) for anything that does not
    ///   parse: a count larger than what follows, a length past the end, a bad pointer, trailing bytes.
    public init(decoding bytes: [UInt8]) throws {
        self = try Self.decode(bytes).message
    }

    /// The UPDATE zone section (the question section under another name).
    public var zone: [DNSQuestion] {
        get { questions }
        set { questions = newValue }
    }

    /// The UPDATE prerequisites (the answer section under another name).
    public var prerequisites: [DNSRecord] {
        get { answers }
        set { answers = newValue }
    }

    /// The UPDATE changes (the authority section under another name).
    public var updates: [DNSRecord] {
        get { authorities }
        set { authorities = newValue }
    }

    /// The TSIG record, when the message ends with one.
    public var tsig: (record: DNSRecord, data: TSIGData)? {
        guard let last = additionals.last, case .tsig(let data) = last.data else { return nil }
        return (last, data)
    }

    /// The wire form, with names compressed (owner names and the names inside NS, CNAME and SOA
    /// data, as RFC 3597 allows; never in TSIG).
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/unencodable``) for a TXT string over 255 bytes,
    ///   an address of the wrong length, or a section over 65,535 entries.
    public func encoded() throws -> [UInt8] {
        var writer = WireWriter()
        writer.writeUInt16(header.id)
        writer.writeUInt16(header.flags)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            guard count <= Int(UInt16.max) else {
                throw DNSError.unencodable("a section has \(count) entries; the limit is 65,535")
            }
            writer.writeUInt16(UInt16(count))
        }
        for question in questions {
            writer.writeName(question.name, compress: true)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.recordClass.rawValue)
        }
        for record in answers + authorities + additionals {
            try writer.writeRecord(record)
        }
        return writer.bytes
    }

    /// Decodes `bytes`, also returning where the last additional record starts (TSIG needs it).
    static func decode(_ bytes: [UInt8]) throws -> (message: DNSMessage, lastAdditionalOffset: Int?) {
        var reader = WireReader(bytes)
        let id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        let questionCount = Int(try reader.readUInt16())
        let answerCount = Int(try reader.readUInt16())
        let authorityCount = Int(try reader.readUInt16())
        let additionalCount = Int(try reader.readUInt16())

        // Each question takes at least 5 bytes and each record at least 11: refuse impossible
        // counts before reserving anything for them.
        let minimum = questionCount * 5 + (answerCount + authorityCount + additionalCount) * 11
        guard minimum <= reader.remaining else {
            throw DNSError.malformed(
                "the header announces \(questionCount)/\(answerCount)/\(authorityCount)/\(additionalCount) "
                    + "entries but only \(reader.remaining) bytes follow",
                at: 4
            )
        }
        var message = DNSMessage(header: DNSHeader(id: id, flags: flags))
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16())
            let recordClass = DNSClass(rawValue: try reader.readUInt16())
            message.questions.append(DNSQuestion(name: name, type: type, recordClass: recordClass))
        }
        for _ in 0..<answerCount {
            message.answers.append(try reader.readRecord())
        }
        for _ in 0..<authorityCount {
            message.authorities.append(try reader.readRecord())
        }
        var lastAdditionalOffset: Int?
        for _ in 0..<additionalCount {
            lastAdditionalOffset = reader.offset
            message.additionals.append(try reader.readRecord())
        }
        guard reader.remaining == 0 else {
            throw DNSError.malformed("\(reader.remaining) bytes follow the last record", at: reader.offset)
        }
        return (message, lastAdditionalOffset)
    }
}
