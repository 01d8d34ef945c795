/// Writes gzip (RFC 1952) files whose deflate stream (RFC 1951) uses stored blocks.
///
/// Stored blocks are plain deflate that every gunzip reads; for the incompressible
/// content of test layers real compression would not make them smaller anyway.
enum Gzip {
    private static let maximumBlock = 65_535

    /// The gzip size of `inputSize` bytes.
    static func compressedSize(inputSize: Int) -> Int {
        let blocks = max(1, (inputSize + maximumBlock - 1) / maximumBlock)
        return 10 + inputSize + 5 * blocks + 8
    }

    /// `input` wrapped in a gzip member (mtime 0, OS unix).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(compressedSize(inputSize: input.count))
        output += [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
        var offset = 0
        repeat {
            let length = min(maximumBlock, input.count - offset)
            let isFinal = offset + length == input.count
            output.append(isFinal ? 0x01 : 0x00)
            appendLittleEndian(UInt16(length), to: &output)
            appendLittleEndian(~UInt16(length), to: &output)
            output += input[offset..<(offset + length)]
            offset += length
        } while offset < input.count
        appendLittleEndian(CRC32.checksum(input), to: &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: input.count), to: &output)
        return output
    }

    private static func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value, to output: inout [UInt8]) {
        for shift in stride(from: 0, to: Value.bitWidth, by: 8) {
            output.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}
