/// A bounds-checked cursor over a received message; every read that would pass the end throws.
struct WireReader {
    private let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset = 0
    /// Reads stop here: the end of the message, or of the RDATA being decoded.
    private var limit: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        limit = bytes.count
    }

    /// Bytes left before the current limit.
    var remaining: Int { limit - offset }

    mutating func readUInt8() throws -> UInt8 {
        try need(1, for: "a byte")
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16() throws -> UInt16 {
        try need(2, for: "a 16-bit field")
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt32() throws -> UInt32 {
        try need(4, for: "a 32-bit field")
        defer { offset += 4 }
        return (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    mutating func readUInt48() throws -> UInt64 {
        try need(6, for: "a 48-bit field")
        defer { offset += 6 }
        return (0..<6).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try need(count, for: "\(count) bytes")
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads a possibly compressed name.
    ///
    /// Every pointer must point before the start of the labels it interrupts, so each jump
    /// goes strictly backwards and a chain of pointers always ends; the decoded name must
    /// also stay within 255 bytes.
    mutating func readName() throws -> DNSName {
        var labels: [[UInt8]] = []
        var wireLength = 1
        var position = offset
        var runStart = offset
        var bound = limit
        var jumped = false
        while true {
            guard position < bound else {
                throw DNSError.malformed("a name runs past the end of its data", at: position)
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    if !jumped {
                        offset = position + 1
                    }
                    return DNSName(validatedLabels: labels)
                }
                let start = position + 1
                let end = start + Int(length)
                guard end <= bound else {
                    throw DNSError.malformed("a \(length)-byte label runs past the end of its data", at: position)
                }
                wireLength += 1 + Int(length)
                guard wireLength <= 255 else {
                    throw DNSError.malformed("a name is longer than 255 bytes", at: position)
                }
                labels.append(Array(bytes[start..<end]))
                position = end
            case 0xC0:
                guard position + 1 < bound else {
                    throw DNSError.malformed("a compression pointer is cut short", at: position)
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                // The 12-byte header holds no names (and TSIG changes its counts after signing).
                guard target >= 12 else {
                    throw DNSError.malformed("a compression pointer to byte \(target) points into the header", at: position)
                }
                guard target < runStart else {
                    throw DNSError.malformed(
                        "a compression pointer to byte \(target) does not point backwards (a loop)",
                        at: position
                    )
                }
                if !jumped {
                    offset = position + 2
                    jumped = true
                    bound = bytes.count
                }
                runStart = target
                position = target
            default:
                throw DNSError.malformed(
                    "label type 0x\(String(length >> 6, radix: 16)) is not supported (only plain labels and pointers)",
                    at: position
                )
            }
        }
    }

    mutating func readRecord() throws -> DNSRecord {
        let name = try readName()
        let type = DNSRecordType(rawValue: try readUInt16())
        let recordClass = DNSClass(rawValue: try readUInt16())
        let ttl = try readUInt32()
        let length = Int(try readUInt16())
        guard length <= remaining else {
            throw DNSError.malformed(
                "the \(type) record for \(name) announces \(length) bytes of data but \(remaining) remain",
                at: offset - 2
            )
        }
        let start = offset
        let end = offset + length
        let outerLimit = limit
        limit = end
        defer { limit = outerLimit }
        let data = try readData(type: type, length: length, owner: name)
        guard offset == end else {
            throw DNSError.malformed(
                "the \(type) record for \(name) has \(end - offset) bytes of data left over",
                at: start
            )
        }
        return DNSRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
    }

    private mutating func readData(type: DNSRecordType, length: Int, owner: DNSName) throws -> DNSRecordData {
        // Empty RDATA is how UPDATE spells deletions and prerequisites, whatever the type.
        guard length > 0 else { return .opaque([]) }
        switch type {
        case .a, .aaaa:
            let expected = type == .a ? 4 : 16
            guard length == expected else {
                throw DNSError.malformed("the \(type) record for \(owner) has \(length) bytes of address", at: offset)
            }
            return .address(try DNSAddress(bytes: readBytes(length)))
        case .ns, .cname:
            return .name(try readName())
        case .soa:
            return .soa(
                SOAData(
                    primary: try readName(),
                    responsible: try readName(),
                    serial: try readUInt32(),
                    refresh: try readUInt32(),
                    retry: try readUInt32(),
                    expire: try readUInt32(),
                    minimum: try readUInt32()
                )
            )
        case .txt:
            var strings: [[UInt8]] = []
            while remaining > 0 {
                let count = Int(try readUInt8())
                strings.append(try readBytes(count))
            }
            return .txt(strings)
        case .tsig:
            let algorithm = try readName()
            let timeSigned = try readUInt48()
            let fudge = try readUInt16()
            let mac = try readBytes(Int(try readUInt16()))
            let originalID = try readUInt16()
            let error = DNSResponseCode(rawValue: try readUInt16())
            let otherData = try readBytes(Int(try readUInt16()))
            return .tsig(
                TSIGData(
                    algorithm: algorithm,
                    timeSigned: timeSigned,
                    fudge: fudge,
                    mac: mac,
                    originalID: originalID,
                    error: error,
                    otherData: otherData
                )
            )
        default:
            return .opaque(try readBytes(length))
        }
    }

    private func need(_ count: Int, for what: String) throws {
        guard count >= 0, count <= remaining else {
            throw DNSError.malformed("\(what) needed but \(remaining) bytes remain", at: offset)
        }
    }
}
