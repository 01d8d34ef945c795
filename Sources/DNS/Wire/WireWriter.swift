/// Builds a message's wire form, compressing names against those already written.
struct WireWriter {
    private(set) var bytes: [UInt8] = []
    /// Where each name suffix written so far starts, keyed by its lowercased labels.
    private var suffixOffsets: [[[UInt8]]: Int] = [:]

    mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8((value >> UInt32(shift)) & 0xFF))
        }
    }

    mutating func writeUInt48(_ value: UInt64) {
        for shift in stride(from: 40, through: 0, by: -8) {
            bytes.append(UInt8((value >> UInt64(shift)) & 0xFF))
        }
    }

    mutating func writeBytes(_ data: [UInt8]) {
        bytes += data
    }

    /// Writes `name`; with `compress`, the longest suffix already written becomes a pointer.
    mutating func writeName(_ name: DNSName, compress: Bool) {
        let lowered = name.labels.map(DNSName.lowercased)
        for index in lowered.indices {
            let suffix = Array(lowered[index...])
            if compress, let target = suffixOffsets[suffix] {
                writeUInt16(0xC000 | UInt16(target))
                return
            }
            if compress, bytes.count <= 0x3FFF, suffixOffsets[suffix] == nil {
                suffixOffsets[suffix] = bytes.count
            }
            let label = name.labels[index]
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
    }

    mutating func writeRecord(_ record: DNSRecord) throws {
        writeName(record.name, compress: record.type != .tsig)
        writeUInt16(record.type.rawValue)
        writeUInt16(record.recordClass.rawValue)
        writeUInt32(record.ttl)
        let lengthOffset = bytes.count
        writeUInt16(0)
        try writeData(record)
        let length = bytes.count - lengthOffset - 2
        guard length <= Int(UInt16.max) else {
            throw DNSError.unencodable("the \(record.type) record for \(record.name) has \(length) bytes of data")
        }
        bytes[lengthOffset] = UInt8(length >> 8)
        bytes[lengthOffset + 1] = UInt8(length & 0xFF)
    }

    private mutating func writeData(_ record: DNSRecord) throws {
        // RFC 3597 §4: compress only inside the well-known types of RFC 1035.
        let compress = [.ns, .cname, .soa].contains(record.type)
        switch record.data {
        case .address(let address):
            writeBytes(address.bytes)
        case .name(let target):
            writeName(target, compress: compress)
        case .soa(let soa):
            writeName(soa.primary, compress: compress)
            writeName(soa.responsible, compress: compress)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] {
                writeUInt32(value)
            }
        case .txt(let strings):
            for string in strings {
                guard string.count <= 255 else {
                    throw DNSError.unencodable(
                        "a TXT string for \(record.name) is \(string.count) bytes; the limit is 255 (split it)"
                    )
                }
                writeUInt8(UInt8(string.count))
                writeBytes(string)
            }
        case .tsig(let tsig):
            writeName(tsig.algorithm, compress: false)
            writeUInt48(tsig.timeSigned)
            writeUInt16(tsig.fudge)
            writeUInt16(UInt16(clamping: tsig.mac.count))
            writeBytes(tsig.mac)
            writeUInt16(tsig.originalID)
            writeUInt16(tsig.error.rawValue)
            writeUInt16(UInt16(clamping: tsig.otherData.count))
            writeBytes(tsig.otherData)
        case .opaque(let data):
            writeBytes(data)
        }
    }
}
